/**
 * What the file source observes: looks at the tree where events point, or at a whole prefix,
 * and tells the shared `Picture` what is there, which turns it into updates. Events are hints
 * only; this is the one place that reads the tree, and every update comes from a fresh stat
 * and read:
 * - a key whose value file exists and is live is present with its revision (the picture sends
 *   `KVNew`, `KVUpdated` or nothing); a missing or expired one is gone (`KVDeleted`);
 * - a file that did not change since it was read (its stat signature, kept in the picture's
 *   state slot) is not read again in a full resync;
 * - a value that does not parse is sent with `value` undefined and reported as a parse failure;
 *   a file that is not a key (or that `keyFromPath` refuses) is only reported, once per content,
 *   and with '' once it is gone;
 * - when a deleted key's directory is gone too, the whole missing subtree is swept in the same
 *   batch, so a recursive delete arrives as one batch even when its events were split.
 */
import { dirname, join } from 'node:path';
import { wallNow } from '../../../core/clock.js';
import {
  DatastoreError,
  ParsingDatastoreEntryError,
  ValidationError,
} from '../../../model/errors.js';
import { parseCanonical } from '../../../model/canonical.js';
import type { Key } from '../../../model/key.js';
import { errnoCode, isMissing, isUnreadable } from '../errno.js';
import { lstatOrMissing } from '../fs-like.js';
import type { DirentLike, StatsLike } from '../fs-like.js';
import { dirForPath, keyFilesOfValueFile, keyPathOfDir, relativeToRoot } from '../layout.js';
import type { KeyFiles } from '../layout.js';
import { expiryOf, fingerprint } from '../revision.js';
import type { StoredEntry, TreeStore } from '../store.js';
import type { WalkProblem } from '../tree-walk.js';
import { walkProblemError, walkProblemReason } from '../tree-walk.js';
import { Batch, Breather, forEachYielding } from '../../../syncer/batch.js';
import { isUnder } from '../../../model/key-path.js';
import { clipToPrefixes, scopePath } from './event-scope.js';
import type { Scope } from './event-scope.js';
import { fileSignature, statIdentity } from './file-signature.js';
import type { CachedKey } from '../../../syncer/key-cache.js';
import type { KeyState } from './index-keys.js';
import { fromIndex, jsonOf, tagOf } from './index-keys.js';
import type { IndexUse } from './session-index.js';
import type { Picture, ReadValue } from '../../../syncer/picture.js';
import { SkippedFiles } from './skipped-files.js';
import { WritesInFlight } from './write-in-flight.js';
import type { Settings } from './settings.js';

/** Largest file that is not a key read to be reported to parseFailed (the store's default value limit). */
const MAX_RAW_BYTES = 4 * 1024 * 1024;
const RAW_LIMIT = {
  bytes: MAX_RAW_BYTES,
  name: 'files that are not keys are read up to this size',
};

/** Errors of a value file that list() skips too: a link, not a regular file, over the size limit. */
const UNREADABLE = new Set(['ERR_SYMLINK', 'ERR_NOT_A_FILE', 'ERR_TOO_LARGE']);

export interface ReconcileResult {
  batch: Batch;
  /** Directories that were looked at because of an event and exist: they get a second look. */
  newTrees: string[];
  /** Keys caught in the middle of a kvdir write: to be looked at in a later batch. */
  deferred: string[];
}

/**
 * Keys left for a later batch because a kvdir write of them was half done, and which keys may
 * be: any (looks after events) or only those the consumer holds (full resyncs, which report a
 * key the consumer does not hold at once, so that InSync comes with every key).
 */
class Deferred {
  readonly paths: string[] = [];
  readonly knownOnly: boolean;

  constructor(knownOnly: boolean) {
    this.knownOnly = knownOnly;
  }
}

interface TreeOptions {
  onChunk?: (batch: Batch) => void;
  deferred?: Deferred;
}

/** What a look at a key's files found before reading them. */
interface KeyStat {
  signature: string;
  /** The signature even when it is too fresh to trust: tells whether the files changed since. */
  identity: string;
  /** When the value file last changed (ms since the epoch, wall clock). */
  changedAt: number;
}

/** A key's entry as read, with the stat signature of what was read. */
interface Found {
  key: Key;
  files: KeyFiles;
  entry: StoredEntry;
  stat: KeyStat;
}

export type { KeyState };

/** What the file source keeps about a file reported to parseFailed. */
export interface InvalidState {
  file: string;
  signature: string;
}

