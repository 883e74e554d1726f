/** The backend Client interface of libcalico-go (lib/backend/api), and its syncer's types. */
import type { KvdirError } from './errors.js';
import type { Key, ListInterface, ListValueOf, ValueOf } from './key.js';
import type { KVPair, KVPairFor, KVPairWithValue, SyncStatus, Update } from './kv.js';

/**
 * The backend Client. Values are typed by their keys: `get(new PolicyKey(...))` gives a
 * `KVPairWithValue<Policy>`, and `create({ key: new PolicyKey(...), value: 'x' })` does not
 * compile. A value that does not fit its key fails at run time too, with a ValidationError.
 */
export interface Client {
  /** Creates a key that must not exist; returns the pair with its new revision. */
  create<K extends Key>(kv: KVPairFor<K>): Promise<KVPairWithValue<ValueOf<K>>>;
  /** Updates a key that must exist; a set revision must still be current. */
  update<K extends Key>(kv: KVPairFor<K>): Promise<KVPairWithValue<ValueOf<K>>>;
  /** Creates or updates; a set revision must still be current. */
  apply<K extends Key>(kv: KVPairFor<K>): Promise<KVPairWithValue<ValueOf<K>>>;
  /** Deletes recursively (a set revision must still be current), then empty implicit parents. */
  delete(kv: KVPair): Promise<void>;
  get<K extends Key>(key: K): Promise<KVPairWithValue<ValueOf<K>>>;
  /** Non-empty option fields are filters; a missing root gives []. Results in path order. */
  list<L extends ListInterface>(options: L): Promise<KVPairWithValue<ListValueOf<L>>[]>;
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
   * (`ERR_WATCH_ERROR`), directories it polls because it could not watch them, with how many
   * watches it holds (`ERR_WATCH_LIMIT`), an error it answered with a full resync (`ERR_SYNCER_ERROR`) or by
   * starting over (`ERR_SYNCER_RESTART`). The original error is its `cause`.
   * Default: `process.emitWarning`.
   */
  onWarning?: (warning: KvdirError) => void;
}
