/**
 * `EtcdBackend`: the Calico backend Client over etcd v3. What every Client shares (argument
 * checks, close, the HostMetadata fallback, the Ready flag) is in `BaseClient`; here are the
 * etcd semantics: every write is one txn whose compare is the existence or revision check, a
 * recursive delete is one txn, reads are ranges (lists paged at one revision), TTLs are shared
 * leases, the syncer is a snapshot and then a raw watch (`etcd-source.ts`). Wire format in
 * `value-codec.ts`, keys in `key-space.ts`, the client's configuration in `etcd3-client.ts`,
 * error mapping in `etcd-errors.ts`.
 */
import type { Etcd3, IKeyValue } from 'etcd3';
import type { CheckedWrite, WriteOp } from '../../core/client-base.js';
import { BaseClient } from '../../core/client-base.js';
import type { Syncer, SyncerCallbacks, SyncerOptions } from '../../model/api.js';
import type { CanonicalVerdict } from '../../model/canonical.js';
import { parseCanonical } from '../../model/canonical.js';
import { ReadyFlagKey } from '../../model/config.js';
import type { ErrorContext, KvdirError } from '../../model/errors.js';
import {
  DatastoreError,
  ResourceAlreadyExistsError,
  ResourceDoesNotExistError,
  ResourceUpdateConflictError,
} from '../../model/errors.js';
import type { Key, ListInterface } from '../../model/key.js';
import type { KVPairWithValue, KeyInfo, ListKeysOptions } from '../../model/kv.js';
import type { Etcd3Module } from './etcd-errors.js';
import { castEtcdError, isCompacted, isLeaseNotFound, isRetryableRead } from './etcd-errors.js';
import { syncerSettingsOf } from '../../syncer/options.js';
import { SyncerMachine } from '../../syncer/syncer.js';
import { EtcdSource } from './etcd-source.js';
import { connect, loadEtcd3 } from './etcd3-client.js';
import { KeySpace, isEtcdRevision } from './key-space.js';
import { LeaseManager } from './lease-manager.js';
import { EtcdMirrorTarget } from './mirror-target.js';
import type { EtcdBackendOptions, ResolvedOptions } from './options.js';
import { resolveOptions } from './options.js';
import type { Read } from './tree-reader.js';
import { readTree } from './tree-reader.js';
import { checkRequestSize, deleteTxn, refusal, writeTxn } from './txn-requests.js';
import { decodeValue, encodeValue } from './value-codec.js';

const WRITES = new Set(['create', 'update', 'apply', 'delete']);
/** A read that failed for want of a connection is tried once more, after this much (jittered). */
const READ_RETRY_MS = 100;

export class EtcdBackend extends BaseClient {
  readonly #options: ResolvedOptions;
  readonly #lib: Etcd3Module;
  readonly #client: Etcd3;
  readonly #keys: KeySpace;
  readonly #leases: LeaseManager;
  readonly #read: Read = (call) => this.#retryRead(call);

