/**
 * `kvdir mirror <dir> [<prefix>] --endpoints URL [--once] [--dry-run] [--force] [--no-heal]`:
 * keeps the etcd keys at or below a prefix equal to a directory, with kvdir/mirror. Live, it
 * runs until the signal (SIGINT/SIGTERM in the bin), then stops and exits 0; with `--once` it
 * makes one pass and exits 0 when etcd matches, 1 when something was refused or skipped;
 * `--dry-run` plans that pass and exits 0 when there is nothing to do, 1 otherwise. The mirror's library is loaded only here (it needs the etcd client).
 */
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { MirrorEvent } from '../../mirror/index.js';
import type { Context } from '../context.js';
import { prefixArg } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { mirrorLine } from '../mirror-lines.js';
import type { WatchEvent } from '../output.js';
import { formatEvent } from '../output.js';

export async function mirror(ctx: Context): Promise<number> {
  if (ctx.etcd === undefined) {
    throw new UsageError(
      'mirror needs --endpoints (or $KVDIR_ENDPOINTS): the etcd it writes to',
      'mirror',
    );
  }
  const dir = resolve(ctx.cwd, ctx.arg(0));
  const prefix = prefixArg(ctx.positionals[1]);
  const emit = (event: MirrorEvent): void => {
    if (event.type === 'warning') ctx.warn(event.message);
    else if (ctx.output !== undefined)
      ctx.io.stdout.write(formatEvent(event as WatchEvent, ctx.output));
    else ctx.print(mirrorLine(event, prefix) ?? '');
  };
  // A missing directory is refused even with --force: far more often a typo than an intent
  // (an empty directory with --force prunes the prefix).
  if (!(await isDirectory(dir))) {
    throw new CliError(
      `refused: ${dir} is not a directory (a missing directory is never mirrored; an empty one is, with --force)`,
      ExitCode.Failure,
    );
  }
  const source = ctx.openDirectory({ root: dir });
  const target = await ctx.open();
  if (!('openMirrorTarget' in target)) throw new Error('unreachable: --endpoints opens etcd');
  const { mirror: startMirror } = await import('../../mirror/index.js');
  const once = ctx.flag('once') || ctx.flag('dry-run');
  const running = startMirror(source, target, {
    prefix,
    once,
    dryRun: ctx.flag('dry-run'),
    force: ctx.flag('force'),
    heal: !ctx.flag('no-heal'),
    holder: `${hostname()} pid ${process.pid} (${dir})`,
    onEvent: emit,
  });
  const interrupted = aborted(ctx.io.signal);
  const ended = await Promise.race([running.done.then((outcome) => ({ outcome })), interrupted]);
  await running.close();
  if (ended === 'aborted') return once ? ExitCode.Interrupted : ExitCode.Ok;
  return ended.outcome.inSync ? ExitCode.Ok : ExitCode.Failure;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Resolves when the signal is aborted; never without one. */
function aborted(signal: AbortSignal | undefined): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
}
