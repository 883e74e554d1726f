import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const running = new Set<ChildProcessWithoutNullStreams>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

export const childScript = (name: string): string =>
  join(import.meta.dirname, '..', 'children', name);

/** A child Node process with its output collected line by line. */
export class Child {
  readonly process: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  #waiters: Array<() => void> = [];

  constructor(script: string, args: string[]) {
    this.process = spawn(process.execPath, [script, ...args], { stdio: 'pipe' });
    running.add(this.process);
    let buffer = '';
    this.process.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.process.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) =>
      this.process.on('exit', (code) => {
        running.delete(this.process);
        for (const wake of this.#waiters.splice(0)) wake();
        resolve(code);
      }),
    );
  }

  /** Resolves with the first line matching, or rejects when the child exits first. */
  async line(match: (line: string) => boolean): Promise<string> {
    for (;;) {
      const found = this.lines.find(match);
      if (found !== undefined) return found;
      if (this.process.exitCode !== null)
        throw new Error(`child exited (${this.process.exitCode}) before the line: ${this.stderr}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when the deadline passed and the child was killed: what a hang looks like. */
  timedOut: boolean;
}

/**
 * Runs `node <script> <args>` to its end, killing it (SIGKILL) after `timeoutMs`: an
 * operation that may hang runs here, so that a hang fails the test instead of the suite.
 */
export function runNode(
  script: string,
  args: string[],
  options: { timeoutMs: number; input?: string; cwd?: string; execArgv?: string[] },
): Promise<Finished> {
  const child = spawn(process.execPath, [...(options.execArgv ?? []), script, ...args], {
    stdio: 'pipe',
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  running.add(child);
  // A child may stop reading its input early (that can be what a test checks): no EPIPE then.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr, timedOut });
    }),
  );
}
