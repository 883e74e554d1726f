/**
 * The tree of value files under one root, read and changed safely: reads that refuse to
 * follow symbolic links, decoding with errors that name the file, atomic writes, subtree
 * removal. `FileBackend` adds Client semantics and locks on top; the syncer reads through it.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { DatastoreError, ParsingDatastoreEntryError, ValidationError } from '../../model/errors.js';
import type { Key } from '../../model/key.js';
import type { Clock } from '../../core/clock.js';
import type { PreparedTemp } from './atomic-write.js';
import { createNewFile, prepareTemp, writeNewFileSync } from './atomic-write.js';
import { decodeText, decodeValue, encodeValue } from './yaml-codec.js';
import { isMissing, isNotEmpty } from './errno.js';
import type { DirentLike, FsLike, StatsLike } from './fs-like.js';
import { direntName, readBytesSync, readDir } from './fs-like.js';
import type { KeyFiles } from './layout.js';
import { INTERNAL_PREFIX, dirForPath, isInternalName, keyFiles } from './layout.js';
import type { Sidecar } from './revision.js';
import {
  decodeSidecar,
  effectiveSidecar,
  encodeSidecar,
  fingerprint,
  isExpired,
  revisionOf,
} from './revision.js';
import { visitPrefix, walkPrefix } from './tree-walk.js';
import { uniqueId } from './unique-id.js';
import type { WalkResult, WalkVisitor } from './tree-walk.js';
import { reachedStep } from './write-steps.js';
import type { CommitGuard } from './locks.js';

/** What one value file holds right now. */
export interface StoredEntry {
  files: KeyFiles;
  bytes: Buffer;
  /** The sidecar that applies to these bytes (see `effectiveSidecar`). */
  sidecar: Sidecar | undefined;
  /** The sidecar file as written: ahead of `sidecar` while a write has not landed. */
  written: Sidecar | undefined;
  fingerprint: string;
  revision: string;
  /** The file's mode, kept when kvdir rewrites it. */
  mode: number | undefined;
}

export interface StoreOptions {
  root: string;
  fs: FsLike;
  fsync: boolean;
  clock: Clock;
  /** Largest value file kvdir reads or writes. */
  maxValueBytes: number;
}

export class TreeStore {
  readonly root: string;
  readonly fs: FsLike;
  readonly clock: Clock;
  readonly #fsync: boolean;
  readonly #maxValueBytes: number;
  /** Writes under way (each under its own key's lock). */
  #writing = 0;
  #rootReal: string | undefined;

  constructor(options: StoreOptions) {
    this.root = resolve(options.root);
    this.fs = options.fs;
    this.clock = options.clock;
    this.#fsync = options.fsync;
    this.#maxValueBytes = options.maxValueBytes;
  }

  keyFiles(path: string): KeyFiles {
    return keyFiles(this.root, path);
  }

