/**
 * The file syncer's options: the shared ones (syncer/options.ts) and those of a tree on disk
 * (how it is watched, how events are coalesced), with their defaults applied; and the knobs
 * that only tests turn, which reach a syncer through `tuneSyncers` (internals.ts), never
 * through the public options. Pure.
 */
import type { SyncerOptions } from '../../../model/api.js';
import { ValidationError } from '../../../model/errors.js';
import type { SyncerSettings } from '../../../syncer/options.js';
import { nonNegative, syncerSettingsOf } from '../../../syncer/options.js';
import type { WatchSource } from './watch/port.js';
import { INDEX_RACY_MS } from './index-file.js';

/** How a tree on disk is watched. */
export type Watcher = 'directories' | 'chokidar';

/** The options of `FileBackend.syncer()`: the shared ones, and these. */
export interface FileSyncerOptions extends SyncerOptions {
  /** Quiet time after the last file-system event before a batch is sent, in ms. Default 50. */
  quietWindowMs?: number;
  /** Cap on the delay of a change under continuous churn, in ms. Default 500. */
  maxDelayMs?: number;
  /**
   * How a tree on disk is watched (memfs always uses its own `fs.watch`):
   * - `'directories'`: one `fs.watch` per directory (one inotify watch each on Linux);
   * - `'chokidar'`: chokidar 5, which watches every file as well (one inotify watch per file).
   * Default: `'directories'` on Linux, where kvdir's tests prove it; `'chokidar'` elsewhere.
   */
  watcher?: Watcher;
}

/** Knobs that are not options: tests turn them to make timings short or to inject faults. */
export interface FileSyncerInternals {
  /** Where file-system hints come from, whatever `watcher` says (tests inject their own). */
  watchSource?: WatchSource;
  /** Scopes in one batch from which a full resync is cheaper and safer (the kernel may have dropped events). */
  burstThreshold?: number;
  /** Delay of the second look at a new directory, and of the follow-up resync after a burst. */
  settleMs?: number;
  /** How often the root's identity is checked, and the interval of polling rescans after a watcher error. */
  pollMs?: number;
  /**
   * Largest onUpdates array sent while a full resync walks new or changed files. Default 100:
   * the values of a batch wait for it to fill, and those of 1,000 deep-layout endpoints outlived
   * two scavenges and were promoted to the old generation (issue 19: ~40 MB of peak RSS at
   * 100,000 endpoints).
   */
  batchSize?: number;
  /** Told after a session's first full look how many keys the persistent index gave (no read). */
  onIndexHits?: (hits: number) => void;
  /** Entries younger than this are left out of the persistent index (tests: 0). Default INDEX_RACY_MS. */
  indexRacyMs?: number;
}

export interface Settings extends SyncerSettings {
  watcher: Watcher;
  watchSource: WatchSource | undefined;
  quietWindowMs: number;
  maxDelayMs: number;
  burstThreshold: number;
  settleMs: number;
  pollMs: number;
  batchSize: number;
  onIndexHits: ((hits: number) => void) | undefined;
  indexRacyMs: number;
}

export function settingsOf(
  options: FileSyncerOptions,
  internals: FileSyncerInternals = {},
): Settings {
  const quietWindowMs = nonNegative('quietWindowMs', options.quietWindowMs, 50);
  return {
    ...syncerSettingsOf(options),
    watcher: watcherOf(options.watcher),
    watchSource: internals.watchSource,
    quietWindowMs,
    maxDelayMs: Math.max(quietWindowMs, nonNegative('maxDelayMs', options.maxDelayMs, 500)),
    burstThreshold: Math.max(1, nonNegative('burstThreshold', internals.burstThreshold, 512)),
    settleMs: nonNegative('settleMs', internals.settleMs, 1000),
    pollMs: Math.max(1, nonNegative('pollMs', internals.pollMs, 1000)),
    batchSize: Math.max(1, nonNegative('batchSize', internals.batchSize, 100)),
    onIndexHits: internals.onIndexHits,
    indexRacyMs: nonNegative('indexRacyMs', internals.indexRacyMs, INDEX_RACY_MS),
  };
}

const WATCHERS: readonly Watcher[] = ['directories', 'chokidar'];

function watcherOf(value: Watcher | undefined): Watcher {
  if (value === undefined) return process.platform === 'linux' ? 'directories' : 'chokidar';
  if (!WATCHERS.includes(value)) {
    throw new ValidationError([
      { name: 'watcher', value, reason: `one of ${WATCHERS.map((w) => `'${w}'`).join(', ')}` },
    ]);
  }
  return value;
}
