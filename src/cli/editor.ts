/**
 * Running the user's editor on a file, as git and kubectl do: `$VISUAL`, else `$EDITOR`, else
 * `vi`, split on spaces (`code --wait`; no shell, so no quoting). The editor shares kvdir's
 * terminal: each injected stream that has a file descriptor (the bin's `process` streams) is
 * handed to it as it is; a stream without one (a test's memory stream) gets the editor's output
 * copied into it, and the editor's stdin is empty.
 */
import { spawn } from 'node:child_process';
import { CliError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import type { CliIO, OutputStream } from './io.js';

/** The editor's command line from the environment: the program, then its arguments. */
export function editorCommand(env: CliIO['env']): [string, ...string[]] {
  const [program = 'vi', ...args] = (env.VISUAL?.trim() || env.EDITOR?.trim() || 'vi').split(/\s+/);
  return [program, ...args];
}

/** The editor failed; `started`: it ran, so the file may hold the user's edits. */
export class EditorError extends CliError {
  readonly started: boolean;
  constructor(message: string, started: boolean) {
    super(message, ExitCode.Failure);
    this.started = started;
  }
}

type Exit = { code: number | null; signal: NodeJS.Signals | null } | Error;

/** Runs the editor on `file` and waits for it to exit; EditorError unless it exits with 0. */
export async function runEditor(file: string, io: CliIO): Promise<void> {
  const [program, ...args] = editorCommand(io.env);
  const child = spawn(program, [...args, file], {
    stdio: [fdOf(io.stdin) ?? 'ignore', fdOf(io.stdout) ?? 'pipe', fdOf(io.stderr) ?? 'pipe'],
    env: definedOnly(io.env),
  });
  copyInto(child.stdout, io.stdout);
  copyInto(child.stderr, io.stderr);
  const exit = await new Promise<Exit>((resolve) => {
    child.once('error', resolve);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const name = [program, ...args].join(' ');
  if (exit instanceof Error) {
    throw new EditorError(`cannot run the editor '${name}': ${exit.message}`, false);
  }
  if (exit.code !== 0) {
    const how =
      exit.signal === null ? `exited with code ${exit.code}` : `was killed by ${exit.signal}`;
    throw new EditorError(`the editor '${name}' ${how}`, true);
  }
}

function fdOf(stream: unknown): number | undefined {
  const fd = (stream as { fd?: unknown }).fd;
  return typeof fd === 'number' ? fd : undefined;
}

function copyInto(from: NodeJS.ReadableStream | null, to: OutputStream): void {
  from?.setEncoding('utf8').on('data', (chunk: string) => to.write(chunk));
}

function definedOnly(env: CliIO['env']): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}
