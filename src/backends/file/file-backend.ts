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
import { BaseClient, checkKey } from '../../core/client-base.js';
import type { Syncer, SyncerCallbacks } from '../../model/api.js';
import type { KvdirError } from '../../model/errors.js';
import {
  DatastoreError,
  ResourceAlreadyExistsError,
  ResourceDoesNotExistError,
  ResourceUpdateConflictError,
  ValidationError,
} from '../../model/errors.js';
import { parseCanonical } from '../../model/canonical.js';
import type { Key, ListInterface, ValueOf } from '../../model/key.js';
import type {
  KVPair,
  KVPairFor,
  KVPairWithValue,
  KeyInfo,
  ListKeysOptions,
} from '../../model/kv.js';
import { keyFromPath } from '../../model/parser.js';
import type { CheckOptions, CheckProblem } from './check.js';
import { checkTree } from './check.js';
import { assumedCaseInsensitive } from './case-fold.js';
import type { FsLike } from './fs-like.js';
import { isNodeFs, nodeFsLike } from './fs-like.js';
import type { LockOptions } from './locks.js';
import { KeyLocks, defaultLockOptions } from './locks.js';
import { fingerprint, nextSidecar, revisionOf } from './revision.js';
import type { StoredEntry } from './store.js';
import { TreeStore } from './store.js';
import { createFileSyncer } from './sync/file-source.js';
import { Breather } from '../../syncer/batch.js';
import { syncerKnobs } from './sync/internals.js';
import type { FileSyncerOptions } from './sync/settings.js';
import type { FoundFile, OwnEntry } from './tree-walk.js';
import { notCanonicalError, walkProblemError } from './tree-walk.js';

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

/** What FileBackend's create, update and apply take beyond the Client's `kv`. */
export interface FileWriteOptions {
  /**
   * The value's YAML text as its author wrote it (comments, order, quotes), stored as it is
   * instead of kvdir's own encoding (a final line break added). It must read back as exactly
   * `kv.value`, or the write fails with a ValidationError. The CLI passes its input when it has
   * comments, and `kvdir edit` the saved text. Other backends take no text.
   */
  text?: string;
}

/** A key's value file as text (`FileBackend.getText`). */
export interface FileText {
  key: Key;
  /** The file's text as it is (without a leading BOM), whether or not it parses. */
  text: string;
  revision: string;
}

const DEFAULT_MAX_VALUE_BYTES = 4 * 1024 * 1024;

