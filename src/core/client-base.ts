/**
 * What every `Client` shares, whatever it stores in: the checks of the public methods (misuse
 * is reported at once, with the field named), the closed state, a remembered `close()` that
 * stops the client's syncers first, the HostMetadata fallback of `get`, the Ready flag of
 * `ensureInitialized`, and error wrapping. A backend extends it and implements the protected
 * underscore methods, which receive checked arguments and run only on an open client
 * (abstract-level's pattern: public `put` checks, `_put` stores).
 */
import type { Client, Syncer, SyncerCallbacks, SyncerOptions } from '../model/api.js';
import { ReadyFlagKey } from '../model/config.js';
import type { ErrorContext, KvdirError } from '../model/errors.js';
import {
  DatastoreError,
  ResourceAlreadyExistsError,
  ResourceDoesNotExistError,
  ValidationError,
  toKvdirError,
} from '../model/errors.js';
import { HostMetadataKey } from '../model/host.js';
import type { Key, ListInterface, ListValueOf, ValueOf } from '../model/key.js';
import type { KVPair, KVPairFor, KVPairWithValue, KeyInfo, ListKeysOptions } from '../model/kv.js';
import { checkValue } from '../model/value-check.js';
import { valueIssuesError } from '../model/value-issues.js';
import { plainDataProblem } from '../model/plain-data.js';

export type WriteOp = 'create' | 'update' | 'apply';

/** A write's arguments once checked: a key, a value, and a revision and TTL where given. */
export interface CheckedWrite {
  key: Key;
  value: unknown;
  /** Set: the write is a compare-and-swap against this revision. */
  revision: string | undefined;
  /** Milliseconds; undefined or 0: no expiry. */
  ttl: number | undefined;
  /**
   * The caller's own text of the value, to be stored as it is: only a backend that stores text
   * and takes it in its write options (FileBackend) passes one; `_write` of others never sees it.
   */
  text?: string;
}

export abstract class BaseClient implements Client {
  readonly #syncers = new Set<Syncer>();
  #closing: Promise<void> | undefined;

  create<K extends Key>(kv: KVPairFor<K>): Promise<KVPairWithValue<ValueOf<K>>> {
    return this.writeWith('create', kv) as Promise<KVPairWithValue<ValueOf<K>>>;
  }

  update<K extends Key>(kv: KVPairFor<K>): Promise<KVPairWithValue<ValueOf<K>>> {
    return this.writeWith('update', kv) as Promise<KVPairWithValue<ValueOf<K>>>;
  }

  apply<K extends Key>(kv: KVPairFor<K>): Promise<KVPairWithValue<ValueOf<K>>> {
    return this.writeWith('apply', kv) as Promise<KVPairWithValue<ValueOf<K>>>;
  }

  async delete(kv: KVPair): Promise<void> {
    await this.deleteCounted(kv);
  }

  /**
   * `delete`, resolving to the number of keys it removed (the key and every key below it), as
   * the delete itself counted them: not a listing made before, which a concurrent write would
   * make wrong. What `kvdir delete` reports.
   */
  async deleteCounted(kv: KVPair): Promise<number> {
    this.#checkOpen();
    const { key, revision } = checkPair(kv, false);
    try {
      return await this._delete(key, revision);
    } catch (err) {
      throw this._toError(err, { op: 'delete', key });
    }
  }

  async get<K extends Key>(key: K): Promise<KVPairWithValue<ValueOf<K>>> {
    this.#checkOpen();
    checkKey(key);
    try {
      const pair = await this._get(key);
      if (pair !== undefined) return pair as KVPairWithValue<ValueOf<K>>;
      // Calico v1: a host with keys but no metadata key (an old deployment) has empty metadata.
      if (
        key instanceof HostMetadataKey &&
        (await this._hasEntriesBelow(key.defaultDeletePath()))
      ) {
        const empty: KVPairWithValue = { key, value: {} };
        return empty as KVPairWithValue<ValueOf<K>>;
      }
      throw new ResourceDoesNotExistError(key);
    } catch (err) {
      throw this._toError(err, { op: 'get', key });
    }
  }

  async list<L extends ListInterface>(options: L): Promise<KVPairWithValue<ListValueOf<L>>[]> {
    this.#checkOpen();
    checkListOptions(options);
    try {
      return (await this._list(options)) as KVPairWithValue<ListValueOf<L>>[];
    } catch (err) {
      throw this._toError(err, { op: 'list' });
    }
  }

