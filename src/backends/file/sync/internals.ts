/**
 * Test knobs for a client's syncers (short timings, an injected watch source), kept off the
 * public options: a test calls `tuneSyncers(client, knobs)` and every syncer the client makes
 * afterwards uses them. Not exported from the package.
 */
import type { FileSyncerInternals } from './settings.js';

const knobs = new WeakMap<object, FileSyncerInternals>();

/** Every syncer `client` makes from now on uses `internals`. */
export function tuneSyncers(client: object, internals: FileSyncerInternals): void {
  knobs.set(client, internals);
}

/** The knobs set for `client`'s syncers, if any. */
export function syncerKnobs(client: object): FileSyncerInternals {
  return knobs.get(client) ?? {};
}