/** Keys looked at at once by listKeys() (list() reads one key after another: see _list). */
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

  /** Largest value file read or written, in bytes (the `maxValueBytes` option). */
  get maxValueBytes(): number {
    return this.#store.maxValueBytes;
  }

  /**
   * Reports every file under `prefix` that kvdir cannot read as a key's value (YAML that does
   * not parse, names that are not keys, links) and what interrupted work left behind (trash
   * directories, temp files, sidecars without a value file, expired keys). Changes nothing,
   * unless `options.fix` is set: then the leftovers are removed (see leftovers.ts). Used by
   * `kvdir check`.
   */
  async check(prefix = '/', options: CheckOptions = {}): Promise<CheckProblem[]> {
    if (this.closed) throw new DatastoreError('the client is closed', { code: 'ERR_CLOSED' });
    try {
      return await checkTree(this.#store, prefix, options, (path, fn) =>
        this.#locks.withLock(path, fn),
      );
    } catch (err) {
      throw this._toError(err, { op: 'check' });
    }
  }

  /** `Client.create`; `options.text`: see FileWriteOptions. */
  override create<K extends Key>(
    kv: KVPairFor<K>,
    options?: FileWriteOptions,
  ): Promise<KVPairWithValue<ValueOf<K>>> {
    return this.writeWith('create', kv, options?.text) as Promise<KVPairWithValue<ValueOf<K>>>;
  }

  /** `Client.update`; `options.text`: see FileWriteOptions. */
  override update<K extends Key>(
    kv: KVPairFor<K>,
    options?: FileWriteOptions,
  ): Promise<KVPairWithValue<ValueOf<K>>> {
    return this.writeWith('update', kv, options?.text) as Promise<KVPairWithValue<ValueOf<K>>>;
  }

  /** `Client.apply`; `options.text`: see FileWriteOptions. */
  override apply<K extends Key>(
    kv: KVPairFor<K>,
    options?: FileWriteOptions,
  ): Promise<KVPairWithValue<ValueOf<K>>> {
    return this.writeWith('apply', kv, options?.text) as Promise<KVPairWithValue<ValueOf<K>>>;
  }

  /**
   * A key's value file as it is, its text and revision: what `kvdir edit` opens, to write back
   * with `update(kv, { text })`. The text need not parse. ResourceDoesNotExistError when the key
   * has no value file (or expired); ParsingDatastoreEntryError when the file is not text.
   */
  async getText(key: Key): Promise<FileText> {
    if (this.closed) throw new DatastoreError('the client is closed', { code: 'ERR_CLOSED' });
    checkKey(key);
    try {
      const entry = await this.#store.read(this.#store.keyFiles(key.defaultPath()));
      if (!this.#store.isLive(entry)) throw new ResourceDoesNotExistError(key);
      return { key, text: this.#store.text(key, entry), revision: entry.revision };
    } catch (err) {
      throw this._toError(err, { op: 'get', key });
    }
  }

  protected async _write(
    op: WriteOp,
    { key, value, revision, ttl, text }: CheckedWrite,
  ): Promise<KVPairWithValue> {
    const files = this.#store.keyFiles(key.defaultPath());
    // Without a root no key exists: an update or a compare-and-swap fails without creating it.
    const mustExist = op === 'update' || revision !== undefined;
    const rootExists = this.#store.rootExists();
    if (!rootExists && mustExist) throw new ResourceDoesNotExistError(key);
    // Before the lock, so that a value (or text) that cannot be stored fails at once: the caller's
    // text, else the plain YAML a new file gets. An update or apply of a file that may exist
    // makes it only if it turns out to be needed (the edit of a file needs none); one that
    // fails then fails under the lock, having written nothing (and created no root).
    const given = text === undefined ? undefined : this.#store.encodeText(key, value, text);
    let fresh =
      given ?? (op === 'create' || !rootExists ? this.#store.encode(key, value) : undefined);
    const freshBytes = (): Buffer => (fresh ??= this.#store.encode(key, value));
    await this.#store.refuseCaseConflict(key, [files.file], assumedCaseInsensitive(this));
    return await this.#locks.withLock(files.path, async (guard) => {
      const current = await this.#store.read(files);
      const live = this.#store.isLive(current) ? current : undefined;
      if (op === 'create' && live !== undefined) throw new ResourceAlreadyExistsError(key);
      if (op === 'update' && live === undefined) throw new ResourceDoesNotExistError(key);
      if (revision !== undefined) checkRevision(key, live, revision);
      // An existing value is edited as it is now (under the lock), keeping what people wrote.
      const bytes =
        given ?? (live ? this.#store.encodeOnto(key, value, live.bytes, freshBytes) : freshBytes());
      const expiresAt = ttl ? this.#store.clock.now() + ttl : undefined;
      const print = fingerprint(bytes);
      // The new sidecar records what readers go by until its value file is in place.
      const sidecar = nextSidecar(live?.sidecar, live !== undefined, print, expiresAt, current);
      await this.#store.write(files, bytes, sidecar, current, guard);
      const written: KVPairWithValue = { key, value, revision: revisionOf(sidecar, print) };
      if (ttl !== undefined) written.ttl = ttl;
      return written;
    });
  }

  protected async _delete(key: Key, revision: string | undefined): Promise<number> {
    const files = this.#store.keyFiles(key.defaultPath());
    const deletePath = key.defaultDeletePath();
    // Without a root there is nothing to delete: fail without creating it (for the lock).
    if (!this.#store.rootExists()) throw new ResourceDoesNotExistError(key);
    const subtree = this.#store.keyFiles(deletePath);
    const paths = [files.file, subtree.file, subtree.dir];
    await this.#store.refuseCaseConflict(key, paths, assumedCaseInsensitive(this));
    const count = await this.#locks.withLock(files.path, async (guard) => {
      const current = await this.#store.read(files);
      const live = this.#store.isLive(current);
      if (revision !== undefined) checkRevision(key, live ? current : undefined, revision);
      const removed = await this.#store.removeTree(deletePath, guard);
      // An expired value file is removed but did not exist as far as callers know.
      const existed = live || removed.dir || (removed.file && deletePath !== files.path);
      if (!existed) throw new ResourceDoesNotExistError(key);
      // The files a listing would have shown as keys (see list): not a name that only parses to
      // another key's path.
      return removed.keys.filter(
        (path) => parseCanonical(safeKeyFromPath, path).kind !== 'not-canonical',
      ).length;
    });
    await this.#removeEmptyParents(key.defaultDeleteParentPaths());
    return count;
  }

  /**
   * After a delete, the implicit parents it left empty (Calico's workload and endpoint
   * directories), innermost first, each under its directory's lock held alone. The delete has
   * landed by now: a parent that is busy (a writer in it, here or in another process) or that
   * cannot be removed is left as it is, and no failure here fails the delete.
   */
  async #removeEmptyParents(parents: string[]): Promise<void> {
    for (const parent of parents) {
      const removed = await this.#locks
        .withDirectoryIfFree(parent, (guard) => this.#store.removeDirIfEmpty(parent, guard))
        .catch(() => false);
      if (removed !== true) return;
    }
  }

  protected async _get(key: Key): Promise<KVPairWithValue | undefined> {
    const entry = await this.#store.read(this.#store.keyFiles(key.defaultPath()));
    if (entry === undefined) this.#store.rootExists(); // a root that is a file is an error, not "missing"
    return this.#store.isLive(entry) ? this.#pair(key, entry) : undefined;
  }

  protected _hasEntriesBelow(path: string): Promise<boolean> {
    return this.#store.dirExists(path);
  }

  protected async _list(options: ListInterface): Promise<KVPairWithValue[]> {
    const matches = await this.#walkKeys(options);
    // One key after another, synchronously (each read is one short synchronous section): 64
    // promise chains around reads that do not overlap only added overhead (issue 19). The event
    // loop gets a turn every few milliseconds.
    const pairs: KVPairWithValue[] = [];
    const breather = new Breather();
    for (const { key, path } of matches) {
      const pair = this.#listOne(key, path);
      if (pair !== undefined) pairs.push(pair);
      await breather.breathe();
    }
    return pairs;
  }

  /**
   * The keys of `list`, by the same walk and name rules, without reading a value: only the
   * sidecar, for the TTL (one small file, and none at all in a tree fresh from git). With
   * `details`, each value file is read for its revision and size, never parsed.
   */
  protected override async _listKeys(
    options: ListInterface,
    how: ListKeysOptions,
  ): Promise<KeyInfo[]> {
    // The sidecars the walk saw: a key without one (a tree fresh from git) costs no open at all.
    const sidecars = new Set<string>();
    const matches = await this.#walkKeys(options, sidecars);
    const root = options.defaultPathRoot();
    const infos = await mapLimit(matches, LIST_CONCURRENCY, ({ key, path }) => {
      // The prefix's own file sits in a directory the walk did not list: its sidecar is looked for.
      const sidecar = path === root ? undefined : sidecars;
      return this.#keyInfo(key, path, how.details === true, sidecar);
    });
    return infos.filter((info): info is KeyInfo => info !== undefined);
  }

  /**
   * The key of each value file at or below the options' root, in path order; problems reported.
   * `sidecars`, when given, gets the path of every sidecar in the directories walked.
   */
  async #walkKeys(
    options: ListInterface,
    sidecars?: Set<string>,
  ): Promise<Array<{ key: Key; path: string }>> {
    const files: FoundFile[] = [];
    const existed = await this.#store.visit(options.defaultPathRoot(), {
      file: (found) => void files.push(found),
      problem: (problem) => this.#onListError(walkProblemError(problem)),
      ...(sidecars === undefined
        ? {}
        : {
            own: (entry: OwnEntry) => void (entry.kind === 'sidecar' && sidecars.add(entry.file)),
          }),
    });
    if (!existed) this.#store.rootExists(); // a root that is a file is an error, not "empty"
    return files.flatMap((found) => {
      const parsed = parseCanonical((path) => options.keyFromDefaultPath(path), found.path);
      if (parsed.kind === 'key') return [{ key: parsed.key, path: found.path }];
      if (parsed.kind === 'not-canonical') {
        const { key, canonical } = parsed;
        this.#onListError(notCanonicalError(this.#store.root, found.file, key, canonical));
      }
      return [];
    });
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
  #listOne(key: Key, path: string): KVPairWithValue | undefined {
    try {
      const entry = this.#store.readSync(this.#store.keyFiles(path));
      return this.#store.isLive(entry) ? this.#pair(key, entry) : undefined;
    } catch (err) {
      this.#onListError(this._toError(err, { op: 'list', key }));
      return undefined;
    }
  }

  /** One entry of `listKeys`; like `#listOne`, an entry that cannot be read is reported and skipped. */
  async #keyInfo(
    key: Key,
    path: string,
    details: boolean,
    sidecars: ReadonlySet<string> | undefined,
  ): Promise<KeyInfo | undefined> {
    try {
      const files = this.#store.keyFiles(path);
      if (!details) {
        if (sidecars !== undefined && !sidecars.has(files.sidecar)) return { key }; // no TTL
        return this.#store.isLiveByName(files) ? { key } : undefined;
      }
      const entry = await this.#store.read(files);
      if (!this.#store.isLive(entry)) return undefined;
      const info: KeyInfo = { key, revision: entry.revision, size: entry.bytes.length };
      const ttl = this.#store.ttlLeft(entry);
      if (ttl !== undefined) info.ttl = ttl;
      return info;
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

/** keyFromPath for a path taken from a file name; such a path is valid, but a parser must not throw here. */
function safeKeyFromPath(path: string): Key | null {
  try {
    return keyFromPath(path);
  } catch {
    return null;
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