  /**
   * The entry of a key path, or undefined when it has no value file. Never writes. One short
   * synchronous section (see fs-like.ts).
   */
  async read(files: KeyFiles): Promise<StoredEntry | undefined> {
    const stats = this.#statValueFile(files);
    if (stats === undefined) return undefined;
    const bytes = this.#readOrUndefined(files.file);
    if (bytes === undefined) return undefined;
    if (bytes.length > this.#maxValueBytes)
      throw tooLarge(files.file, bytes.length, this.#maxValueBytes);
    const sidecarBytes = this.#readOrUndefined(files.sidecar);
    const written =
      sidecarBytes === undefined ? undefined : decodeSidecar(sidecarBytes.toString('utf8'));
    const print = fingerprint(bytes);
    const sidecar = effectiveSidecar(written, print);
    return {
      files,
      bytes,
      sidecar,
      written,
      fingerprint: print,
      revision: revisionOf(sidecar, print),
      mode: modeOf(stats),
    };
  }

  isLive(entry: StoredEntry | undefined): entry is StoredEntry {
    return entry !== undefined && !isExpired(entry.sidecar, this.clock.now());
  }

  /** Milliseconds left before the entry expires, or undefined without a TTL. */
  ttlLeft(entry: StoredEntry): number | undefined {
    const expiry = entry.sidecar?.e;
    return expiry === undefined ? undefined : Math.max(0, expiry - this.clock.now());
  }

  /** The entry's value decoded for `key`; throws ParsingDatastoreEntryError naming the file. */
  decode(key: Key, entry: StoredEntry): unknown {
    const text = decodeText(entry.bytes);
    const decoded = text.ok ? decodeValue(key.valueKind(), text.text) : text;
    if (decoded.ok) return decoded.value;
    const { message, line, col } = decoded.failure;
    const location = {
      file: entry.files.file,
      ...(line === undefined ? {} : { line }),
      ...(col === undefined ? {} : { col }),
    };
    const rawValue = text.ok ? text.text : entry.bytes.toString('utf8');
    throw new ParsingDatastoreEntryError({
      rawKey: entry.files.path,
      rawValue,
      ...location,
      reason: message,
      key,
    });
  }

  encode(key: Key, value: unknown): Buffer {
    const bytes = Buffer.from(encodeValue(key.valueKind(), value), 'utf8');
    if (bytes.length > this.#maxValueBytes) {
      throw new ValidationError(
        [
          {
            name: 'value',
            value: `${bytes.length} bytes of YAML`,
            reason: `over the limit of ${this.#maxValueBytes} bytes (maxValueBytes)`,
          },
        ],
        key,
      );
    }
    return bytes;
  }

  /**
   * Writes a key's value file and its sidecar. The caller holds the key's lock and passes what
   * the key's files held when it looked (`current`: undefined when it has no value file), and
   * the guard of its lock. Temp files are written and fsynced first; then, with no `await` in
   * between, the guard and the renames that commit: a write whose lock was lost meanwhile
   * discards its temp files and changes nothing.
   */
  async write(
    files: KeyFiles,
    bytes: Buffer,
    sidecar: Sidecar,
    current: StoredEntry | undefined,
    guard: CommitGuard,
  ): Promise<void> {
    this.#makeDir(files.parent);
    // Alone, a write is quickest in synchronous calls; beside others, through the thread pool.
    const sync = this.#writing === 0;
    this.#writing++;
    try {
      reachedStep('locked', files.file);
      const sidecarBytes = Buffer.from(encodeSidecar(sidecar));
      if (current === undefined) await this.#create(files, bytes, sidecarBytes, guard, sync);
      else await this.#replace(files, bytes, sidecarBytes, current, guard, sync);
    } finally {
      this.#writing--;
    }
  }

  /**
   * A key without a value file: the value's temp file and, while it is fsynced, the sidecar as
   * a new file written in place (no reader looks at a sidecar whose value file does not exist,
   * and creating a file where there is none undoes nobody's write). At commit, after the guard:
   * the sidecar replaces a leftover one if there was one, and the value's rename. A reader sees
   * no key or the whole key; a crash between the two leaves a hidden file no reader uses.
   */
  async #create(
    files: KeyFiles,
    bytes: Buffer,
    sidecarBytes: Buffer,
    guard: CommitGuard,
    sync: boolean,
  ): Promise<void> {
    const value = prepareTemp(this.fs, files.file, bytes, { fsync: this.#fsync, sync });
    value.catch(() => undefined); // handled below; this only keeps it from counting as unhandled meanwhile
    let created = false;
    try {
      created = await createNewFile(this.fs, files.sidecar, sidecarBytes, { sync });
      const ready = await value;
      reachedStep('commit', files.file);
      guard();
      if (!created) writeNewFileSync(this.fs, files.sidecar, sidecarBytes);
      created = true;
      ready.commitSync();
    } catch (err) {
      await (await value.catch(() => undefined))?.discard();
      // Ours to remove only while the lock is still ours: if it was lost, the name may hold
      // the sidecar of another process's create by now.
      if (created && this.#stillHeld(guard)) this.#unlinkQuietly(files.sidecar);
      throw err;
    }
  }

  /**
   * A key with a value file: both temp files (the sidecar's written while the value's is being
   * fsynced), then the sidecar's rename and the value's. The value's rename is the one step at
   * which the write lands: until then the new sidecar records the key's state before the write
   * and readers go by it (revision.ts), so a failure or a crash between the two changes nothing
   * a reader sees. A write of the bytes the file already holds renames only the sidecar.
   */
  async #replace(
    files: KeyFiles,
    bytes: Buffer,
    sidecarBytes: Buffer,
    current: StoredEntry,
    guard: CommitGuard,
    sync: boolean,
  ): Promise<void> {
    const options = { fsync: this.#fsync, sync, mode: current.mode };
    const value = current.bytes.equals(bytes)
      ? undefined
      : prepareTemp(this.fs, files.file, bytes, options);
    value?.catch(() => undefined); // handled below; this only keeps it from counting as unhandled meanwhile
    let side: PreparedTemp | undefined;
    try {
      side = await prepareTemp(this.fs, files.sidecar, sidecarBytes, { fsync: false, sync });
      const ready = await value;
      reachedStep('commit', files.file);
      guard();
      side.commitSync();
      ready?.commitSync();
    } catch (err) {
      await Promise.all([side?.discard(), (await value?.catch(() => undefined))?.discard()]);
      throw err;
    }
  }

  /**
   * Removes the value of `path` and every key below it; says what existed. With no `await`
   * between the guard and the last step: the directory below moved aside in one rename (so no
   * reader sees half a subtree), then the value file unlinked (the step at which the key is
   * gone), then its sidecar (a sidecar without its value file is read by nobody). A failure
   * before the value file is gone puts the directory back and changes nothing; one after it is
   * not a failure. The moved-aside directory is removed afterwards, as best it can be.
   */
  async removeTree(path: string, guard: CommitGuard): Promise<{ file: boolean; dir: boolean }> {
    const files = this.keyFiles(path);
    this.#assertInside(files.parent);
    const trash = join(files.parent, `${INTERNAL_PREFIX}trash-${uniqueId()}`);
    reachedStep('commit', files.file);
    guard();
    const dir = this.#renameIfPresent(files.dir, trash);
    let file: boolean;
    try {
      file = this.#unlinkIfPresent(files.file);
    } catch (err) {
      if (dir) this.#putBack(trash, files.dir, err);
      throw err;
    }
    this.#unlinkQuietly(files.sidecar);
    if (dir)
      await this.fs.promises.rm(trash, { recursive: true, force: true }).catch(() => undefined);
    return { file, dir };
  }

  /**
   * Removes the directory of `path` if it holds nothing but kvdir's own files (leftovers of
   * writes that crashed: the caller holds the directory's lock alone, so no write is under way
   * in it); says if it did. Only the names it listed are removed, and the directory itself
   * only once empty.
   */
  async removeDirIfEmpty(path: string, guard: CommitGuard): Promise<boolean> {
    const dir = dirForPath(this.root, path);
    let entries: DirentLike[];
    try {
      entries = await readDir(this.fs, dir);
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
    const names = entries.map(direntName);
    if (!names.every(isInternalName)) return false;
    guard();
    for (const [index, entry] of entries.entries()) {
      // Removed trees are never written to again: they may go later, and take their time.
      if (!entry.isDirectory()) this.#unlinkIfPresent(join(dir, names[index] as string));
    }
    const trees = names.filter((_, index) => entries[index]?.isDirectory() === true);
    await Promise.all(
      trees.map((name) => this.fs.promises.rm(join(dir, name), { recursive: true, force: true })),
    );
    guard();
    return this.#rmdirIfEmpty(dir);
  }

  async dirExists(path: string): Promise<boolean> {
    const stats = await this.fs.promises.lstat(dirForPath(this.root, path)).catch(absentIfMissing);
    return stats?.isDirectory() ?? false;
  }

  walk(prefix: string): Promise<WalkResult> {
    return walkPrefix(this.fs, this.root, prefix);
  }

  /** Like `walk`, one file at a time: for walks of trees too large to hold as a list. */
  visit(prefix: string, visitor: WalkVisitor): Promise<boolean> {
    return visitPrefix(this.fs, this.root, prefix, visitor);
  }

  async makeRoot(): Promise<void> {
    await this.fs.promises.mkdir(this.root, { recursive: true });
  }

  #stillHeld(guard: CommitGuard): boolean {
    try {
      guard();
      return true;
    } catch {
      return false;
    }
  }

  /** Renames `from` to `to`; false when `from` does not exist. */
  #renameIfPresent(from: string, to: string): boolean {
    try {
      this.fs.renameSync(from, to);
      return true;
    } catch (err) {
      return falseIfMissing(err);
    }
  }

  #unlinkIfPresent(path: string): boolean {
    try {
      this.fs.unlinkSync(path);
      return true;
    } catch (err) {
      return falseIfMissing(err);
    }
  }

  #unlinkQuietly(path: string): void {
    try {
      this.fs.unlinkSync(path);
    } catch {
      // A sidecar without its value file is read by nobody, and the next create replaces it.
    }
  }

  /** Undoes a subtree's move aside after a failed delete; if even that fails, says so. */
  #putBack(trash: string, dir: string, cause: unknown): void {
    try {
      this.fs.renameSync(trash, dir);
    } catch (err) {
      throw new DatastoreError(
        `the keys below ${dir} were removed (left in ${trash}), but not the key itself: ` +
          `${(cause as Error).message}; putting them back failed: ${(err as Error).message}`,
        { code: 'ERR_WRITE_LANDED', cause },
      );
    }
  }

