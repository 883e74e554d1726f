/**
 * "Everything before this has been reported": writes a sentinel key and waits for its update.
 * Watchers deliver events in order and batches go out in order, so once the sentinel's update
 * arrived, every change made before it was looked at. Tests use this instead of sleeping to
 * show that something was NOT reported.
 */
import { GlobalConfigKey, PathKey } from '../../../../src/index.js';
import type { FileBackend, Key } from '../../../../src/index.js';
import type { Recorder } from '../../../../src/contract/recorder.js';

let counter = 0;

/** A sentinel for syncers with the default keyFromPath or PathKeys. */
export const pathSentinel: Key = new PathKey('/zz-sentinel/s');
/** A sentinel for syncers that parse only Calico keys. */
export const calicoSentinel: Key = new GlobalConfigKey({ name: 'zz-sentinel' });

const SENTINEL_PATHS = new Set([pathSentinel.defaultPath(), calicoSentinel.defaultPath()]);

export async function settled(
  rec: Recorder,
  client: FileBackend,
  mark = 0,
  key: Key = pathSentinel,
): Promise<void> {
  const value = key === calicoSentinel ? String(++counter) : { n: ++counter };
  const written = await client.apply({ key, value });
  await rec.waitForUpdate(
    key.defaultPath(),
    (update) => update.revision === written.revision,
    mark,
  );
}

/** Updates that are not a sentinel's. */
export function nonSentinel<T extends { key: { defaultPath(): string } }>(updates: T[]): T[] {
  return updates.filter((update) => !SENTINEL_PATHS.has(update.key.defaultPath()));
}
