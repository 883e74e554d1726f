/** The options of `mirror()`, their defaults, and their checks (misuse is told at once). Pure. */
import { hostname } from 'node:os';
import type { SyncerOptions } from '../model/api.js';
import type { ErroredField } from '../model/errors.js';
import { ValidationError } from '../model/errors.js';
import { normalizePrefixes } from '../model/key-path.js';
import type { MirrorEvent } from './events.js';

export interface MirrorOptions {
  /** The key path mirrored, with everything below it, e.g. `/calico/v1`. Default `/`: all. */
  prefix?: string;
  /** One pass, then `done` resolves (the CLI's `--once`). Default: keep mirroring until `close()`. */
  once?: boolean;
  /** Plan one pass and report it; write nothing and take no lock. Implies `once`. */
  dryRun?: boolean;
  /** Apply a plan the safety valves refuse: an empty source, a large prune. Default false. */
  force?: boolean;
  /**
   * Set a foreign change to a mirrored key back to the directory's value (and delete a foreign
   * key that has no file). Default true; false reports it only (`drift` events).
   */
  heal?: boolean;
  /** The share of the prefix's keys one plan may delete without `force`. Default 0.1 (10 %). */
  maxDeleteShare?: number;
  /** Told what the mirror does, one event at a time (events.ts). */
  onEvent?: (event: MirrorEvent) => void;
  /** How this mirror is named to one that waits for the prefix. Default `<host> pid <pid>`. */
  holder?: string;
  /** TTL of the election's lease, in seconds: how long a killed mirror blocks the next. Default 10. */
  lockTtlSeconds?: number;
  /** A full read and diff every so many ms, behind the drift watch; 0 turns it off. Default 300,000. */
  resyncIntervalMs?: number;
  /** Passed to `source.syncer()` as they are (a FileBackend's take `quietWindowMs`, ...). */
  syncerOptions?: Omit<SyncerOptions, 'prefixes'> & { [option: string]: unknown };
}

export interface MirrorSettings {
  prefix: string;
  once: boolean;
  dryRun: boolean;
  force: boolean;
  heal: boolean;
  maxDeleteShare: number;
  onEvent: (event: MirrorEvent) => void;
  holder: string;
  lockTtlSeconds: number;
  resyncIntervalMs: number;
  syncerOptions: Omit<SyncerOptions, 'prefixes'> & { [option: string]: unknown };
}

export function settingsOf(options: MirrorOptions): MirrorSettings {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError([{ name: 'options', value: options, reason: 'an object' }]);
  }
  const problems: ErroredField[] = [];
  const check = <T>(
    name: keyof MirrorOptions,
    fallback: T,
    ok: (value: unknown) => boolean,
    reason: string,
  ): T => {
    const value = options[name] ?? fallback;
    if (!ok(value)) problems.push({ name, value, reason });
    return value as T;
  };
  const isBoolean = (value: unknown): boolean => typeof value === 'boolean';
  const prefix = check(
    'prefix',
    '/',
    (value) => typeof value === 'string' && value.startsWith('/'),
    "a key path such as '/calico/v1'",
  );
  const dryRun = check('dryRun', false, isBoolean, 'true or false');
  const settings: MirrorSettings = {
    prefix,
    once: check('once', false, isBoolean, 'true or false') || dryRun,
    dryRun,
    force: check('force', false, isBoolean, 'true or false'),
    heal: check('heal', true, isBoolean, 'true or false'),
    maxDeleteShare: check(
      'maxDeleteShare',
      0.1,
      (v) => typeof v === 'number' && v >= 0 && v <= 1,
      'a number from 0 to 1',
    ),
    onEvent: check(
      'onEvent',
      () => undefined,
      (v) => typeof v === 'function',
      'a function',
    ),
    holder: check(
      'holder',
      `${hostname()} pid ${process.pid}`,
      (v) => typeof v === 'string',
      'a string',
    ),
    lockTtlSeconds: check(
      'lockTtlSeconds',
      10,
      (v) => Number.isSafeInteger(v) && (v as number) >= 1,
      'an integer >= 1',
    ),
    resyncIntervalMs: check(
      'resyncIntervalMs',
      300_000,
      (v) => typeof v === 'number' && v >= 0,
      'a number >= 0',
    ),
    syncerOptions: check(
      'syncerOptions',
      {},
      (v) => typeof v === 'object' && v !== null,
      'an object',
    ),
  };
  if (problems.length > 0) throw new ValidationError(problems);
  // The same normal form as a syncer's prefixes (`/a/` is `/a`).
  settings.prefix = normalizePrefixes([prefix])[0]!;
  return settings;
}
