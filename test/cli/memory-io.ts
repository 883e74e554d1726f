/** In-memory streams for running `main` in-process, and waiting on the lines it prints. */
import { Readable } from 'node:stream';
import type { CliIO, OutputStream } from '../../src/cli/main.js';
import { main } from '../../src/cli/main.js';

export class MemoryOutput implements OutputStream {
  text = '';
  isTTY: boolean;
  readonly #waiters = new Set<() => void>();

  constructor(isTTY = false) {
    this.isTTY = isTTY;
  }

  write(text: string): boolean {
    this.text += text;
    for (const wake of this.#waiters) wake();
    return true;
  }

  get lines(): string[] {
    return this.text.split('\n').filter((line) => line !== '');
  }

  /** Resolves with the first line that matches, as soon as it has been written. */
  waitForLine(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const line = this.lines.find((candidate) => pattern.test(candidate));
        if (line === undefined) return false;
        this.#waiters.delete(wake);
        clearTimeout(timer);
        resolve(line);
        return true;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(new Error(`no line matching ${String(pattern)} in:\n${this.text}`));
      }, timeoutMs);
      this.#waiters.add(wake);
      check();
    });
  }
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  stdin?: string;
  stderrIsTTY?: boolean;
  signal?: AbortSignal;
  stdout?: MemoryOutput;
  stderr?: MemoryOutput;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function memoryIO(
  options: RunOptions = {},
): CliIO & { stdout: MemoryOutput; stderr: MemoryOutput } {
  return {
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdout: options.stdout ?? new MemoryOutput(),
    stderr: options.stderr ?? new MemoryOutput(options.stderrIsTTY ?? false),
    env: options.env ?? {},
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
}

/** Runs `kvdir <argv>` in-process. */
export async function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const io = memoryIO(options);
  const code = await main(argv, io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}
