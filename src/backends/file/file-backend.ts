/**
 * `FileBackend`: the Calico backend Client over a directory tree of YAML files. Client
 * semantics live here (existence and revision checks, recursive delete, the HostMetadata
 * fallback, TTL, path order); file handling is in `store.ts`, locking in `locks.ts`.
 */
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { Client, Syncer, SyncerCallbacks, SyncerOptions } from '../../model/api.js';
import type { KvdirError } from '../../model/errors.js';
import {
  DatastoreError,
  ResourceAlreadyExistsError,
  ResourceDoesNotExistError,
  ResourceUpdateConflictError,
  ValidationError,
} from '../../model/errors.js';
import { HostMetadataKey } from '../../model/host.js';
import type { Key, ListInterface } from '../../model/key.js';
import type { KVPair } from '../../model/kv.js';
import { ReadyFlagKey } from '../../model/config.js';
import type { CheckOptions, CheckProblem } from './check.js';
import { checkTree } from './check.js';
import { toKvdirError } from './errno.js';
import type { FsLike } from './fs-like.js';
import { isNodeFs, nodeFsLike } from './fs-like.js';
import type { LockOptions } from './locks.js';
import { KeyLocks, defaultLockOptions } from './locks.js';
import { fingerprint, nextSidecar, revisionOf } from './revision.js';
import type { StoredEntry } from './store.js';
import { TreeStore } from './store.js';
import { FileSyncer } from './sync/file-syncer.js';

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

type WriteOp = 'create' | 'update' | 'apply';

export class FileBackend implements Client {
  readonly #store: TreeStore;
  readonly #locks: KeyLocks;
  readonly #onListError: (error: KvdirError) => void;
  readonly #syncers = new Set<FileSyncer>();
  #closing: Promise<void> | undefined;

