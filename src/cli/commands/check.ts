/**
 * `kvdir check [<prefix>] [--fix]`: every file kvdir cannot read as a key, and every leftover
 * of interrupted work, as `file:line:column: message` (paths relative to the working directory
 * where they are below it; absolute with -o yaml|json); exit code 1 if there is any. With
 * --fix the leftovers are removed (`leftover: … (removed)`) and only the rest counts for the exit code.
 * Progress goes to stderr, on a terminal only.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import type { CheckProblem } from '../../index.js';
import type { Context } from '../context.js';
import { prefixArg } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { OutputStream } from '../io.js';
import { formatDocument, withoutPosition } from '../output.js';

/** Progress redraws at most this often. */
const PROGRESS_INTERVAL_MS = 100;

export async function check(ctx: Context): Promise<number> {
  if (ctx.etcd !== undefined) {
    throw new UsageError(
      'check reads a datastore directory, and --endpoints names etcd: etcd holds no files to check (kvdir list warns of each value that does not parse)',
      'check',
    );
  }
  const prefix = prefixArg(ctx.positionals[0]);
  await requireDirectory(ctx.root);
  const progress = ctx.io.stderr.isTTY === true ? new Progress(ctx.io.stderr) : undefined;
  let files = 0;
  const problems = await ctx
    .openDirectory()
    .check(prefix, {
      onProgress: (done, total) => {
        files = total;
        progress?.show(done, total);
      },
      fix: ctx.flag('fix'),
    })
    .finally(() => progress?.clear());
  const cleaned = problems.map((problem) => ({
    ...problem,
    message: withoutPosition(problem.message),
  }));
  if (ctx.output !== undefined) {
    ctx.print(formatDocument(cleaned, ctx.output));
  } else if (cleaned.length > 0) {
    const shown = cleaned.map((problem) => ({
      ...problem,
      file: displayPath(problem.file, ctx.cwd),
    }));
    ctx.print(shown.map(formatProblem).join('\n'));
  }
  const fixed = problems.filter((problem) => problem.fixed === true).length;
  const found = problems.length === 0 ? 'no problems' : plural(problems.length, 'problem');
  const removed = fixed === 0 ? '' : ` (${fixed} removed)`;
  ctx.io.stderr.write(`kvdir: checked ${plural(files, 'file')}: ${found}${removed}\n`);
  return problems.length === fixed ? ExitCode.Ok : ExitCode.Failure;
}

/** A check of a directory that is not there would pass: a gate pointed at the wrong place must fail instead. */
async function requireDirectory(root: string): Promise<void> {
  const found = await stat(root).catch(() => undefined);
  if (found?.isDirectory() !== true)
    throw new CliError(`no datastore directory at ${root}`, ExitCode.DatastoreError);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function formatProblem(problem: CheckProblem): string {
  const position =
    problem.line === undefined
      ? ''
      : `:${problem.line}${problem.col === undefined ? '' : `:${problem.col}`}`;
  return `${problem.file}${position}: ${problem.message}`;
}

function displayPath(file: string, cwd: string): string {
  const shown = relative(cwd, file);
  return shown === '' || shown.startsWith('..') || isAbsolute(shown) ? file : shown;
}

class Progress {
  readonly #stream: OutputStream;
  #last = 0;
  #shown = false;

  constructor(stream: OutputStream) {
    this.#stream = stream;
  }

  show(done: number, total: number): void {
    const now = Date.now();
    if (done < total && now - this.#last < PROGRESS_INTERVAL_MS) return;
    this.#last = now;
    this.#shown = true;
    this.#stream.write(`\rchecking ${done}/${total} files`);
  }

  clear(): void {
    if (this.#shown) this.#stream.write('\r\x1b[K');
  }
}
