/**
 * The file-system port. `FileBackend` touches the disk only through this small subset of
 * Node's `fs`, so a memfs volume (`memfs().fs`) can stand in for the real thing.
 *
 * The hot paths (one key's read, write and lock) use the synchronous calls: on a local disk
 * each takes microseconds, against tens of microseconds for a trip through libuv's thread
 * pool. fsync, the one slow call, stays asynchronous so concurrent writers overlap their
 * flushes. Walks and recursive removal use the promise API.
 */
import nodeFs from 'node:fs';
import { DatastoreError } from '../../model/errors.js';
import { errnoCode, isLinkRefused, isMissing, undefinedIfMissing } from './errno.js';

export interface StatsLike {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  size: number | bigint;
  mtimeMs: number | bigint;
  ctimeMs: number | bigint;
  birthtimeMs?: number | bigint;
  ino: number | bigint;
  mode: number | bigint;
}

export interface DirentLike {
  name: string | Buffer | Uint8Array;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

export interface FileHandleLike {
  writeFile(data: string | Uint8Array): Promise<unknown>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface FsPromisesLike {
  open(path: string, flags: string, mode?: number): Promise<FileHandleLike>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rm(path: string, options: { recursive: boolean; force: boolean }): Promise<void>;
  rmdir(path: string): Promise<void>;
  mkdir(path: string, options: { recursive: boolean }): Promise<unknown>;
  readdir(path: string, options: { withFileTypes: true; encoding?: 'buffer' }): Promise<unknown[]>;
  stat(path: string): Promise<StatsLike>;
  lstat(path: string): Promise<StatsLike>;
  realpath(path: string): Promise<unknown>;
}

/** Node's `fs` module or a memfs `fs`: anything with these methods. */
export interface FsLike {
  promises: FsPromisesLike;
  /** With `throwIfNoEntry: false`, Node's fs returns undefined for a missing path; others may throw ENOENT. */
  lstatSync(path: string, options?: { throwIfNoEntry: boolean }): StatsLike | undefined;
  realpathSync(path: string): unknown;
  openSync(path: string, flags: string | number, mode?: number): number;
  fstatSync(fd: number): StatsLike;
  readSync(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number | null,
  ): number;
  writeSync(fd: number, data: Uint8Array, offset: number, length: number): number;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  rmdirSync(path: string): void;
  mkdirSync(path: string, options: { recursive: boolean }): unknown;
  readdirSync(path: string, options: { withFileTypes: true; encoding?: 'buffer' }): unknown[];
  fsync(fd: number, callback: (err: Error | null) => void): void;
}

/** Node's fs, with the native realpath (one syscall, not a walk in JavaScript). */
export const nodeFsLike: FsLike = Object.assign(Object.create(nodeFs) as typeof nodeFs, {
  realpathSync: nodeFs.realpathSync.native,
}) as unknown as FsLike;

/** True for Node's own file system, where other processes may share the tree. */
export function isNodeFs(fs: FsLike): boolean {
  return fs === nodeFsLike || fs.promises === (nodeFs.promises as unknown);
}

/** A regular file's bytes, with the stats of the descriptor they were read from. */
export interface RegularFile {
  bytes: Buffer;
  stats: StatsLike;
  /**
   * Where the kernel says the opened file is (`/proc/self/fd`, Node's fs on Linux only), so a
   * caller can tell that no link on the way led elsewhere; undefined where it cannot be told.
   */
  openedAt: string | undefined;
}

/**
 * Open flags of every read in the tree: a link as the last component fails (ELOOP) instead of
 * being followed, and a FIFO opens at once instead of waiting for a writer. Where the platform
 * lacks a flag (Windows) it is 0, and the lstat before the open is what refuses those.
 */
const SAFE_READ_FLAGS =
  nodeFs.constants.O_RDONLY |
  (nodeFs.constants.O_NOFOLLOW ?? 0) |
  (nodeFs.constants.O_NONBLOCK ?? 0);
const CAN_NOFOLLOW = nodeFs.constants.O_NOFOLLOW !== undefined;

/** How `readRegularFile` goes about one file. */
export interface ReadHow {
  /** Largest size read, and the name of that limit in the error. */
  limit: { bytes: number; name: string };
  /**
   * lstat before opening: says "missing" without building an error (the common case for a
   * key that does not exist yet) and refuses a link or a special file without opening it
   * (opening a device can have effects of its own). Always done where the fs may ignore the
   * open flags (not Node's fs, or no O_NOFOLLOW on this platform).
   */
  lstatFirst: boolean;
  /** Say where the kernel has the opened file (`openedAt`; Node's fs on Linux only). */
  locate: boolean;
}

/**
 * The one way kvdir reads a file of the tree (values, sidecars, files that are not keys):
 * undefined when it is missing; ERR_SYMLINK for a link, ERR_NOT_A_FILE for anything but a
 * regular file (a FIFO would block a read forever, a device never ends), ERR_TOO_LARGE over
 * the limit. Synchronous: one short section, as the store's reads are.
 *
 * The file is opened with SAFE_READ_FLAGS, the descriptor is checked, and the bytes come from
 * that descriptor: a file swapped between an earlier look and the open (a co-writer of the
 * tree, P47) is caught. An lstat first (see ReadHow) decides nothing alone. memfs 4 honours
 * O_NOFOLLOW too (ELOOP), but an fs passed in may not, so any fs but Node's gets the lstat:
 * there no other process sees the volume and no JavaScript runs between the lstat and the
 * open, so the lstat alone is enough (memfs has no FIFOs or devices either).
 */
export function readRegularFile(fs: FsLike, path: string, how: ReadHow): RegularFile | undefined {
  const fd = openRegularFile(fs, path, how);
  if (fd === undefined) return undefined;
  try {
    const stats = fs.fstatSync(fd);
    refuseUnlessRegular(stats, path, how.limit);
    return {
      bytes: readFully(fs, fd, Number(stats.size)),
      stats,
      openedAt: how.locate && isNodeFs(fs) ? openedPath(fd) : undefined,
    };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens a file of the tree the way `readRegularFile` does (its checks before the open, its
 * flags), for a reader that reads it in pieces: the descriptor, or undefined when it is
 * missing. The caller checks the descriptor with fstat (`isRegularFd`) and closes it.
 */
export function openRegularFile(
  fs: FsLike,
  path: string,
  how: Pick<ReadHow, 'limit' | 'lstatFirst'>,
): number | undefined {
  if (how.lstatFirst || !isNodeFs(fs) || !CAN_NOFOLLOW) {
    const seen = lstatOrMissing(fs, path);
    if (seen === undefined) return undefined;
    refuseUnlessRegular(seen, path, how.limit);
  }
  try {
    return fs.openSync(path, SAFE_READ_FLAGS);
  } catch (err) {
    return refusedOpen(err, path);
  }
}

/** The stats of an open descriptor when it is a regular file within `limit`; throws as a read would. */
export function checkRegularFd(
  fs: FsLike,
  fd: number,
  path: string,
  limit: { bytes: number; name: string },
): StatsLike {
  const stats = fs.fstatSync(fd);
  refuseUnlessRegular(stats, path, limit);
  return stats;
}

/**
 * What is at `path` (a link is not followed), or undefined when nothing is; any other failure
 * throws. The one lstat-or-missing of the file backend.
 */
export function lstatOrMissing(fs: FsLike, path: string): StatsLike | undefined {
  try {
    // Says "missing" without building an error (an fs that ignores the option throws ENOENT instead).
    return fs.lstatSync(path, { throwIfNoEntry: false });
  } catch (err) {
    return undefinedIfMissing(err);
  }
}

/**
 * What Node's fs sees at `path` (a link is not followed), or undefined when it sees nothing
 * there, for any reason: watchers and locks judge what they can see, and look again later.
 */
export function lstatSeen(path: string): nodeFs.Stats | undefined {
  try {
    return nodeFs.lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function refuseUnlessRegular(
  stats: StatsLike,
  path: string,
  limit: { bytes: number; name: string },
): void {
  if (stats.isSymbolicLink()) throw symlinkError(path);
  if (!stats.isFile()) throw notAFileError(path);
  if (Number(stats.size) > limit.bytes)
    throw tooLargeError(path, Number(stats.size), limit.bytes, limit.name);
}

/** A failed open: gone since the lstat (undefined), swapped for a link or a socket, or an I/O error. */
function refusedOpen(err: unknown, path: string): undefined {
  if (isMissing(err)) return undefined;
  if (isLinkRefused(err)) throw symlinkError(path);
  // ENXIO: a socket.
  if (errnoCode(err) === 'ENXIO') throw notAFileError(path);
  throw err;
}

/** Reads `size` bytes from the start, fewer if the file shrank since its fstat. */
function readFully(fs: FsLike, fd: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const read = fs.readSync(fd, buffer, filled, size - filled, filled);
    if (read === 0) break;
    filled += read;
  }
  return filled === size ? buffer : buffer.subarray(0, filled);
}

/** False once /proc/self/fd turned out not to work here (not Linux, or /proc not mounted). */
let procFdWorks = process.platform === 'linux';

/** The path of an open descriptor as the kernel has it, with a `(deleted)` mark removed. */
function openedPath(fd: number): string | undefined {
  if (!procFdWorks) return undefined;
  try {
    const path = nodeFs.readlinkSync(`/proc/self/fd/${fd}`);
    return path.endsWith(DELETED_MARK) ? path.slice(0, -DELETED_MARK.length) : path;
  } catch {
    procFdWorks = false;
    return undefined;
  }
}

/** What Linux appends to the path of an open file that was unlinked (a value replaced meanwhile). */
const DELETED_MARK = ' (deleted)';

/** Where the kernel has a directory (links on the way followed): what `openedPath` compares with. */
export function openedDirPath(path: string): string | undefined {
  if (!procFdWorks) return undefined;
  let fd: number;
  try {
    fd = nodeFs.openSync(path, nodeFs.constants.O_RDONLY | nodeFs.constants.O_DIRECTORY);
  } catch {
    return undefined;
  }
  try {
    return openedPath(fd);
  } finally {
    nodeFs.closeSync(fd);
  }
}

export function symlinkError(path: string): DatastoreError {
  return new DatastoreError(`refusing to follow a symbolic link: ${path}`, { code: 'ERR_SYMLINK' });
}

export function notAFileError(path: string): DatastoreError {
  return new DatastoreError(`not a regular file: ${path}`, { code: 'ERR_NOT_A_FILE' });
}

export function tooLargeError(
  path: string,
  size: number,
  max: number,
  limitName: string,
): DatastoreError {
  return new DatastoreError(
    `${path} is ${size} bytes, over the limit of ${max} bytes (${limitName})`,
    { code: 'ERR_TOO_LARGE' },
  );
}

export function fsyncFd(fs: FsLike, fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
}

export async function readDir(fs: FsLike, path: string): Promise<DirentLike[]> {
  return (await fs.promises.readdir(path, { withFileTypes: true })) as DirentLike[];
}

/**
 * A directory's entries, synchronously: walks read one directory after another, and
 * `readdirSync` costs 10-16 µs a directory where an awaited `fs.promises.readdir` costs 39-65 µs
 * (the deep layout has two directories per key; issue 19).
 */
export function readDirSync(fs: FsLike, path: string): DirentLike[] {
  return fs.readdirSync(path, { withFileTypes: true }) as DirentLike[];
}

/** `readDirSync` with the names as the bytes on disk (Node's fs; memfs names are strings). */
export function readDirBytesSync(fs: FsLike, path: string): DirentLike[] {
  return fs.readdirSync(path, { withFileTypes: true, encoding: 'buffer' }) as DirentLike[];
}

/** A directory's entries with their names as the bytes on disk (Node's fs; memfs names are strings). */
export async function readDirBytes(fs: FsLike, path: string): Promise<DirentLike[]> {
  return (await fs.promises.readdir(path, {
    withFileTypes: true,
    encoding: 'buffer',
  })) as DirentLike[];
}

export function direntName(entry: DirentLike): string {
  return typeof entry.name === 'string' ? entry.name : Buffer.from(entry.name).toString('utf8');
}

export async function realPath(fs: FsLike, path: string): Promise<string> {
  return String(await fs.promises.realpath(path));
}

/** The errno code of a Node-style error, or undefined. */