  constructor(options: EtcdBackendOptions) {
    super();
    this.#options = resolveOptions(options);
    this.#lib = loadEtcd3();
    this.#client = connect(this.#lib, this.#options);
    this.#keys = new KeySpace(this.#options.namespace);
    this.#leases = new LeaseManager(async (seconds) => {
      const granted = await this.#client.leaseClient.leaseGrant({ TTL: seconds });
      return { id: granted.ID, seconds: Number(granted.TTL) };
    }, this.#options.ttlBucketMs);
  }

  /** The namespace every etcd key starts with. */
  get namespace(): string {
    return this.#options.namespace;
  }

  /** The largest encoded value a write sends (etcd's request limit as this client sees it). */
  get maxValueBytes(): number {
    return this.#options.maxValueBytes;
  }

  protected async _write(op: WriteOp, write: CheckedWrite): Promise<KVPairWithValue> {
    const { key, value, revision, ttl } = write;
    const etcdKey = this.#keys.key(key.defaultPath());
    const bytes = Buffer.from(encodeValue(key, value), 'utf8');
    checkRequestSize(key, etcdKey, bytes, this.#options.maxValueBytes);
    if (revision !== undefined && (op === 'create' || !isEtcdRevision(revision))) {
      // No etcd revision can match it (a create has none to match): as the file backend.
      throw await this.#whyNot(op, key, etcdKey);
    }
    for (let attempt = 1; ; attempt++) {
      const lease = ttl ? await this.#beforeWrite(op, key, this.#leases.leaseFor(ttl)) : '0';
      try {
        const txn = writeTxn(op, { key: etcdKey, value: bytes, lease }, revision);
        const response = await this.#client.kv.txn(txn);
        if (!response.succeeded) throw refusal(op, key, response);
        const written: KVPairWithValue = { key, value, revision: response.header.revision };
        if (ttl !== undefined) written.ttl = ttl;
        return written;
      } catch (err) {
        // Someone revoked a shared lease: the txn was refused as a whole, so it is safe to
        // write again on a new one.
        if (attempt > 1 || !isLeaseNotFound(this.#lib, err)) throw err;
        this.#leases.forget(lease);
      }
    }
  }

  protected async _delete(key: Key, revision: string | undefined): Promise<number> {
    const etcdKey = this.#keys.key(key.defaultPath());
    if (revision !== undefined && !isEtcdRevision(revision)) {
      throw await this.#whyNot('delete', key, etcdKey);
    }
    const response = await this.#client.kv.txn(deleteTxn(this.#keys, key, revision));
    if (!response.succeeded) throw refusal('delete', key, response);
    const deleted = response.responses.reduce(
      (sum, op) => sum + Number(op.response_delete_range.deleted),
      0,
    );
    if (deleted === 0) throw new ResourceDoesNotExistError(key);
    return deleted;
  }

  protected async _get(key: Key): Promise<KVPairWithValue | undefined> {
    const path = key.defaultPath();
    const found = await this.#read(() => this.#client.kv.range({ key: this.#keys.key(path) }));
    const kv = found.kvs[0];
    if (kv === undefined) return undefined;
    const value = decodeValue(key, kv.value, path, this.#keys.namespace);
    const pair: KVPairWithValue = { key, value, revision: kv.mod_revision };
    const expired =
      kv.lease === '0' ? 0 : (await this.#setTimesLeft([{ pair, lease: kv.lease }])).size;
    return expired === 0 ? pair : undefined;
  }

  protected async _hasEntriesBelow(path: string): Promise<boolean> {
    const found = await this.#read(() =>
      this.#client.kv.range({ ...this.#keys.below(path), limit: 1, keys_only: true }),
    );
    return found.kvs.length > 0;
  }

  protected async _list(options: ListInterface): Promise<KVPairWithValue[]> {
    return this.#listed(options, false, (key, kv, path): KVPairWithValue | undefined => {
      let value: unknown;
      try {
        value = decodeValue(key, kv.value, path, this.#keys.namespace);
      } catch (err) {
        this.#options.onListError(this._toError(err, { op: 'list', key }));
        return undefined;
      }
      return { key, value, revision: kv.mod_revision };
    });
  }

  /**
   * The keys of `list`, from a keys-only range (no value crosses the wire, none is parsed), so a
   * key whose value does not parse is listed too; with `details`, the values come along for
   * their size, still unparsed.
   */
  protected override async _listKeys(
    options: ListInterface,
    how: ListKeysOptions,
  ): Promise<KeyInfo[]> {
    const details = how.details === true;
    const infos = await this.#listed(options, !details, (key, kv): KeyInfo =>
      details ? { key, revision: kv.mod_revision, size: kv.value.length } : { key },
    );
    // The TTL left is a detail; an expired key is never listed, with details or without.
    if (!details) for (const info of infos) delete info.ttl;
    return infos;
  }

  /**
   * What `entry` makes of each etcd key at or below the options' root that is one of their keys
   * (undefined: skipped), in path order, with its TTL left; expired keys are left out, and a
   * path that is not its key's own is reported. One pass, few allocations: this runs for every
   * key of a list of thousands.
   */
  async #listed<E extends { ttl?: number }>(
    options: ListInterface,
    keysOnly: boolean,
    entry: (key: Key, kv: IKeyValue, path: string) => E | undefined,
  ): Promise<E[]> {
    const kvs = await this.#readTree(options.defaultPathRoot(), keysOnly);
    const entries: E[] = [];
    const paths: string[] = [];
    const leased: Array<{ pair: E; lease: string }> = [];
    for (const kv of kvs) {
      const path = this.#keys.path(kv.key);
      const parsed = parseCanonical((p) => options.keyFromDefaultPath(p), path);
      if (parsed.kind !== 'key') {
        if (parsed.kind === 'not-canonical') {
          this.#options.onListError(notCanonical(parsed, kv, this.#keys.namespace));
        }
        continue;
      }
      const made = entry(parsed.key, kv, path);
      if (made === undefined) continue;
      if (kv.lease !== '0') leased.push({ pair: made, lease: kv.lease });
      entries.push(made);
      paths.push(path);
    }
    const expired = await this.#setTimesLeft(leased);
    return inPathOrder(entries, paths).filter((made) => !expired.has(made));
  }

  /** Every etcd key-value at or below `root`, at one revision (values left out if `keysOnly`). */
  #readTree(root: string, keysOnly: boolean): Promise<IKeyValue[]> {
    return readTree(
      {
        kv: this.#client.kv,
        keys: this.#keys,
        pageSize: this.#options.pageSize,
        read: this.#read,
        isCompacted: (err) => isCompacted(this.#lib, err),
        keysOnly,
      },
      root,
    );
  }

  /** A syncer on a client of its own (see etcd-source.ts): snapshot, then watch. */
  protected _syncer(
    callbacks: SyncerCallbacks,
    options: SyncerOptions,
    onStopped: () => void,
  ): Syncer {
    const source = new EtcdSource({
      lib: this.#lib,
      connect: () => connect(this.#lib, this.#options),
      keys: this.#keys,
      pageSize: this.#options.pageSize,
    });
    return new SyncerMachine(callbacks, syncerSettingsOf(options), source, onStopped);
  }

  /**
   * What `kvdir mirror` writes through (kvdir/mirror): guarded multi-key txns, a paged read of
   * a prefix at one revision, a drift watch and an election, on connections of its own (closed
   * by its `close()`). Not part of the Client interface.
   */
  openMirrorTarget(): EtcdMirrorTarget {
    if (this.closed) throw new DatastoreError('the client is closed', { code: 'ERR_CLOSED' });
    return new EtcdMirrorTarget({
      lib: this.#lib,
      connect: () => connect(this.#lib, this.#options),
      keys: this.#keys,
      pageSize: this.#options.pageSize,
      maxValueBytes: this.#options.maxValueBytes,
      endpoints: this.#options.endpoints,
    });
  }

  /** A cheap request first, so that an unreachable etcd reads as that, not as a failed write. */
  protected async _prepare(): Promise<void> {
    const ready = this.#keys.key(new ReadyFlagKey().defaultPath());
    await this.#read(() => this.#client.kv.range({ key: ready, count_only: true }));
  }

  /** Closes the connections; shared leases are left to expire (their keys must outlive us). */
  protected _close(): Promise<void> {
    this.#leases.clear();
    this.#client.close();
    return Promise.resolve();
  }

  protected override _toError(err: unknown, context: ErrorContext): KvdirError {
    return castEtcdError(this.#lib, err, {
      ...context,
      write: WRITES.has(context.op),
      endpoints: this.#options.endpoints,
    });
  }

  /** Why a revision that cannot be current fails: the key is missing, or it is a conflict. */
  async #whyNot(op: WriteOp | 'delete', key: Key, etcdKey: Buffer): Promise<KvdirError> {
    const range = this.#read(() => this.#client.kv.range({ key: etcdKey, count_only: true }));
    const found = await this.#beforeWrite(op, key, range);
    if (found.count === '0') return new ResourceDoesNotExistError(key);
    return op === 'create'
      ? new ResourceAlreadyExistsError(key)
      : new ResourceUpdateConflictError(key);
  }

  /**
   * A request a write makes before it sends anything (a lease grant, a read): its failure
   * means nothing was written, never "outcome unknown".
   */
  async #beforeWrite<T>(op: string, key: Key, request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (err) {
      throw castEtcdError(this.#lib, err, {
        op,
        key,
        write: false,
        endpoints: this.#options.endpoints,
      });
    }
  }

  /**
   * Sets each leased pair's `ttl` to its lease's time left, in ms (one request per distinct
   * lease; etcd gives whole seconds, rounded down; less than a second left reports 1 ms).
   * Returns the pairs whose lease has expired although etcd has not removed them yet: they
   * are expired.
   */
  async #setTimesLeft<P extends { ttl?: number }>(
    leased: Array<{ pair: P; lease: string }>,
  ): Promise<Set<P>> {
    const expired = new Set<P>();
    if (leased.length === 0) return expired;
    const left = new Map<string, number>();
    await Promise.all(
      [...new Set(leased.map(({ lease }) => lease))].map(async (id) => {
        const lease = await this.#read(() => this.#client.leaseClient.leaseTimeToLive({ ID: id }));
        const seconds = Number(lease.TTL);
        if (seconds >= 0) left.set(id, Math.max(1, seconds * 1000));
      }),
    );
    for (const { pair, lease } of leased) {
      const ttl = left.get(lease);
      if (ttl === undefined) expired.add(pair);
      else pair.ttl = ttl;
    }
    return expired;
  }

  async #retryRead<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (!isRetryableRead(this.#lib, err) || this.closed) throw err;
      await new Promise((resolve) => setTimeout(resolve, READ_RETRY_MS * (0.5 + Math.random())));
      return await call();
    }
  }
}

/**
 * An etcd key whose path parses to a key with another path (another policy tier, `%2F` for
 * `%2f`, ...): not a key, as on files (model/canonical.ts), named with the key kvdir writes.
 */
function notCanonical(
  parsed: Extract<CanonicalVerdict, { kind: 'not-canonical' }>,
  kv: { key: Buffer },
  namespace: string,
): DatastoreError {
  const { key, canonical } = parsed;
  return new DatastoreError(
    `not a key: kvdir writes ${key.toString()} as ${namespace}${canonical}: ${kv.key.toString('utf8')}`,
    { code: 'ERR_NOT_A_KEY', key },
  );
}

/**
 * The pairs in the file backend's order (JavaScript string order of their paths). etcd's byte
 * order is the same except for keys that mix characters above U+FFFF with U+E000-U+FFFF, so
 * the sort is almost never needed: check first.
 */
function inPathOrder<P>(pairs: P[], paths: string[]): P[] {
  if (paths.every((path, i) => i === 0 || paths[i - 1]! < path)) return pairs;
  const order = paths.map((_, i) => i);
  order.sort((a, b) => (paths[a]! < paths[b]! ? -1 : paths[a]! > paths[b]! ? 1 : 0));
  return order.map((i) => pairs[i]!);
}
