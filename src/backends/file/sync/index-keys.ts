/**
 * Keys between the syncer's picture and its persistent index (index-file.ts): what the file
 * source keeps about a key, the value as JSON (only values JSON gives back exactly), and the
 * look at a key on a restart that takes its revision and value from the index when a fresh stat of its files
 * gives the signature the index has.
 */
import type { Key } from '../../../model/key.js';
import type { StatsLike } from '../fs-like.js';
import type { KeyFiles } from '../layout.js';
import { fileSignature } from './file-signature.js';
import type { IndexedKey } from './index-file.js';

/** What the file source keeps about a key the consumer holds. */
export interface KeyState {
  /** Stat signature of the value file and its sidecar when read ('' when too fresh to trust). */
  signature: string;
  /** Expiry of a TTL, ms since the epoch. */
  expiresAt?: number;
}

/** The value kind and type a key's value is decoded for: an index entry is used for the same only. */
export function tagOf(key: Key): string {
  const type = typeof key.valueType === 'function' ? key.valueType() : undefined;
  return `${key.valueKind()}:${type ?? ''}`;
}

/** The value as JSON, or undefined when JSON would not give it back as it is (NaN, -0, undefined...). */
export function jsonOf(value: unknown): string | undefined {
  return isJsonExact(value, 0) ? JSON.stringify(value) : undefined;
}

function isJsonExact(value: unknown, depth: number): boolean {
  if (depth > 200) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every((item) => isJsonExact(item, depth + 1));
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (key === '__proto__') return false;
    if (!isJsonExact((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/** A key that the index gives: its revision, state and value, with no read. */
export interface FromIndex {
  revision: string;
  state: KeyState;
  value: unknown;
  ttl: number | undefined;
}

/**
 * The key as the index has it, when its files' stats (`lstat` of each, taken at `takenAt`)
 * give the signature the index holds, and its entry was made for the same value kind and type
 * and has not expired; else undefined (the key is read).
 */
export function fromIndex(
  indexed: IndexedKey | undefined,
  key: Key,
  files: KeyFiles,
  lstat: (path: string) => StatsLike | undefined,
  takenAt: number,
  now: number,
): FromIndex | undefined {
  if (indexed === undefined || indexed.tag !== tagOf(key)) return undefined;
  if (indexed.expiresAt !== 0 && indexed.expiresAt <= now) return undefined;
  const value = lstat(files.file);
  if (value?.isFile() !== true) return undefined;
  const sidecar = lstat(files.sidecar);
  const signature = fileSignature(value, sidecar?.isFile() === true ? sidecar : undefined, takenAt);
  if (signature === '' || signature !== indexed.signature) return undefined;
  const state: KeyState = { signature };
  if (indexed.expiresAt !== 0) state.expiresAt = indexed.expiresAt;
  return {
    revision: indexed.revision,
    state,
    value: JSON.parse(indexed.json) as unknown,
    ttl: indexed.expiresAt === 0 ? undefined : Math.max(0, indexed.expiresAt - now),
  };
}
