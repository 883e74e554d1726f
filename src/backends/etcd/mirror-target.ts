/**
 * `EtcdMirrorTarget`: everything `kvdir mirror` (src/mirror/) does to etcd, behind a small
 * interface of plain data (mirror-types.ts), so that the mirror's plan, diff and safety rules
 * never see etcd3:
 * - `encode`: a value as the bytes EtcdBackend stores (Calico's JSON; raw values bare), which
 *   the mirror compares with etcd's bytes, so an unchanged key is never rewritten;
 * - `read`: every key at or below a prefix, paged, at one revision, with bytes and revisions;
 * - `commit`: one guarded multi-key txn (mirror-txn.ts); TTLs become shared leases;
 * - `watch`: the drift watch (mirror-watch.ts);
 * - `lead`: the election that makes one mirror per prefix (mirror-lock.ts), on a connection of
 *   its own, so that a failed call on the main one (etcd3 then resets its services) never
 *   takes the lease's keepalive down with it.
 * Made by `EtcdBackend.openMirrorTarget()`; `close()` ends both connections.
 */
import type { Etcd3, ITxnResponse } from 'etcd3';
import type { KvdirError } from '../../model/errors.js';
import { DatastoreError } from '../../model/errors.js';
import type { Key } from '../../model/key.js';
import type { Etcd3Module } from './etcd-errors.js';
import { castEtcdError, isCompacted } from './etcd-errors.js';
import type { KeySpace } from './key-space.js';
import { LeaseManager } from './lease-manager.js';
import { lead } from './mirror-lock.js';
import {
  MAX_TXN_BYTES,
  MAX_TXN_OPS,
  commitResult,
  commitTxn,
  entryOf,
  writeBytes,
} from './mirror-txn.js';
import type {
  CommitResult,
  Fence,
  LeadOptions,
  Leadership,
  MirrorEntry,
  MirrorWatch,
  MirrorWatchHandlers,
  MirrorWrite,
  PrefixRead,
} from './mirror-types.js';
import { watchPrefix } from './mirror-watch.js';
import { scanTrees } from './tree-reader.js';
import { encodeValue } from './value-codec.js';

export interface MirrorTargetOptions {
  lib: Etcd3Module;
  /** A new connection, configured as the backend's (etcd3-client.ts). */
  connect(): Etcd3;
  keys: KeySpace;
  pageSize: number;
  /** etcd's request limit as the backend sees it: a larger write is not sent. */
  maxValueBytes: number;
  endpoints: readonly string[];
}

/** Room a single write's request needs besides its key and value (see txn-requests.ts). */
const REQUEST_FRAMING_BYTES = 512;

export class EtcdMirrorTarget {
  /** The most writes and bytes the mirror puts in one txn. */
  readonly limits = { maxOps: MAX_TXN_OPS, maxBytes: MAX_TXN_BYTES };
  readonly #options: MirrorTargetOptions;
  readonly #client: Etcd3;
  readonly #leases: LeaseManager;
  #lockClient: Etcd3 | undefined;
  #closed = false;