  constructor(options: FileBackendOptions) {
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

  create(kv: KVPair): Promise<KVPair> {
    return this.#write('create', kv);
  }

  update(kv: KVPair): Promise<KVPair> {
    return this.#write('update', kv);
  }

  apply(kv: KVPair): Promise<KVPair> {
    return this.#write('apply', kv);
  }

  async delete(kv: KVPair): Promise<void> {
    this.#checkOpen();
    const { key, revision } = checkPair(kv, false);
    try {
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
    } catch (err) {
      throw toKvdirError(err, { op: 'delete', key });
    }
  }

  async get(key: Key): Promise<KVPair> {
    this.#checkOpen();
    checkKey(key);
    try {
      const entry = await this.#store.read(this.#store.keyFiles(key.defaultPath()));
      if (this.#store.isLive(entry)) return this.#pair(key, entry);
      if (
        key instanceof HostMetadataKey &&
        (await this.#store.dirExists(key.defaultDeletePath()))
      ) {
        return { key, value: {} };
      }
      throw new ResourceDoesNotExistError(key);
    } catch (err) {
      throw toKvdirError(err, { op: 'get', key });
    }
  }

  async list(options: ListInterface): Promise<KVPair[]> {
    this.#checkOpen();
    if (
      typeof options?.defaultPathRoot !== 'function' ||
      typeof options.keyFromDefaultPath !== 'function'
    ) {
      throw new ValidationError([
        { name: 'options', value: options, reason: 'list options are required' },
      ]);
    }
    try {
      const walked = await this.#store.walk(options.defaultPathRoot());
      for (const problem of walked.problems) {
        if (problem.reason === 'symlink')
          this.#onListError(
            new DatastoreError(
              `refusing to follow a symbolic link: ${problem.relative}`,
              undefined,
              undefined,
              'ERR_SYMLINK',
            ),
          );
        if (problem.reason === 'not-a-file')
          this.#onListError(
            new DatastoreError(
              `not a regular file: ${problem.relative}`,
              undefined,
              undefined,
              'ERR_NOT_A_FILE',
            ),
          );
        if (problem.reason === 'unreadable')
          this.#onListError(toKvdirError(problem.cause, { op: `list ${problem.relative}` }));
      }
      const matches = walked.files.flatMap((found) => {
        const key = options.keyFromDefaultPath(found.path);
        return key === null ? [] : [{ key, path: found.path }];
      });
      const pairs = await mapLimit(matches, LIST_CONCURRENCY, ({ key, path }) =>
        this.#listOne(key, path),
      );
      return pairs.filter((pair): pair is KVPair => pair !== undefined);
    } catch (err) {
      throw toKvdirError(err, { op: 'list' });
    }
  }

  syncer(callbacks: SyncerCallbacks, options: SyncerOptions = {}): Syncer {
    this.#checkOpen();
    const syncer = new FileSyncer(this.#store, callbacks, options, () =>
      this.#syncers.delete(syncer),
    );
    this.#syncers.add(syncer);
    return syncer;
  }

  /**
   * Reports, without changing anything, every file under `prefix` that kvdir cannot read as
   * a key's value: YAML that does not parse, names that are not keys, links. Used by
   * `kvdir check`.
   */
  async check(prefix = '/', options: CheckOptions = {}): Promise<CheckProblem[]> {
    this.#checkOpen();
    try {
      return await checkTree(this.#store, prefix, options);
    } catch (err) {
      throw toKvdirError(err, { op: 'check' });
    }
  }

  async ensureInitialized(): Promise<void> {
    this.#checkOpen();
    try {
      await this.#store.makeRoot();
      await this.create({ key: new ReadyFlagKey(), value: true });
    } catch (err) {
      if (!(err instanceof ResourceAlreadyExistsError))
        throw toKvdirError(err, { op: 'ensureInitialized' });
    }
  }

  close(): Promise<void> {
    this.#closing ??= Promise.all([...this.#syncers].map((syncer) => syncer.stop())).then(() =>
      this.#locks.close(),
    );
    return this.#closing;
  }

  async #write(op: WriteOp, kv: KVPair): Promise<KVPair> {
    this.#checkOpen();
    const { key, revision } = checkPair(kv, true);
    try {
      const files = this.#store.keyFiles(key.defaultPath());
      const bytes = this.#store.encode(key, kv.value);
      return await this.#locks.withLock(files.path, async () => {
        const current = await this.#store.read(files);
        const live = this.#store.isLive(current) ? current : undefined;
        if (op === 'create' && live !== undefined) throw new ResourceAlreadyExistsError(key);
        if (op === 'update' && live === undefined) throw new ResourceDoesNotExistError(key);
        if (revision !== undefined) checkRevision(key, live, revision);
        const expiresAt = kv.ttl ? this.#store.clock.now() + kv.ttl : undefined;
        const print = fingerprint(bytes);
        const sidecar = nextSidecar(live?.sidecar, live !== undefined, print, expiresAt);
        await this.#store.write(files, bytes, sidecar, current?.mode);
        return { ...kv, revision: revisionOf(sidecar, print) };
      });
    } catch (err) {
      throw toKvdirError(err, { op, key });
    }
  }

  /** One entry of a listing; an entry that cannot be read is skipped and reported, not fatal. */
  async #listOne(key: Key, path: string): Promise<KVPair | undefined> {
    try {
      const entry = await this.#store.read(this.#store.keyFiles(path));
      return this.#store.isLive(entry) ? this.#pair(key, entry) : undefined;
    } catch (err) {
      this.#onListError(toKvdirError(err, { op: 'list', key }));
      return undefined;
    }
  }

  #pair(key: Key, entry: StoredEntry): KVPair {
    const pair: KVPair = { key, value: this.#store.decode(key, entry), revision: entry.revision };
    const ttl = this.#store.ttlLeft(entry);
    if (ttl !== undefined) pair.ttl = ttl;
    return pair;
  }

  #checkOpen(): void {
    if (this.#closing !== undefined)
      throw new DatastoreError('the client is closed', undefined, undefined, 'ERR_CLOSED');
  }
}

function checkKey(key: Key): void {
  if (typeof key?.defaultPath !== 'function' || typeof key.valueKind !== 'function') {
    throw new ValidationError([
      { name: 'key', value: key, reason: 'a Key (e.g. new PolicyKey({ name })) is required' },
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
