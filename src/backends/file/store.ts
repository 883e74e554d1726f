/**
 * The tree of value files under one root, read and changed safely: reads that refuse to
 * follow symbolic links, decoding with errors that name the file, atomic writes, subtree
 * removal. `FileBackend` adds Client semantics and locks on top; the syncer reads through it.
 */
import { dirname, join, relative, resolve, sep } from 'node:path';
import { DatastoreError, ParsingDatastoreEntryError, ValidationError } from '../../model/errors.js';
import type { Key } from '../../model/key.js';
import type { ValueTypeName } from '../../model/value-schemas.js';
import type { Clock } from '../../core/clock.js';
import type { PreparedTemp } from './atomic-write.js';
import { createNewFile, prepareTemp, writeNewFileSync } from './atomic-write.js';
import type { DecodeFailure } from './yaml-codec.js';
import { checkValueText, decodeText, decodeValue, encodeValue } from './yaml-codec.js';
import { editYamlText, textForValue } from './yaml-edit.js';
import { caseConflict, probeCaseInsensitive } from './case-fold.js';
import { falseIfMissing, isMissing, isNotEmpty, undefinedIfMissing } from './errno.js';
import type { DirentLike, FsLike, ReadHow, RegularFile, StatsLike } from './fs-like.js';
import {
  direntName,
  lstatOrMissing,
  openedDirPath,
  readDir,
  readRegularFile,
  symlinkError,
} from './fs-like.js';
import type { KeyFiles } from './layout.js';
import {
  INTERNAL_PREFIX,
  VALUE_SUFFIX,
  decodeSegment,
  dirForPath,
  isInternalName,
  isValueFileName,
  keyFiles,
  sidecarName,
} from './layout.js';
import type { Sidecar } from './revision.js';
import {
  decodeSidecar,
  effectiveSidecar,
  encodeSidecar,
  expiryOf,
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
  /** The stats of the value file and of the sidecar the bytes were read from (fstat). */
  stats: StatsLike;
  sidecarStats: StatsLike | undefined;
}

/** How `readSync` reads: `lstatFirst: false` when the caller has no use for it (see ReadHow). */
export interface EntryRead {
  lstatFirst: boolean;
}