  /**
   * The keys `list(options)` would return, in path order, without their values: a walk of
   * names (a keys-only range on etcd), so it costs what the names cost, not what parsing every
   * value does. A key whose value does not parse is listed too. `{ details: true }` adds each
   * key's revision, size and TTL left.
   */
  async listKeys<L extends ListInterface>(
    options: L,
    how: ListKeysOptions = {},
  ): Promise<KeyInfo<ListValueOf<L>>[]> {
    this.#checkOpen();
    checkListOptions(options);
    try {
      return (await this._listKeys(options, how)) as KeyInfo<ListValueOf<L>>[];
    } catch (err) {
      throw this._toError(err, { op: 'list' });
    }
  }

  syncer(callbacks: SyncerCallbacks, options: SyncerOptions = {}): Syncer {
    this.#checkOpen();
    checkCallbacks(callbacks);
    if (typeof options !== 'object' || options === null) {
      throw new ValidationError([
        { name: 'options', value: options, reason: 'syncer options are an object' },
      ]);
    }
    const syncer = this._syncer(callbacks, options, () => this.#syncers.delete(syncer));
    this.#syncers.add(syncer);
    return syncer;
  }

  /** Makes the datastore ready to use: whatever the backend needs, and the Ready flag set. */
  async ensureInitialized(): Promise<void> {
    this.#checkOpen();
    try {
      await this._prepare();
      await this.create({ key: new ReadyFlagKey(), value: true });
    } catch (err) {
      if (!(err instanceof ResourceAlreadyExistsError)) {
        throw this._toError(err, { op: 'ensureInitialized' });
      }
    }
  }

  /** Stops every syncer of this client, then releases the backend; the same promise every time. */
  close(): Promise<void> {
    this.#closing ??= Promise.all([...this.#syncers].map((syncer) => syncer.stop())).then(() =>
      this._close(),
    );
    return this.#closing;
  }

  /** True once `close()` was called: every method then rejects with `ERR_CLOSED`. */
  protected get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Stores a checked write (its existence and revision checks included); returns the new pair. */
  protected abstract _write(op: WriteOp, write: CheckedWrite): Promise<KVPairWithValue>;
  /**
   * Deletes recursively, then the empty implicit parents; resolves to the number of keys
   * removed. A missing key is ResourceDoesNotExist.
   */
  protected abstract _delete(key: Key, revision: string | undefined): Promise<number>;
  /** The key's pair, or undefined when it does not exist (or expired). */
  protected abstract _get(key: Key): Promise<KVPairWithValue | undefined>;
  /** Every matching key, in path order; a missing root gives []. */
  protected abstract _list(options: ListInterface): Promise<KVPairWithValue[]>;
  /**
   * `listKeys`: by default the keys of `_list` (values read and dropped, so entries that do not
   * parse are skipped); a backend that can list names alone overrides it.
   */
  protected async _listKeys(options: ListInterface, how: ListKeysOptions): Promise<KeyInfo[]> {
    const pairs = await this._list(options);
    return pairs.map(({ key, revision, ttl }) => {
      const info: KeyInfo = { key };
      if (how.details === true && revision !== undefined) info.revision = revision;
      if (how.details === true && ttl !== undefined) info.ttl = ttl;
      return info;
    });
  }
  /** A new syncer; it calls `onStopped` once it has stopped for good. */
  protected abstract _syncer(
    callbacks: SyncerCallbacks,
    options: SyncerOptions,
    onStopped: () => void,
  ): Syncer;
  /** Whether anything is stored at or below `path` (the HostMetadata fallback of `get`). */
  protected abstract _hasEntriesBelow(path: string): Promise<boolean>;
  /** What `ensureInitialized` must do before it sets the Ready flag (make the root, connect). */
  protected abstract _prepare(): Promise<void>;
  /** Releases what the backend holds; called once, after every syncer has stopped. */
  protected abstract _close(): Promise<void>;

  /** Any failure as a KvdirError; a backend maps its own errors (errno, gRPC) first. */
  protected _toError(err: unknown, context: ErrorContext): KvdirError {
    return toKvdirError(err, context);
  }

