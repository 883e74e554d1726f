/** The backend Client interface of libcalico-go (lib/backend/api), and its syncer's types. */
import type { KvdirError } from './errors.js';
import type { Key, ListInterface } from './key.js';
import type { KVPair, SyncStatus, Update } from './kv.js';

export interface Client {
  /** Creates a key that must not exist; returns the pair with its new revision. */
  create(kv: KVPair): Promise<KVPair>;
  /** Updates a key that must exist; a set revision must still be current. */
  update(kv: KVPair): Promise<KVPair>;
  /** Creates or updates; a set revision must still be current. */
  apply(kv: KVPair): Promise<KVPair>;
  /** Deletes recursively (a set revision must still be current), then empty implicit parents. */
  delete(kv: KVPair): Promise<void>;
  get(key: Key): Promise<KVPair>;
  /** Non-empty option fields are filters; a missing root gives []. Results in path order. */
  list(options: ListInterface): Promise<KVPair[]>;
  syncer(callbacks: SyncerCallbacks, options?: SyncerOptions): Syncer;
  /** Makes the datastore ready to use: the root exists and the Ready flag is set. */
  ensureInitialized(): Promise<void>;
  /** Releases every watcher, timer and lock; idempotent. */
  close(): Promise<void>;
}

export interface Syncer {
  start(): void;
  /** Idempotent; no callback fires after the promise resolves. */
  stop(): Promise<void>;
}

export interface SyncerCallbacks {
  onStatusUpdated(status: SyncStatus): void;
  /** Never called with an empty array. */
  onUpdates(updates: Update[]): void;
  /** A path that is not a key, or a value that does not parse (rawValue '' for deletions). */
  parseFailed?(rawKey: string, rawValue: string): void;
}

export interface SyncerOptions {
  /** Key-path prefixes to sync; default the whole root (`['/']`). */
  prefixes?: string[];
  /**
   * Turns a path into a key, or null for a path that is not one (reported to parseFailed).
   * Default: `keyFromPath` (a Calico key where the path is one, else a PathKey).
   */
  keyFromPath?: (path: string) => Key | null;
  /** Wait in WaitForDatastore until the Ready flag (`/calico/v1/Ready`) is true. Default false. */
  waitForReady?: boolean;
  /** A full resync (only differences are sent) every so many ms; 0 turns it off. Default 300000. */
  resyncIntervalMs?: number;
  /**
   * Told what the syncer recovered from, as a `KvdirError` whose `code` says what: a file it
   * could not read and skipped (`ERR_SYNCER_UNREADABLE`), a watcher error it now polls around
   * (`ERR_WATCH_ERROR`), an error it answered with a full resync (`ERR_SYNCER_ERROR`) or by
   * starting over (`ERR_SYNCER_RESTART`). The original error is its `cause`.
   * Default: `process.emitWarning`.
   */
  onWarning?: (warning: KvdirError) => void;
}
