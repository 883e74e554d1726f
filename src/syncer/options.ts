/**
 * The options every syncer has, whatever its backend, with their defaults applied and misuse
 * reported at once with the option named. Pure.
 */
import type { SyncerOptions } from '../model/api.js';
import { ValidationError } from '../model/errors.js';
import type { KvdirError } from '../model/errors.js';
import type { Key } from '../model/key.js';
import { normalizePrefixes } from '../model/key-path.js';
import { keyFromPath } from '../model/parser.js';

export interface SyncerSettings {
  prefixes: string[];
  keyFromPath: (path: string) => Key | null;
  /** Undefined: process warnings. */
  onWarning: ((warning: KvdirError) => void) | undefined;
  waitForReady: boolean;
  resyncIntervalMs: number;
}

export function syncerSettingsOf(options: SyncerOptions): SyncerSettings {
  return {
    prefixes: normalizePrefixes(options.prefixes ?? ['/']),
    keyFromPath: callback('keyFromPath', options.keyFromPath) ?? keyFromPath,
    onWarning: callback('onWarning', options.onWarning),
    waitForReady: options.waitForReady ?? false,
    resyncIntervalMs: nonNegative('resyncIntervalMs', options.resyncIntervalMs, 300_000),
  };
}

export function callback<F>(name: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new ValidationError([{ name, value, reason: 'must be a function' }]);
  }
  return value;
}

/** A number option: finite and >= 0, or the default when not given. */
export function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError([{ name, value, reason: 'a finite number >= 0' }]);
  }
  return value;
}