export interface ReconcilerHooks {
  /** When a key expires (ms since the epoch), or undefined once it has no TTL or is gone. */
  setExpiry(path: string, expiresAt: number | undefined): void;
  /** True once the syncer stops: a long walk gives up early. */
  cancelled(): boolean;
  /**
   * A value file that cannot be read as a value, or a link or other file in the tree that is
   * not followed (as list() skips them), named by its path below the root (`/a/b.yaml`):
   * treated as absent. Told once while it stays so (see skipped-files.ts).
   */
  unreadable(file: string, error: Error): void;
  /** How walks list directories now (the watcher's `readDir`), or undefined for readdir. */
  readDir?(): ((dir: string, order: string) => DirentLike[] | undefined) | undefined;
}

export class Reconciler {
  readonly #store: TreeStore;
  readonly #settings: Settings;
  readonly #picture: Picture<KeyState, InvalidState>;
  readonly #hooks: ReconcilerHooks;
  readonly #inFlight: WritesInFlight;
  /** The pass of the last full look (see `#tree`); skipped files are marked with it too. */
  #walks = 0;
  readonly #skipped: SkippedFiles;
  /** The persistent index, during the first full look of a session. */
  #index: IndexUse | undefined;
  /** Keys the index gave (no read): tests and the bench look at it. */
  indexHits = 0;

  constructor(
    store: TreeStore,
    settings: Settings,
    picture: Picture<KeyState, InvalidState>,
    hooks: ReconcilerHooks,
  ) {
    this.#store = store;
    this.#settings = settings;
    this.#picture = picture;
    this.#hooks = hooks;
    this.#inFlight = new WritesInFlight(store, settings);
    this.#skipped = new SkippedFiles((file, error) => hooks.unreadable(file, error));
  }

  /** The persistent index to read from and write to (undefined: none from now on). */
  useIndex(index: IndexUse | undefined): void {
    this.#index = index;
  }

