/**
 * `FileBackend`: the Calico backend Client over a directory tree of YAML files. What every
 * Client shares (argument checks, close, the HostMetadata fallback, the Ready flag) is in
 * `BaseClient`; here are the file semantics: existence and revision checks under the key's
 * lock, recursive delete, TTL, path order. File handling is in `store.ts`, locking in
 * `locks.ts`, the syncer in `sync/`.
 */
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { CheckedWrite, WriteOp } from '../../core/client-base.js';
import { BaseClient } from '../../core/client-base.js';
import type { Syncer, SyncerCallbacks } from '../../model/api.js';
import type { KvdirError } from '../../model/errors.js';
import {
  DatastoreError,
  ResourceAlreadyExistsError,
  ResourceDoesNotExistError,
  ResourceUpdateConflictError,
  ValidationError,
} from '../../model/errors.js';
import type { Key, ListInterface } from '../../model/key.js';
import type { KVPair, KVPairWithValue } from '../../model/kv.js';
import type { CheckOptions, CheckProblem } from './check.js';
import { checkTree } from './check.js';
import type { FsLike } from './fs-like.js';
import { isNodeFs, nodeFsLike } from './fs-like.js';
import type { LockOptions } from './locks.js';
import { KeyLocks, defaultLockOptions } from './locks.js';
import { fingerprint, nextSidecar, revisionOf } from './revision.js';
import type { StoredEntry } from './store.js';
import { TreeStore } from './store.js';
import { createFileSyncer } from './sync/file-source.js';
import { syncerKnobs } from './sync/internals.js';
import type { FileSyncerOptions } from './sync/settings.js';
import { walkProblemError } from './tree-walk.js';

export interface FileBackendOptions {
  /** The directory that holds the tree (created on first write or by ensureInitialized). */
  root: string;
  /** Node's `fs` (default) or a memfs `fs`. */
  fs?: FsLike;
  /** fsync each value before it replaces the old one. Default true; turn off for tests and fixtures. */
  fsync?: boolean;
  /** Cross-process lock tuning (Node's fs only). */
  lock?: Partial<LockOptions>;
  /**
   * Called for each entry `list()` skips because it cannot be read as a value (YAML that does
   * not parse, a symbolic link). Default: `process.emitWarning`.
   */
  onListError?: (error: KvdirError) => void;
  /** Time source for TTLs and the syncer (tests inject one). */
  clock?: Clock;
  /** Largest value file read or written, in bytes. Default 4 MiB. */
  maxValueBytes?: number;
}

const DEFAULT_MAX_VALUE_BYTES = 4 * 1024 * 1024;

/** Files read at once by list(). */
const LIST_CONCURRENCY = 64;

export class FileBackend extends BaseClient {
  readonly #store: TreeStore;
  readonly #locks: KeyLocks;
  readonly #onListError: (error: KvdirError) => void;