/** A sidecar is a line of JSON under 100 bytes: anything far larger is not one kvdir wrote. */
const SIDECAR_READ: ReadHow = {
  limit: { bytes: 4096, name: 'the size of a revision sidecar' },
  lstatFirst: false,
  locate: false,
};

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
  readonly #valueLimit: { bytes: number; name: string };
  /** Writes under way (each under its own key's lock). */
  #writing = 0;
  #rootReal: string | undefined;
  /** The real root `#fdPathsMatch` was found for. */
  #fdPathsCheckedFor: string | undefined;
  #fdPathsMatch = false;
  /** Whether the file system of the real root `#caseCheckedFor` ignores case. */
  #caseCheckedFor: string | undefined;
  #caseInsensitive = false;

  constructor(options: StoreOptions) {
    this.root = resolve(options.root);
    this.fs = options.fs;
    this.clock = options.clock;
    this.#fsync = options.fsync;
    this.#maxValueBytes = options.maxValueBytes;
    this.#valueLimit = { bytes: options.maxValueBytes, name: 'maxValueBytes' };
  }

  get maxValueBytes(): number {
    return this.#maxValueBytes;
  }

  keyFiles(path: string): KeyFiles {
    return keyFiles(this.root, path);
  }

  /**
   * The entry of a key path, or undefined when it has no value file. Never writes. One short
   * synchronous section (see fs-like.ts). The sidecar is read the same safe way: a FIFO, a link
   * or an oversized file in its place makes the key unreadable (as it would the value), never a
   * hang or a read through it.
   */
  async read(files: KeyFiles): Promise<StoredEntry | undefined> {
    return this.readSync(files);
  }

  /** `read`, for loops over many keys that need no promise per key (list, the syncer's walk). */
  readSync(files: KeyFiles, how: EntryRead = { lstatFirst: true }): StoredEntry | undefined {
    const value = this.readFileInside(files.file, files.parent, this.#valueLimit, how.lstatFirst);
    if (value === undefined) return undefined;
    const { bytes } = value;
    // The sidecar is read as safely (no link at its name, no FIFO, at most 4 KiB), from the
    // directory the value file was just found inside; it is not located again (a syscall per
    // read): a directory swapped in the microseconds between the two opens could only hand
    // over another small regular file, read as a revision and ignored unless it is a sidecar.
    const side = readRegularFile(this.fs, files.sidecar, SIDECAR_READ);
    const written = side === undefined ? undefined : decodeSidecar(side.bytes.toString('utf8'));
    const print = fingerprint(bytes);
    const sidecar = effectiveSidecar(written, print);
    return {
      files,
      bytes,
      sidecar,
      written,
      fingerprint: print,
      revision: revisionOf(sidecar, print),
      mode: modeOf(value.stats),
      stats: value.stats,
      sidecarStats: side?.stats,
    };
  }

  /**
   * A file of the tree in directory `dir`, read the one safe way (`readRegularFile`), then
   * checked to be where its path says: the kernel's path of the opened file is compared with
   * the expected one, which also catches a directory on the way swapped for a link between a
   * check and the open; where that cannot be told, the directories on the way are checked.
   */
  readFileInside(
    file: string,
    dir: string,
    limit: { bytes: number; name: string },
    lstatFirst = true,
  ): RegularFile | undefined {
    const found = readRegularFile(this.fs, file, { limit, lstatFirst, locate: true });
    if (found === undefined) return undefined;
    const at = found.openedAt;
    if (at !== undefined && this.#fdPathsAgree()) {
      if (at === join(this.#rootRealPath(), relative(this.root, file))) return found;
      // Elsewhere: a link on the way, or the file renamed since it was opened (then the
      // directories still check out, and the file must still be inside the root).
      this.#assertInside(dir);
      if (!isInside(at, this.#rootRealPath())) throw symlinkError(file);
      return found;
    }
    this.#assertInside(dir);
    return found;
  }

  /**
   * Whether a value file a walk found holds a key that has not expired, from its sidecar
   * alone: a listing of keys reads no value. A file without a sidecar never expires.
   */
  isLiveByName(files: KeyFiles): boolean {
    return !isExpired(this.#readSidecar(files.sidecar), this.clock.now());
  }

  #readSidecar(file: string): Sidecar | undefined {
    const side = readRegularFile(this.fs, file, SIDECAR_READ);
    return side === undefined ? undefined : decodeSidecar(side.bytes.toString('utf8'));
  }

  isLive(entry: StoredEntry | undefined): entry is StoredEntry {
    return entry !== undefined && !isExpired(entry.sidecar, this.clock.now());
  }

  /** Milliseconds left before the entry expires, or undefined without a TTL. */
  ttlLeft(entry: StoredEntry): number | undefined {
    const expiry = expiryOf(entry.sidecar);
    return expiry === undefined ? undefined : Math.max(0, expiry - this.clock.now());
  }

  /**
   * The entry's value decoded for `key` (and checked against its value type, with Go's rules
   * for reads); throws ParsingDatastoreEntryError naming the file, line and column.
   */
  decode(key: Key, entry: StoredEntry): unknown {
    const text = decodeText(entry.bytes);
    const decoded = text.ok ? decodeValue(key.valueKind(), text.text, valueTypeOf(key)) : text;
    if (decoded.ok) return decoded.value;
    const rawValue = text.ok ? text.text : entry.bytes.toString('utf8');
    throw parseError(key, entry, decoded.failure, rawValue);
  }

  /** Every problem of the entry for `kvdir check`: what a write of its value would refuse. */
  check(key: Key, entry: StoredEntry): DecodeFailure[] {
    const text = decodeText(entry.bytes);
    if (!text.ok) return [text.failure];
    return checkValueText(key.valueKind(), text.text, valueTypeOf(key));
  }

  /** The entry's text, whether or not it parses; ParsingDatastoreEntryError when it is no text. */
  text(key: Key, entry: StoredEntry): string {
    const text = decodeText(entry.bytes);
    if (text.ok) return text.text;
    throw parseError(key, entry, text.failure, entry.bytes.toString('utf8'));
  }

  /** The value as kvdir writes a new file: plain YAML, the same style every time. */
  encode(key: Key, value: unknown): Buffer {
    return this.#withinLimit(key, Buffer.from(encodeValue(key.valueKind(), value), 'utf8'));
  }

  /**
   * The bytes that make a value file that holds `current` hold `value`: its text edited where
   * the value changed (yaml-edit.ts), so that comments and layout stay; `current` itself when it
   * already holds the value; `fresh()` (encode's bytes) when the text cannot be edited, made
   * only then: an edit needs no fresh text.
   */
  encodeOnto(key: Key, value: unknown, current: Buffer, fresh: () => Buffer): Buffer {
    const text = decodeText(current);
    if (!text.ok) return fresh();
    const edited = editYamlText(text.text, value, key.valueKind());
    if (edited === undefined) return fresh();
    return edited === text.text ? current : this.#withinLimit(key, Buffer.from(edited, 'utf8'));
  }

  /**
   * The caller's own YAML `text` for `value` as the bytes to write (a final line break added);
   * ValidationError when it does not read back as exactly `value`.
   */
  encodeText(key: Key, value: unknown, text: string): Buffer {
    const kept = textForValue(text, value, key.valueKind());
    if (kept !== undefined) return this.#withinLimit(key, Buffer.from(kept, 'utf8'));
    this.encode(key, value); // a value that cannot be stored at all is reported as such
    const bytes = Buffer.from(text, 'utf8');
    const read = decodeText(bytes);
    const reason = read.ok ? 'it does not read back as exactly the value' : read.failure.message;
    throw new ValidationError(
      [{ name: 'text', value: `${bytes.length} bytes of YAML`, reason }],
      key,
    );
  }

  #withinLimit(key: Key, bytes: Buffer): Buffer {
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
  async removeTree(
    path: string,
    guard: CommitGuard,
  ): Promise<{ file: boolean; dir: boolean; keys: string[] }> {
    const files = this.keyFiles(path);
    this.#assertInside(files.parent);
    const trash = join(files.parent, `${INTERNAL_PREFIX}trash-${uniqueId()}`);
    const live = this.#liveSidecarAt(files.sidecar);
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
    // The keys removed, counted from what was removed (a write racing the delete cannot make
    // the count wrong): the value file if it had not expired, and each live one moved aside.
    const keys = file && live ? [path] : [];
    if (dir) {
      await this.#collectKeys(trash, path, keys);
      await this.fs.promises.rm(trash, { recursive: true, force: true }).catch(() => undefined);
    }
    return { file, dir, keys };
  }

  /** False for a sidecar that says its key expired; true otherwise (none, unreadable, no TTL). */
  #liveSidecarAt(file: string): boolean {
    try {
      return !isExpired(this.#readSidecar(file), this.clock.now());
    } catch {
      return true;
    }
  }

  /**
   * Adds to `keys` the key path of each live value file in `dir`, a directory moved aside that
   * stood for `path`. A directory that cannot be read is left to the removal to report.
   */
  async #collectKeys(dir: string, path: string, keys: string[]): Promise<void> {
    const entries = await readDir(this.fs, dir).catch(() => []);
    const names = new Set(entries.map(direntName));
    for (const entry of entries) {
      const name = direntName(entry);
      if (entry.isDirectory()) {
        const segment = decodeSegment(name);
        if (segment !== undefined)
          await this.#collectKeys(join(dir, name), `${path}/${segment}`, keys);
      } else if (entry.isFile() && isValueFileName(name)) {
        const segment = decodeSegment(name.slice(0, -VALUE_SUFFIX.length));
        const sidecar = sidecarName(name);
        // Only a sidecar that is there is read: a tree from git has none.
        const live = !names.has(sidecar) || this.#liveSidecarAt(join(dir, sidecar));
        if (segment !== undefined && live) keys.push(`${path}/${segment}`);
      }
    }
  }

  /**
   * Where the root's file system ignores case (macOS, Windows; probed once per root, `assumed`
   * overrides the probe for tests), refuses `key` when a file or directory of `paths` exists
   * spelled in another case (`/apps/web` beside `apps/Web.yaml`): it would be that one.
   */
  async refuseCaseConflict(key: Key, paths: readonly string[], assumed?: boolean): Promise<void> {
    if (!(assumed ?? this.#ignoresCase())) return;
    for (const path of paths) {
      const twin = await caseConflict(this.fs, this.root, path);
      if (twin === undefined) continue;
      const reason = `the root's file system ignores case: ${twin} is there, spelled differently, and would be used instead`;
      throw new ValidationError([{ name: 'path', value: key.defaultPath(), reason }], key);
    }
  }

  #ignoresCase(): boolean {
    // Asked at every write: once probed, no system call (a root link pointed elsewhere re-probes).
    if (this.#caseCheckedFor !== undefined && this.#caseCheckedFor === this.#rootReal)
      return this.#caseInsensitive;
    if (!this.rootExists()) return false; // nothing stored yet, nothing to collide with
    const real = this.#rootRealPath();
    if (this.#caseCheckedFor !== real) {
      try {
        this.#caseInsensitive = probeCaseInsensitive(this.fs, this.root);
      } catch {
        return false; // a root kvdir cannot write in: the write itself will say so
      }
      this.#caseCheckedFor = real;
    }
    return this.#caseInsensitive;
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
    const stats = await this.fs.promises
      .lstat(dirForPath(this.root, path))
      .catch(undefinedIfMissing);
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
    this.rootExists();
    await this.fs.promises.mkdir(this.root, { recursive: true });
  }

  /**
   * Whether the root directory exists (the root may be a link to one). A root that is there
   * but is not a directory (a mistyped `--root` naming a file) throws: it must not read as an
   * empty tree, nor be written into. One lstat: cheap enough for every write.
   */
  rootExists(): boolean {
    let stats = lstatOrMissing(this.fs, this.root);
    if (stats?.isSymbolicLink() === true) {
      const real = this.#realpathOrUndefined(this.root);
      stats = real === undefined ? undefined : lstatOrMissing(this.fs, real);
    }
    if (stats === undefined) return false;
    if (stats.isDirectory()) return true;
    throw new DatastoreError(`the root is not a directory: ${this.root}`);
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

  /**
   * Whether the kernel's paths of open files read as this store's real paths (they do, unless
   * a mount namespace or an odd file system makes them differ): asked once per real root.
   */
  #fdPathsAgree(): boolean {
    const rootReal = this.#rootRealPath();
    if (this.#fdPathsCheckedFor !== rootReal) {
      const opened = openedDirPath(this.root);
      if (opened === undefined) return false;
      this.#fdPathsCheckedFor = rootReal;
      this.#fdPathsMatch = opened === rootReal;
    }
    return this.#fdPathsMatch;
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
  #realpathOrUndefined(path: string): string | undefined {
    try {
      return String(this.fs.realpathSync(path));
    } catch (err) {
      return undefinedIfMissing(err);
    }
  }
}

/** True when `path` is `dir` or below it. */
function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);
}

function valueTypeOf(key: Key): ValueTypeName | undefined {
  return typeof key.valueType === 'function' ? key.valueType() : undefined;
}

function parseError(
  key: Key,
  entry: StoredEntry,
  { message, line, col }: DecodeFailure,
  rawValue: string,
): ParsingDatastoreEntryError {
  return new ParsingDatastoreEntryError({
    rawKey: entry.files.path,
    rawValue,
    file: entry.files.file,
    ...(line === undefined ? {} : { line }),
    ...(col === undefined ? {} : { col }),
    reason: message,
    key,
  });
}

function modeOf(stats: StatsLike | undefined): number | undefined {
  return stats === undefined ? undefined : Number(stats.mode) & 0o7777;
}
