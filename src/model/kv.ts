/** Key/value pairs, updates and the syncer's status, as in libcalico-go's backend api. */
import type { Key } from './key.js';

export interface KVPair<V = unknown> {
  key: Key;
  /** Undefined on deletions and on values that failed to parse. */
  value?: V;
  /** Opaque; compare only for equality. */
  revision?: string;
  /** Milliseconds; on writes, a non-zero ttl makes the key expire. */
  ttl?: number;
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