  constructor(options: MirrorTargetOptions) {
    this.#options = options;
    this.#client = options.connect();
    this.#leases = new LeaseManager(async (seconds) => {
      const granted = await this.#client.leaseClient.leaseGrant({ TTL: seconds });
      return { id: granted.ID, seconds: Number(granted.TTL) };
    }, 1000);
  }

  /** Where the mirror writes, for messages: `etcd at URL` and the namespace, if any. */
  describe(): string {
    const namespace = this.#options.keys.namespace;
    const where = `etcd at ${this.#options.endpoints.join(',')}`;
    return namespace === '' ? where : `${where} (namespace ${namespace})`;
  }

  /** The bytes EtcdBackend stores for this value; a ValidationError when it has no encoding. */
  encode(key: Key, value: unknown): Buffer {
    return Buffer.from(encodeValue(key, value), 'utf8');
  }

  /** Why a value cannot be written at `path` (over etcd's request limit), or undefined. */
  tooLarge(path: string, bytes: Buffer): string | undefined {
    const size = writeBytes(this.#options.keys, { kind: 'create', path, bytes });
    const limit = this.#options.maxValueBytes - REQUEST_FRAMING_BYTES;
    if (size <= limit) return undefined;
    return `${bytes.length} bytes of JSON: over etcd's request limit (${this.#options.maxValueBytes} bytes, key and framing included)`;
  }

  /** What one write adds to a txn's size (for splitting batches under `limits.maxBytes`). */
  writeBytes(write: MirrorWrite): number {
    return writeBytes(this.#options.keys, write);
  }

  /** Every key at or below `prefix`, in pages at one revision. */
  async read(prefix: string): Promise<PrefixRead> {
    const { lib, keys, pageSize } = this.#options;
    const entries = new Map<string, MirrorEntry>();
    try {
      const header = await scanTrees(
        {
          kv: this.#client.kv,
          keys,
          pageSize,
          read: (call) => call(),
          isCompacted: (err) => isCompacted(lib, err),
        },
        [prefix],
        {
          page: (kvs) => {
            for (const kv of kvs) entries.set(keys.path(kv.key), entryOf(kv));
          },
          restart: () => entries.clear(),
        },
      );
      return { revision: header.revision, entries };
    } catch (err) {
      throw this.#error(err, 'read', false);
    }
  }

  /**
   * One txn of guarded writes: applied as a whole, or refused with what etcd holds. With a
   * fence, an ERR_LOCK_COMPROMISED DatastoreError when the mirror's election key is gone.
   */
  async commit(writes: readonly MirrorWrite[], fence?: Fence): Promise<CommitResult> {
    const leases = new Map<MirrorWrite, string>();
    try {
      for (const write of writes) {
        if (write.kind !== 'delete' && write.ttlMs !== undefined && write.ttlMs > 0) {
          leases.set(write, await this.#leases.leaseFor(write.ttlMs));
        }
      }
    } catch (err) {
      throw this.#error(err, 'lease grant', false);
    }
    const txn = commitTxn(this.#options.keys, writes, (write) => leases.get(write), fence);
    let response: ITxnResponse;
    try {
      response = await this.#client.kv.txn(txn);
    } catch (err) {
      // A shared lease someone revoked: the txn was refused whole; the next one gets a new lease.
      for (const id of leases.values()) this.#leases.forget(id);
      throw this.#error(err, 'txn', true);
    }
    return commitResult(writes, response, fence);
  }

  /** Watches the prefix from `fromRevision` (see mirror-watch.ts). */
  watch(prefix: string, fromRevision: string, handlers: MirrorWatchHandlers): Promise<MirrorWatch> {
    return watchPrefix(this.#client, this.#options.keys, prefix, fromRevision, handlers);
  }

  /** Waits until this process holds the prefix (see mirror-lock.ts). */
  async lead(prefix: string, options: LeadOptions): Promise<Leadership> {
    if (this.#closed) {
      throw new DatastoreError('the mirror target is closed', { code: 'ERR_CLOSED' });
    }
    this.#lockClient ??= this.#options.connect();
    // One election per namespace and prefix, its name free of '/', so that the election of
    // `/calico` never lists the candidates of `/calico/v1`.
    const name = `kvdir-mirror:${encodeURIComponent(this.#options.keys.namespace + prefix)}`;
    try {
      return await lead(this.#lockClient, name, options);
    } catch (err) {
      throw this.#error(err, 'election', false);
    }
  }

  /** Closes the connections; a leadership should be resigned first (its lease revoked). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#leases.clear();
    this.#client.close();
    this.#lockClient?.close();
  }

  #error(err: unknown, op: string, write: boolean): KvdirError {
    return castEtcdError(this.#options.lib, err, {
      op: `mirror ${op}`,
      write,
      endpoints: this.#options.endpoints,
    });
  }
}
