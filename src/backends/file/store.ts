/**
 * The tree of value files under one root, read and changed safely: reads that refuse to
 * follow symbolic links, decoding with errors that name the file, atomic writes, subtree
 * removal. `FileBackend` adds Client semantics and locks on top; the syncer reads through it.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { DatastoreError, ParsingDatastoreEntryError, ValidationError } from '../../model/errors.js';
import type { Key } from '../../model/key.js';
import type { ValueTypeName } from '../../model/value-schemas.js';
import type { Clock } from '../../core/clock.js';
import type { PreparedTemp } from './atomic-write.js';
import { prepareTemp, writeFileAtomic, writeNewFile } from './atomic-write.js';
import type { DecodeFailure } from './yaml-codec.js';
import { checkValueText, decodeText, decodeValue, encodeValue } from './yaml-codec.js';
import { isMissing, isNotEmpty } from './errno.js';
import type { FsLike, StatsLike } from './fs-like.js';
import { direntName, readBytesSync, readDir } from './fs-like.js';
import type { KeyFiles } from './layout.js';
import { INTERNAL_PREFIX, dirForPath, isInternalName, keyFiles } from './layout.js';
import type { Sidecar } from './revision.js';
import { decodeSidecar, encodeSidecar, fingerprint, isExpired, revisionOf } from './revision.js';
import { visitPrefix, walkPrefix } from './tree-walk.js';
import { uniqueId } from './unique-id.js';
import type { WalkResult, WalkVisitor } from './tree-walk.js';

/** What one value file holds right now. */
export interface StoredEntry {
  files: KeyFiles;
  bytes: Buffer;
  sidecar: Sidecar | undefined;
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
    const sidecar =
      sidecarBytes === undefined ? undefined : decodeSidecar(sidecarBytes.toString('utf8'));
    const print = fingerprint(bytes);
    return {
      files,
      bytes,
      sidecar,
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

  /**
   * The entry's value decoded for `key` (and checked against its value type, with Go's rules
   * for reads); throws ParsingDatastoreEntryError naming the file, line and column.
   */
  decode(key: Key, entry: StoredEntry): unknown {
    const text = decodeText(entry.bytes);
    const decoded = text.ok ? decodeValue(key.valueKind(), text.text, valueTypeOf(key)) : text;
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

  /** Every problem of the entry for `kvdir check`: what a write of its value would refuse. */
  check(key: Key, entry: StoredEntry): DecodeFailure[] {
    const text = decodeText(entry.bytes);
    if (!text.ok) return [text.failure];
    return checkValueText(key.valueKind(), text.text, valueTypeOf(key));
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
   * Writes a key's value file and its sidecar. The caller holds the key's lock and says whether
   * the key has a value file now (`mode` is its mode; undefined when it has none).
   */
  async write(
    files: KeyFiles,
    bytes: Buffer,
    sidecar: Sidecar,
    mode: number | undefined,
  ): Promise<void> {
    this.#makeDir(files.parent);
    // Alone, a write is quickest in synchronous calls; beside others, through the thread pool.
    const sync = this.#writing === 0;
    this.#writing++;
    try {
      const sidecarBytes = Buffer.from(encodeSidecar(sidecar));
      if (mode === undefined) await this.#create(files, bytes, sidecarBytes, sync);
      else await this.#replace(files, bytes, sidecarBytes, mode, sync);
    } finally {
      this.#writing--;
    }
  }

  /**
   * A key without a value file: the sidecar first, as a new file written in place (no reader
   * looks at a sidecar whose value file does not exist), then the value file, atomically. A
   * reader sees no key or the whole key; a crash between the two leaves a hidden file no
   * reader uses.
   */
  async #create(
    files: KeyFiles,
    bytes: Buffer,
    sidecarBytes: Buffer,
    sync: boolean,
  ): Promise<void> {
    await writeNewFile(this.fs, files.sidecar, sidecarBytes, { sync });
    try {
      await writeFileAtomic(this.fs, files.file, bytes, { fsync: this.#fsync, sync });
    } catch (err) {
      await this.fs.promises.unlink(files.sidecar).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Replaces the value file, then its sidecar, in that order, so a crash between the two
   * leaves a sidecar behind its file (read as an outside edit), never ahead of it. The sidecar's
   * temp file is written while the value's is being fsynced.
   */
  async #replace(
    files: KeyFiles,
    bytes: Buffer,
    sidecarBytes: Buffer,
    mode: number,
    sync: boolean,
  ): Promise<void> {
    const value = prepareTemp(this.fs, files.file, bytes, { fsync: this.#fsync, sync, mode });
    value.catch(() => undefined); // handled below; this only keeps it from counting as unhandled meanwhile
    let side: PreparedTemp;
    try {
      side = await prepareTemp(this.fs, files.sidecar, sidecarBytes, { fsync: false, sync });
    } catch (err) {
      await (await value.catch(() => undefined))?.discard();
      throw err;
    }
    try {
      await (await value).commit();
    } catch (err) {
      await side.discard();
      throw err;
    }
    await side.commit();
  }

  /**
   * Removes the value of `path` and every key below it: the value file and its sidecar, then
   * the directory, moved aside in one rename so no reader sees half a subtree. Says what existed.
   */
  async removeTree(path: string): Promise<{ file: boolean; dir: boolean }> {
    const files = this.keyFiles(path);
    this.#assertInside(files.parent);
    const file = await this.fs.promises.unlink(files.file).then(() => true, falseIfMissing);
    await this.fs.promises.unlink(files.sidecar).catch(falseIfMissing);
    const trash = join(files.parent, `${INTERNAL_PREFIX}trash-${uniqueId()}`);
    const dir = await this.fs.promises.rename(files.dir, trash).then(() => true, falseIfMissing);
    if (dir) await this.fs.promises.rm(trash, { recursive: true, force: true });
    return { file, dir };
  }

  /** Removes the directory of `path` if it holds nothing but kvdir's own files; says if it did. */
  async removeDirIfEmpty(path: string): Promise<boolean> {
    const dir = dirForPath(this.root, path);
    let names: string[];
    try {
      names = (await readDir(this.fs, dir)).map(direntName);
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
    if (!names.every(isInternalName)) return false;
    await Promise.all(
      names.map((name) => this.fs.promises.rm(join(dir, name), { recursive: true, force: true })),
    );
    return this.fs.promises.rmdir(dir).then(
      () => true,
      (err: unknown) => (isNotEmpty(err) || isMissing(err) ? false : Promise.reject(err)),
    );
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

function valueTypeOf(key: Key): ValueTypeName | undefined {
  return typeof key.valueType === 'function' ? key.valueType() : undefined;
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
