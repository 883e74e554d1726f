/**
 * The syncer's options with their defaults applied, and the internal knobs that tests and the
 * reliability suite turn (a watch source, burst and timing thresholds). Pure.
 */
import type { SyncerOptions } from '../../../model/api.js';
import type { Key } from '../../../model/key.js';
import { keyFromPath } from '../../../model/parser.js';
import { ValidationError } from '../../../model/errors.js';
import type { KvdirError } from '../../../model/errors.js';
import { normalizePrefixes } from '../../../model/key-path.js';
import type { WatchSource } from './watch/port.js';

/** Knobs that are not part of the public SyncerOptions; FileSyncer accepts them beside those. */
export interface FileSyncerInternals {
  /** Where file-system hints come from, whatever `watcher` says (tests inject their own). */
  watchSource?: WatchSource;
  /** Scopes in one batch from which a full resync is cheaper and safer (the kernel may have dropped events). */
  burstThreshold?: number;
  /** Delay of the second look at a new directory, and of the follow-up resync after a burst. */
  settleMs?: number;
  /** How often the root's identity is checked, and the interval of polling rescans after a watcher error. */
  pollMs?: number;
  /** Largest onUpdates array sent while a full resync walks new or changed files. */
  batchSize?: number;
}

export type Watcher = NonNullable<SyncerOptions['watcher']>;

export interface Settings {
  prefixes: string[];
  watcher: Watcher;
  keyFromPath: (path: string) => Key | null;
  /** Undefined: process warnings. */
  onWarning: ((warning: KvdirError) => void) | undefined;
  waitForReady: boolean;
  quietWindowMs: number;
  maxDelayMs: number;
  resyncIntervalMs: number;
  burstThreshold: number;
  settleMs: number;
  pollMs: number;
  batchSize: number;
}

export function settingsOf(options: SyncerOptions & FileSyncerInternals): Settings {
  const quietWindowMs = nonNegative('quietWindowMs', options.quietWindowMs, 50);
  return {
    prefixes: normalizePrefixes(options.prefixes ?? ['/']),
    watcher: watcherOf(options.watcher),
    keyFromPath: callback('keyFromPath', options.keyFromPath) ?? keyFromPath,
    onWarning: callback('onWarning', options.onWarning),
    waitForReady: options.waitForReady ?? false,
    quietWindowMs,
    maxDelayMs: Math.max(quietWindowMs, nonNegative('maxDelayMs', options.maxDelayMs, 500)),
    resyncIntervalMs: nonNegative('resyncIntervalMs', options.resyncIntervalMs, 300_000),
    burstThreshold: Math.max(1, nonNegative('burstThreshold', options.burstThreshold, 512)),
    settleMs: nonNegative('settleMs', options.settleMs, 1000),
    pollMs: Math.max(1, nonNegative('pollMs', options.pollMs, 1000)),
    batchSize: Math.max(1, nonNegative('batchSize', options.batchSize, 1000)),
  };
}

const WATCHERS: readonly Watcher[] = ['directories', 'chokidar'];

function watcherOf(value: Watcher | undefined): Watcher {
  if (value === undefined) return process.platform === 'linux' ? 'directories' : 'chokidar';
  if (!WATCHERS.includes(value))
    throw new ValidationError([
      { name: 'watcher', value, reason: `one of ${WATCHERS.map((w) => `'${w}'`).join(', ')}` },
    ]);
  return value;
}

function callback<F>(name: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new ValidationError([{ name, value, reason: 'must be a function' }]);
  }
  return value;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError([{ name, value, reason: 'a finite number >= 0' }]);
  }
  return value;
}