  /**
   * A public write: the checks, then `_write`. The value is checked against its key's value type
   * before anything is stored, so every backend refuses, with a ValidationError naming each
   * field, a value its key cannot have. A backend whose writes take options of their own
   * (FileBackend's `text`) overrides create, update and apply to pass them here.
   */
  protected async writeWith(op: WriteOp, kv: KVPair, text?: unknown): Promise<KVPairWithValue> {
    this.#checkOpen();
    const { key, revision } = checkPair(kv, true);
    if (text !== undefined && typeof text !== 'string') {
      throw new ValidationError([{ name: 'text', value: text, reason: 'a text is a string' }], key);
    }
    const write: CheckedWrite = { key, value: kv.value, revision, ttl: kv.ttl || undefined };
    if (text !== undefined) write.text = text;
    checkPlainData(kv);
    try {
      key.defaultPath(); // a key that lacks an identifier is refused before its value, as in Calico
      const issues = checkValue(key, kv.value);
      if (issues.length > 0) throw valueIssuesError(key, kv.value, issues);
      return await this._write(op, write);
    } catch (err) {
      throw this._toError(err, { op, key });
    }
  }

  #checkOpen(): void {
    if (this.closed) throw new DatastoreError('the client is closed', { code: 'ERR_CLOSED' });
  }
}

/** Throws a ValidationError unless `key` is a Key. */
export function checkKey(key: Key): void {
  if (typeof key?.defaultPath !== 'function' || typeof key.valueKind !== 'function') {
    throw new ValidationError([
      { name: 'key', value: key, reason: 'a Key (e.g. new PolicyKey({ name })) is required' },
    ]);
  }
}

function checkListOptions(options: ListInterface): void {
  if (
    typeof options?.defaultPathRoot !== 'function' ||
    typeof options.keyFromDefaultPath !== 'function'
  ) {
    throw new ValidationError([
      { name: 'options', value: options, reason: 'list options are required' },
    ]);
  }
}

/** Misuse is reported at once, with the field named. */
function checkPair(kv: KVPair, isWrite: boolean): { key: Key; revision: string | undefined } {
  if (typeof kv !== 'object' || kv === null) {
    throw new ValidationError([
      { name: 'kv', value: kv, reason: 'a KVPair { key, value } is required' },
    ]);
  }
  checkKey(kv.key);
  if (isWrite && kv.value === undefined) {
    throw new ValidationError(
      [{ name: 'value', value: kv.value, reason: 'a value is required' }],
      kv.key,
    );
  }
  if (kv.revision !== undefined && typeof kv.revision !== 'string') {
    throw new ValidationError(
      [{ name: 'revision', value: kv.revision, reason: 'a revision is a string' }],
      kv.key,
    );
  }
  if (
    kv.ttl !== undefined &&
    !(typeof kv.ttl === 'number' && Number.isFinite(kv.ttl) && kv.ttl >= 0)
  ) {
    throw new ValidationError(
      [{ name: 'ttl', value: kv.ttl, reason: 'a ttl is a number of milliseconds >= 0' }],
      kv.key,
    );
  }
  return { key: kv.key, revision: kv.revision === '' ? undefined : kv.revision };
}

/** A value that YAML cannot hold without loss is misuse, named where it is (P07). */
function checkPlainData(kv: KVPair): void {
  const problem = plainDataProblem(kv.value);
  if (problem !== undefined) {
    throw new ValidationError(
      [{ name: problem.path, value: problem.found, reason: problem.reason }],
      kv.key,
    );
  }
}

function checkCallbacks(callbacks: SyncerCallbacks): void {
  if (typeof callbacks !== 'object' || callbacks === null) {
    throw new ValidationError([
      { name: 'callbacks', value: callbacks, reason: 'onStatusUpdated and onUpdates are required' },
    ]);
  }
  for (const name of ['onStatusUpdated', 'onUpdates'] as const) {
    if (typeof callbacks[name] !== 'function') {
      throw new ValidationError([
        { name, value: callbacks[name], reason: 'a syncer callback must be a function' },
      ]);
    }
  }
  if (callbacks.parseFailed !== undefined && typeof callbacks.parseFailed !== 'function') {
    throw new ValidationError([
      { name: 'parseFailed', value: callbacks.parseFailed, reason: 'must be a function' },
    ]);
  }
}
