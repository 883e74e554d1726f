/**
 * `kvdir watch [<prefix>]`: runs the syncer and prints each status change and update as one
 * line, until the signal (SIGINT/SIGTERM in the bin) is aborted; then stops and exits 0.
 */
import { syncStatusToString } from '../../index.js';
import type { Context } from '../context.js';
import { prefixArg } from '../context.js';
import { describeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { WatchEvent } from '../output.js';
import { formatEvent, parseFailedEvent, statusEvent, updateEvent } from '../output.js';

export async function watch(ctx: Context): Promise<number> {
  const prefix = prefixArg(ctx.positionals[0]);
  const emit = (event: WatchEvent): void => {
    ctx.io.stdout.write(formatEvent(event, ctx.output));
  };
  const client = await ctx.open();
  const syncer = client.syncer(
    {
      onStatusUpdated: (status) => emit(statusEvent(syncStatusToString(status))),
      onUpdates: (updates) => {
        for (const update of updates) emit(updateEvent(update));
      },
      parseFailed: (rawKey) => emit(parseFailedEvent(rawKey)),
    },
    { prefixes: [prefix], onWarning: (warning) => ctx.warn(describeError(warning)) },
  );
  syncer.start();
  await aborted(ctx.io.signal);
  await syncer.stop();
  return ExitCode.Ok;
}

/** Resolves when the signal is aborted; never without one. */
function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