  /** One batch for the scopes a quiet window collected. */
  async reconcileScopes(scopes: readonly Scope[]): Promise<ReconcileResult> {
    const clipped = scopes.flatMap((scope) => clipToPrefixes(scope, this.#settings.prefixes));
    const trees = outermost(clipped.flatMap((scope) => (scope.kind === 'tree' ? [scope] : [])));
    const covered = (path: string): boolean => trees.some((tree) => isUnder(path, tree.path));
    const batch = new Batch();
    const newTrees: string[] = [];
    const deferred = new Deferred(false);
    for (const tree of trees) {
      const { batch: found, existed } = await this.#tree(tree.path, { deferred });
      batch.append(found);
      if (existed && tree.again !== true) newTrees.push(tree.path);
    }
    const keys = clipped.flatMap((scope) =>
      scope.kind === 'key' && !covered(scope.path) ? [scope.path] : [],
    );
    await forEachYielding(
      keys,
      async (path) => void batch.append(await this.#refreshKey(path, false, deferred)),
    );
    for (const scope of clipped) {
      if (scope.kind === 'invalid' && !covered(`/${scope.relative}`)) {
        batch.append(
          await this.#refreshInvalid(
            `/${scope.relative}`,
            join(this.#store.root, scope.relative),
            false,
          ),
        );
      }
    }
    await this.#sweepMissingDirs(
      batch,
      trees.map((tree) => tree.path),
    );
    return { batch, newTrees, deferred: deferred.paths };
  }

  /**
   * A full look at a prefix; files that did not change since they were read are not read
   * again. Says what to send last, and which keys to look at again in a later batch.
   */
  async resync(
    prefix: string,
    onChunk: (batch: Batch) => void,
  ): Promise<{ batch: Batch; deferred: string[] }> {
    const deferred = new Deferred(true);
    const { batch } = await this.#tree(prefix, { onChunk, deferred });
    return { batch, deferred: deferred.paths };
  }

  /** Every key the consumer holds, as deletions, and every reported file as gone (the root is gone). */
  forgetAll(): Batch {
    const batch = new Batch();
    this.#picture.forgetAll(batch);
    for (const path of batch.deleted) this.#hooks.setExpiry(path, undefined);
    this.#skipped.clearAll();
    return batch;
  }

  /**
   * Compares the subtree at `prefix` (its own value file included) with the cache, reading
   * only files whose signature changed. `onChunk` takes batches as they fill up (full resyncs);
   * `deferred` takes keys caught in the middle of a kvdir write (event-driven looks).
   */
  async #tree(
    prefix: string,
    options: TreeOptions = {},
  ): Promise<{ batch: Batch; existed: boolean }> {
    const { onChunk, deferred } = options;
    // What this walk finds is marked with its pass: what the consumer holds unmarked may be gone.
    const walk = (this.#walks = this.#picture.newPass());
    // Nothing held before the walk (a session's first look): nothing can have gone unseen.
    const heldBefore = this.#picture.size;
    const batch = new Batch();
    const problems: WalkProblem[] = [];
    const breather = new Breather();
    let cancelled = false;
    const readDir = this.#hooks.readDir?.();
    const walked = (path: string): Promise<void> | undefined => {
      // A file whose path keyFromPath refuses is held as an invalid file under its key path.
      this.#picture.mark(path, walk);
      this.#picture.markInvalid(path, walk);
      if (onChunk !== undefined && batch.updates.length >= this.#settings.batchSize)
        onChunk(batch.take());
      return breather.due() ? breather.breathe() : undefined;
    };
    const existed = await this.#store.visit(prefix, {
      ...(readDir === undefined ? {} : { readDir }),
      file: ({ path, file }) => {
        cancelled ||= this.#hooks.cancelled();
        if (cancelled) return undefined;
        // Most keys of a restart come from the index: no read, no promise.
        if (this.#fromIndexInWalk(path, file, batch)) return walked(path);
        return this.#refreshKey(path, true, deferred, file).then((found) => {
          batch.append(found);
          return walked(path);
        });
      },
      problem: (problem) => void problems.push(problem),
    });
    if (cancelled) return { batch: new Batch(), existed: false };
    for (const problem of problems) {
      const rawKey = `/${problem.relative}`;
      this.#picture.markInvalid(rawKey, walk);
      if (problem.reason === 'not-a-key')
        batch.append(
          await this.#refreshInvalid(rawKey, join(this.#store.root, problem.relative), true),
        );
      else this.#skipped.skip(rawKey, problemError(problem), walk);
    }
    const own = prefix === '/' ? undefined : this.#relative(this.#store.keyFiles(prefix).file);
    this.#skipped.sweep(walk, this.#relative(dirForPath(this.#store.root, prefix)), own);
    await forEachYielding(
      heldBefore === 0 ? [] : this.#picture.unmarkedKeys(prefix, walk),
      async (path) => void batch.append(await this.#refreshKey(path, false)),
    );
    for (const [rawKey, invalid] of this.#picture.unmarkedInvalid(prefix, walk)) {
      batch.append(await this.#refreshInvalid(rawKey, invalid.file, false));
    }
    return { batch, existed };
  }

  /**
   * Looks at one key again. `trust`: skip the read when the stat signature is the one it was
   * read at (full resyncs); events always read (a read without a parse is cheap). `deferred`:
   * where to put the key instead of reporting it when a kvdir write of it is half done.
   * `valueFile`: where a walk found the key's value file.
   */
  async #refreshKey(
    path: string,
    trust: boolean,
    deferred?: Deferred,
    valueFile?: string,
  ): Promise<Batch> {
    const batch = new Batch();
    if ((await this.#lookAtKey(path, trust, batch, deferred, valueFile)) === 'wait')
      deferred?.paths.push(path);
    else this.#inFlight.forget(path);
    return batch;
  }

  /** Puts what changed for one key into `batch`; 'wait' when a kvdir write of it is half done. */
  async #lookAtKey(
    path: string,
    trust: boolean,
    batch: Batch,
    deferred: Deferred | undefined,
    valueFile: string | undefined,
  ): Promise<'done' | 'wait'> {
    const files =
      valueFile === undefined
        ? this.#keyFiles(path)
        : keyFilesOfValueFile(this.#store.root, path, valueFile);
    if (files === undefined) {
      // A path that cannot be a key (an event for a file the walk reports as not a key).
      this.#deleted(path, batch);
      return 'done';
    }
    const cached = this.#picture.held(path);
    if (cached === undefined || !trust) {
      const read = this.#readFirst(path, files);
      if (read !== undefined) return this.#found(path, read, cached, batch, deferred);
    }
    const takenAt = wallNow(this.#store.clock);
    const valueStats = seen(this.#store, files.file);
    const stat = this.#stat(files, takenAt, valueStats);
    if (stat === undefined) {
      this.#noteOddFile(this.#relative(files.file), valueStats);
      this.#deleted(path, batch);
      this.#picture.notAKeyGone(batch, path);
      return 'done';
    }
    // An unchanged file needs no read, unless its TTL ran out since (expiry is not a file change).
    const expiresAt = cached?.state.expiresAt;
    const expired = expiresAt !== undefined && expiresAt <= this.#store.clock.now();
    if (trust && stat.signature !== '' && cached?.state.signature === stat.signature && !expired) {
      return 'done';
    }
    const key = this.#keyOf(path);
    if (key === null) {
      this.#deleted(path, batch);
      batch.append(await this.#refreshInvalid(path, files.file, trust));
      return 'done';
    }
    const entry = await this.#read(files);
    if (entry === undefined) {
      this.#deleted(path, batch);
      return 'done';
    }
    return this.#found(path, { key, files, entry, stat }, cached, batch, deferred);
  }

  /**
   * A key a walk found at `valueFile`, taken from the persistent index when the consumer does
   * not hold it and the index can be trusted for it: no read and nothing to wait for (most keys
   * of a restart). False when it is to be looked at as always (#refreshKey).
   */
  #fromIndexInWalk(path: string, valueFile: string, batch: Batch): boolean {
    if (this.#index === undefined || this.#picture.held(path) !== undefined) return false;
    const files = keyFilesOfValueFile(this.#store.root, path, valueFile);
    if (!this.#fromIndex(path, files, batch)) return false;
    this.#inFlight.forget(path);
    return true;
  }

  /**
   * Presents a key the picture does not hold (`held` said so just before) as the persistent
   * index has it; false when the index cannot be trusted for it.
   */
  #fromIndex(path: string, files: KeyFiles, batch: Batch): boolean {
    const indexed = this.#index?.key(path);
    if (indexed === undefined) return false;
    const key = this.#keyOf(path);
    if (key === null) return false;
    const lstat = (file: string): StatsLike | undefined => seen(this.#store, file);
    const clock = this.#store.clock;
    const found = fromIndex(indexed, key, files, lstat, wallNow(clock), clock.now());
    if (found === undefined) return false;
    this.indexHits++;
    this.#index?.sent(path, indexed);
    this.#hooks.setExpiry(path, found.state.expiresAt);
    const ttl = found.ttl === undefined ? {} : { ttl: found.ttl };
    // Asked only for a key the picture does not hold (see #fromIndexInWalk).
    this.#picture.presentNew(batch, path, key, found.revision, found.state, () => ({
      ok: true,
      value: found.value,
      ...ttl,
    }));
    return true;
  }

  /**
   * A key with nothing to compare (not held, or looked at after an event) is read at once, its
   * stat signature taken from the descriptors it was read from: three lstat calls fewer a key
   * than a look first (issue 19: a third of the syncer's stat calls at its start). Undefined
   * when that read does not give a regular value file of a key (missing, a link, a FIFO, a path
   * that is no key...): the look-first path then reports it as it always has.
   */
  #readFirst(path: string, files: KeyFiles): Found | undefined {
    const key = this.#keyOf(path);
    if (key === null) return undefined;
    const takenAt = wallNow(this.#store.clock);
    let entry: StoredEntry | undefined;
    try {
      entry = this.#store.readSync(files, { lstatFirst: false });
    } catch {
      return undefined;
    }
    if (entry === undefined || entry.stats.isFile() !== true) return undefined;
    if (this.#skipped.size > 0) this.#skipped.clear(this.#relative(files.file));
    const sidecar = entry.sidecarStats;
    const stat: KeyStat = {
      signature: fileSignature(entry.stats, sidecar, takenAt),
      identity: statIdentity(entry.stats, sidecar),
      changedAt: Math.max(Number(entry.stats.mtimeMs), Number(entry.stats.ctimeMs)),
    };
    return { key, files, entry, stat };
  }

  /** What a key's read found, sent to the picture (or left for later while a write is half done). */
  async #found(
    path: string,
    { key, files, entry, stat }: Found,
    cached: CachedKey<KeyState> | undefined,
    batch: Batch,
    deferred: Deferred | undefined,
  ): Promise<'done' | 'wait'> {
    if (!this.#store.isLive(entry)) {
      this.#deleted(path, batch);
      return 'done';
    }
    const changedSince = (): boolean => this.#stat(files)?.identity !== stat.identity;
    const mayWait = deferred !== undefined && (!deferred.knownOnly || cached !== undefined);
    if (mayWait && (await this.#inFlight.shouldWait(path, entry, stat.changedAt, changedSince)))
      return 'wait';
    const expiry = expiryOf(entry.sidecar);
    this.#hooks.setExpiry(path, expiry);
    const { signature } = stat;
    const state: KeyState = expiry === undefined ? { signature } : { signature, expiresAt: expiry };
    const index = this.#index;
    let json: string | undefined;
    this.#picture.present(batch, path, key, entry.revision, state, () => {
      const read = this.#value(key, entry);
      if (read.ok && index !== undefined) json = jsonOf(read.value);
      return read;
    });
    if (json !== undefined && signature !== '') {
      const expiresAt = expiry ?? 0;
      index?.sent(path, { signature, revision: entry.revision, tag: tagOf(key), expiresAt, json });
    }
    return 'done';
  }

  /** The value of an entry whose update goes out, or the text that did not parse. */
  #value(key: Key, entry: StoredEntry): ReadValue {
    const ttl = this.#store.ttlLeft(entry);
    const extra = ttl === undefined ? {} : { ttl };
    try {
      return { ok: true, value: this.#store.decode(key, entry), ...extra };
    } catch (err) {
      if (!(err instanceof ParsingDatastoreEntryError)) throw err;
      return { ok: false, rawValue: err.rawValue, ...extra };
    }
  }

  /** Reports a file that is not a key once per content, and '' once it is gone. */
  async #refreshInvalid(rawKey: string, file: string, trust: boolean): Promise<Batch> {
    const batch = new Batch();
    const takenAt = wallNow(this.#store.clock);
    const stats = seen(this.#store, file);
    const known = this.#picture.heldInvalid(rawKey);
    if (stats?.isFile() !== true) {
      this.#noteOddFile(this.#relative(file), stats);
      return this.#forgetInvalid(rawKey, batch);
    }
    const signature = fileSignature(stats, undefined, takenAt);
    if (trust && signature !== '' && known?.state.signature === signature) return batch;
    if (Number(stats.size) > MAX_RAW_BYTES) {
      const error = new DatastoreError(
        `${file} is ${String(stats.size)} bytes: not read to report it`,
        { code: 'ERR_TOO_LARGE' },
      );
      this.#skipped.skip(this.#relative(file), error, this.#walks);
      return this.#forgetInvalid(rawKey, batch);
    }
    const bytes = this.#readRaw(file);
    if (bytes === undefined) return this.#forgetInvalid(rawKey, batch);
    this.#skipped.clear(this.#relative(file));
    const rawValue = bytes.toString('utf8');
    this.#picture.notAKey(batch, rawKey, fingerprint(bytes), rawValue, { file, signature });
    return batch;
  }

  /** A file that is not a key, read as safely as a value (it may have become a FIFO or a link since its lstat). */
  #readRaw(file: string): Buffer | undefined {
    try {
      return this.#store.readFileInside(file, dirname(file), RAW_LIMIT)?.bytes;
    } catch (err) {
      if (!UNREADABLE.has(errnoCode(err) ?? '')) return absentOnMissing(err);
      this.#skipped.skip(this.#relative(file), err as Error, this.#walks);
      return undefined;
    }
  }

  #forgetInvalid(rawKey: string, batch: Batch): Batch {
    this.#picture.notAKeyGone(batch, rawKey);
    return batch;
  }

  /** The key is gone: deleted for the consumer if held, and its expiry forgotten. */
  #deleted(path: string, batch: Batch): void {
    if (this.#picture.gone(batch, path)) this.#hooks.setExpiry(path, undefined);
  }

  /**
   * For each key this batch deleted whose directory is gone as well, sweeps the highest
   * missing directory, so every key of a removed subtree goes out in this one batch.
   */
  async #sweepMissingDirs(batch: Batch, done: string[]): Promise<void> {
    for (const path of [...batch.deleted]) {
      if (done.some((tree) => isUnder(path, tree))) continue;
      const top = this.#highestMissingDir(path);
      if (top === undefined) continue;
      done.push(top);
      for (const scope of clipToPrefixes({ kind: 'tree', path: top }, this.#settings.prefixes)) {
        batch.append((await this.#tree(scopePath(scope))).batch);
      }
    }
  }

  /** The key path of the highest directory above `path`'s value file that no longer exists. */
  #highestMissingDir(path: string): string | undefined {
    const root = this.#store.root;
    let missing: string | undefined;
    for (
      let dir = this.#store.keyFiles(path).parent;
      dir.length >= root.length;
      dir = dirname(dir)
    ) {
      if (seen(this.#store, dir)?.isDirectory() === true) break;
      missing = dir;
      if (dir === root) break;
    }
    return missing === undefined
      ? undefined
      : keyPathOfDir(missing === root ? '' : missing.slice(root.length + 1));
  }

  /** The files of a key path, or undefined for a path that cannot be a key (never a failed walk). */
  #keyFiles(path: string): KeyFiles | undefined {
    try {
      return this.#store.keyFiles(path);
    } catch (err) {
      if (err instanceof ValidationError) return undefined;
      throw err;
    }
  }

  /** The key of a path, or null (reported as not a key): refused, or not its key's own path. */
  #keyOf(path: string): Key | null {
    try {
      const parsed = parseCanonical(this.#settings.keyFromPath, path);
      return parsed.kind === 'key' ? parsed.key : null;
    } catch {
      return null;
    }
  }

  /**
   * The stat signature of a key's files, or undefined when it has no regular value file.
   * Synchronous, as the store's reads are: two lstat calls take microseconds.
   */
  #stat(
    files: KeyFiles,
    takenAt = wallNow(this.#store.clock),
    value = seen(this.#store, files.file),
  ): KeyStat | undefined {
    if (value?.isFile() !== true) return undefined;
    const sidecar = seen(this.#store, files.sidecar);
    const sidecarStats = sidecar?.isFile() === true ? sidecar : undefined;
    return {
      signature: fileSignature(value, sidecarStats, takenAt),
      identity: statIdentity(value, sidecarStats),
      changedAt: Math.max(Number(value.mtimeMs), Number(value.ctimeMs)),
    };
  }

  async #read(files: KeyFiles): Promise<StoredEntry | undefined> {
    try {
      const entry = await this.#store.read(files);
      this.#skipped.clear(this.#relative(files.file));
      return entry;
    } catch (err) {
      if (!UNREADABLE.has(errnoCode(err) ?? '')) return absentOnMissing(err);
      this.#skipped.skip(this.#relative(files.file), err as Error, this.#walks);
      return undefined;
    }
  }

  /**
   * What a look at a file that is no regular file found: a link or a special file (FIFO,
   * socket, device) is skipped; nothing there (or a directory, walked as one) is not.
   */
  #noteOddFile(file: string, stats: StatsLike | undefined): void {
    if (stats?.isSymbolicLink() === true)
      this.#skipped.skip(file, problemError({ relative: file, reason: 'symlink' }), this.#walks);
    else if (stats !== undefined && !stats.isDirectory() && !stats.isFile())
      this.#skipped.skip(file, problemError({ relative: file, reason: 'not-a-file' }), this.#walks);
    else this.#skipped.clear(file);
  }

  /** A file's path below the root, as `/a/b.yaml` (`''` for the root itself): how SkippedFiles names it. */
  #relative(file: string): string {
    const relative = relativeToRoot(this.#store.root, file);
    return relative === '' ? '' : `/${relative}`;
  }
}

/** The error a walk problem stands for, in the words list() and check use. */
function problemError(problem: WalkProblem): Error {
  const error = walkProblemError(problem);
  return new DatastoreError(walkProblemReason(problem), { code: error.code, cause: problem.cause });
}

/** Outermost trees only: a tree inside another one in the same batch is looked at by that one. */
function outermost<T extends { path: string; again?: boolean }>(trees: T[]): T[] {
  const sorted = [...trees].sort((a, b) =>
    a.path < b.path
      ? -1
      : a.path > b.path
        ? 1
        : Number(a.again === true) - Number(b.again === true),
  );
  const kept: T[] = [];
  for (const tree of sorted) {
    if (!kept.some((outer) => isUnder(tree.path, outer.path))) kept.push(tree);
  }
  return kept;
}

/** What the syncer sees at `path`: nothing when it is missing or cannot be read (list() skips both). */
function seen(store: TreeStore, path: string): StatsLike | undefined {
  try {
    return lstatOrMissing(store.fs, path);
  } catch (err) {
    return absentOnMissing(err);
  }
}

/** What the syncer reads as "not there": what list() skips as well (gone, or not readable). */
function absentOnMissing(err: unknown): undefined {
  if (isMissing(err) || isUnreadable(err)) return undefined;
  throw err;
}