  /** rmdir of an empty directory; false when it is not empty (or gone). */
  #rmdirIfEmpty(dir: string): boolean {
    try {
      this.fs.rmdirSync(dir);
      return true;
    } catch (err) {
      if (isNotEmpty(err) || isMissing(err)) return false;
      throw err;
    }
  }

  /**
   * The stats of a value file that is safe to read, or undefined when it is missing. Refuses a
   * symbolic link (the file or any directory on the way), anything but a regular file (a FIFO
   * would block the read forever) and a file over the size limit.
   */
  #statValueFile(files: KeyFiles): StatsLike | undefined {
    const stats = this.#lstatOrUndefined(files.file);
    if (stats === undefined) return undefined;
    if (stats.isSymbolicLink()) throw symlinkError(files.file);
    this.#assertInside(files.parent);
    if (!stats.isFile())
      throw new DatastoreError(`not a regular file: ${files.file}`, { code: 'ERR_NOT_A_FILE' });
    if (Number(stats.size) > this.#maxValueBytes)
      throw tooLarge(files.file, Number(stats.size), this.#maxValueBytes);
    return stats;
  }

  /** Creates `dir` and its parents (the root too), after checking that no link leads out. */
  #makeDir(dir: string): void {
    if (this.#assertInside(dir)) return;
    this.fs.mkdirSync(dir, { recursive: true });
  }

  /**
   * Throws unless the deepest existing directory from the root to `dir` is reached without
   * symbolic links; says whether `dir` itself exists.
   */
  #assertInside(dir: string): boolean {
    const rootReal = this.#rootRealPath();
    for (let current = dir; current.length >= this.root.length; current = dirname(current)) {
      const real = this.#realpathOrUndefined(current);
      if (real !== undefined) {
        if (real === join(rootReal, relative(this.root, current))) return current === dir;
        // A root that is a link may have been pointed elsewhere (git-sync style): look again.
        if (this.#reresolveRoot()) return this.#assertInside(dir);
        throw symlinkError(current);
      }
    }
    return false;
  }

  /** Resolves the root's real path again; says whether it changed. */
  #reresolveRoot(): boolean {
    const real = this.#realpathOrUndefined(this.root);
    if (real === undefined || real === this.#rootReal) return false;
    this.#rootReal = real;
    return true;
  }

  #rootRealPath(): string {
    if (this.#rootReal === undefined) {
      const real = this.#realpathOrUndefined(this.root);
      if (real === undefined) return this.root;
      this.#rootReal = real;
    }
    return this.#rootReal;
  }

  #lstatOrUndefined(path: string): StatsLike | undefined {
    try {
      // Says "missing" without building an error (an fs that ignores the option throws ENOENT instead).
      return this.fs.lstatSync(path, { throwIfNoEntry: false });
    } catch (err) {
      return absentIfMissing(err);
    }
  }

  #realpathOrUndefined(path: string): string | undefined {
    try {
      return String(this.fs.realpathSync(path));
    } catch (err) {
      return absentIfMissing(err);
    }
  }

  #readOrUndefined(path: string): Buffer | undefined {
    try {
      return readBytesSync(this.fs, path);
    } catch (err) {
      return absentIfMissing(err);
    }
  }
}

function tooLarge(file: string, size: number, max: number): DatastoreError {
  return new DatastoreError(
    `${file} is ${size} bytes, over the limit of ${max} bytes (maxValueBytes)`,
    { code: 'ERR_TOO_LARGE' },
  );
}

function symlinkError(path: string): DatastoreError {
  return new DatastoreError(`refusing to follow a symbolic link: ${path}`, { code: 'ERR_SYMLINK' });
}

function absentIfMissing(err: unknown): undefined {
  if (isMissing(err)) return undefined;
  throw err;
}

function falseIfMissing(err: unknown): false {
  if (isMissing(err)) return false;
  throw err;
}

function modeOf(stats: StatsLike | undefined): number | undefined {
  return stats === undefined ? undefined : Number(stats.mode) & 0o7777;
}