  constructor(options: FileBackendOptions) {
    super();
    if (typeof options?.root !== 'string' || options.root === '') {
      throw new ValidationError([
        { name: 'root', value: options?.root, reason: 'a directory path is required' },
      ]);
    }
    const fs = options.fs ?? nodeFsLike;
    this.#store = new TreeStore({
      root: options.root,
      fs,
      fsync: options.fsync ?? true,
      clock: options.clock ?? systemClock,
      maxValueBytes: options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES,
    });
    this.#locks = new KeyLocks(this.#store.root, isNodeFs(fs), {
      ...defaultLockOptions,
      ...options.lock,
    });
    this.#onListError =
      options.onListError ?? ((error) => process.emitWarning(error.message, { code: error.code }));
  }

  /** The absolute root directory. */
  get root(): string {
    return this.#store.root;
  }

  /**
   * Reports, without changing anything, every file under `prefix` that kvdir cannot read as
   * a key's value: YAML that does not parse, names that are not keys, links. Used by
   * `kvdir check`.
   */
  async check(prefix = '/', options: CheckOptions = {}): Promise<CheckProblem[]> {
    if (this.closed) throw new DatastoreError('the client is closed', { code: 'ERR_CLOSED' });
    try {
      return await checkTree(this.#store, prefix, options);
    } catch (err) {
      throw this._toError(err, { op: 'check' });
    }
  }

  protected async _write(
    op: WriteOp,
    { key, value, revision, ttl }: CheckedWrite,
  ): Promise<KVPairWithValue> {
    const files = this.#store.keyFiles(key.defaultPath());
    const bytes = this.#store.encode(key, value);
    return await this.#locks.withLock(files.path, async () => {
      const current = await this.#store.read(files);
      const live = this.#store.isLive(current) ? current : undefined;
      if (op === 'create' && live !== undefined) throw new ResourceAlreadyExistsError(key);
      if (op === 'update' && live === undefined) throw new ResourceDoesNotExistError(key);
      if (revision !== undefined) checkRevision(key, live, revision);
      const expiresAt = ttl ? this.#store.clock.now() + ttl : undefined;
      const print = fingerprint(bytes);
      const sidecar = nextSidecar(live?.sidecar, live !== undefined, print, expiresAt);
      await this.#store.write(files, bytes, sidecar, current?.mode);
      const written: KVPairWithValue = { key, value, revision: revisionOf(sidecar, print) };
      if (ttl !== undefined) written.ttl = ttl;
      return written;
    });
  }

  protected async _delete(key: Key, revision: string | undefined): Promise<void> {
    const files = this.#store.keyFiles(key.defaultPath());
    const deletePath = key.defaultDeletePath();
    await this.#locks.withLock(files.path, async () => {
      const current = await this.#store.read(files);
      const live = this.#store.isLive(current);
      if (revision !== undefined) checkRevision(key, live ? current : undefined, revision);
      const removed = await this.#store.removeTree(deletePath);
      // An expired value file is removed but did not exist as far as callers know.
      const existed = live || removed.dir || (removed.file && deletePath !== files.path);
      if (!existed) throw new ResourceDoesNotExistError(key);
    });
    for (const parent of key.defaultDeleteParentPaths()) {
      if (!(await this.#store.removeDirIfEmpty(parent))) break;
    }
  }

  protected async _get(key: Key): Promise<KVPairWithValue | undefined> {
    const entry = await this.#store.read(this.#store.keyFiles(key.defaultPath()));
    return this.#store.isLive(entry) ? this.#pair(key, entry) : undefined;
  }

  protected _hasEntriesBelow(path: string): Promise<boolean> {
    return this.#store.dirExists(path);
  }

  protected async _list(options: ListInterface): Promise<KVPairWithValue[]> {
    const walked = await this.#store.walk(options.defaultPathRoot());
    for (const problem of walked.problems) this.#onListError(walkProblemError(problem));
    const matches = walked.files.flatMap((found) => {
      const key = options.keyFromDefaultPath(found.path);
      return key === null ? [] : [{ key, path: found.path }];
    });
    const pairs = await mapLimit(matches, LIST_CONCURRENCY, ({ key, path }) =>
      this.#listOne(key, path),
    );
    return pairs.filter((pair): pair is KVPairWithValue => pair !== undefined);
  }

  /** A syncer over the tree: see `FileSyncerOptions` for what it takes beyond the shared options. */
  override syncer(callbacks: SyncerCallbacks, options: FileSyncerOptions = {}): Syncer {
    return super.syncer(callbacks, options);
  }

  protected _syncer(
    callbacks: SyncerCallbacks,
    options: FileSyncerOptions,
    onStopped: () => void,
  ): Syncer {
    return createFileSyncer(this.#store, callbacks, options, syncerKnobs(this), onStopped);
  }

  protected async _prepare(): Promise<void> {
    await this.#store.makeRoot();
  }

  protected _close(): Promise<void> {
    return this.#locks.close();
  }

  /** One entry of a listing; an entry that cannot be read is skipped and reported, not fatal. */
  async #listOne(key: Key, path: string): Promise<KVPairWithValue | undefined> {
    try {
      const entry = await this.#store.read(this.#store.keyFiles(path));
      return this.#store.isLive(entry) ? this.#pair(key, entry) : undefined;
    } catch (err) {
      this.#onListError(this._toError(err, { op: 'list', key }));
      return undefined;
    }
  }

  #pair(key: Key, entry: StoredEntry): KVPairWithValue {
    const pair: KVPairWithValue = {
      key,
      value: this.#store.decode(key, entry),
      revision: entry.revision,
    };
    const ttl = this.#store.ttlLeft(entry);
    if (ttl !== undefined) pair.ttl = ttl;
    return pair;
  }
}

function checkRevision(key: Key, current: StoredEntry | undefined, revision: string): void {
  if (current === undefined) throw new ResourceDoesNotExistError(key);
  if (current.revision !== revision) throw new ResourceUpdateConflictError(key);
}

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
