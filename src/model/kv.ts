/**
 * Key/value pairs, updates and the syncer's status, as in libcalico-go's backend api. A pair's
 * value type follows its key's (`Key<V>`), so a `PolicyKey` pairs only with a `Policy`.
 */
import type { Key, ValueOf } from './key.js';

export interface KVPair<V = unknown> {
  key: Key<V>;
  /** Undefined on deletions and on values that failed to parse. */
  value?: V;
  /** Opaque; compare only for equality. */
  revision?: string;
  /** Milliseconds; on writes, a non-zero ttl makes the key expire. */
  ttl?: number;
}

/** What `get`, `list` and the writes return: a pair that has its value. */
export interface KVPairWithValue<V = unknown> extends KVPair<V> {
  value: V;
}

/**
 * What the writes take: a pair whose value has the type of its key's values. The key's type
 * decides (`K`), so a wrong value is reported at the value: `Type 'string' is not assignable
 * to type 'Policy'`.
 */
export type KVPairFor<K extends Key> = KVPair<ValueOf<K>> & { key: K };

/**
 * Narrows a pair (an `Update` from a syncer, whose type is `unknown`) by its key's class:
 * `if (isPairFor(u, PolicyKey)) u.value?.selector`. The value's type is what the read check
 * guarantees for that key (or undefined, for a deletion or a value that failed to parse).
 */
export function isPairFor<P extends KVPair, K extends Key>(
  pair: P,
  keyClass: abstract new (...args: never[]) => K,
): pair is P & { key: K; value?: ValueOf<K> } {
  return pair.key instanceof keyClass;
}

/**
 * A key as `listKeys` finds it: never its value. With `{ details: true }` also its revision,
 * the size of its stored value in bytes (where the backend knows it) and its TTL left.
 */
export interface KeyInfo<V = unknown> {
  key: Key<V>;
  revision?: string;
  /** Bytes of the stored value (the file's size; undefined where a backend cannot tell). */
  size?: number;
  /** Milliseconds left before the key expires; undefined without a TTL. */
  ttl?: number;
}

/** What `listKeys` reads besides the names. */
export interface ListKeysOptions {
  /** Also the revision, size and TTL of each key (reads each value, never parses it). */
  details?: boolean;
}

export const UpdateType = { KVUnknown: 0, KVNew: 1, KVUpdated: 2, KVDeleted: 3 } as const;
export type UpdateType = (typeof UpdateType)[keyof typeof UpdateType];

export interface Update<V = unknown> extends KVPair<V> {
  updateType: UpdateType;
}

export const SyncStatus = { WaitForDatastore: 0, ResyncInProgress: 1, InSync: 2 } as const;
export type SyncStatus = (typeof SyncStatus)[keyof typeof SyncStatus];

export function syncStatusToString(status: SyncStatus): string {
  switch (status) {
    case SyncStatus.WaitForDatastore:
      return 'wait-for-ready';
    case SyncStatus.ResyncInProgress:
      return 'resync';
    case SyncStatus.InSync:
      return 'in-sync';
    default:
      return `Unknown<${String(status)}>`;
  }
}
