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
  readFile(path: string): Promise<unknown>;
  open(path: string, flags: string, mode?: number): Promise<FileHandleLike>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rm(path: string, options: { recursive: boolean; force: boolean }): Promise<void>;
  rmdir(path: string): Promise<void>;
  mkdir(path: string, options: { recursive: boolean }): Promise<unknown>;
  readdir(path: string, options: { withFileTypes: true }): Promise<unknown[]>;
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
  readFileSync(path: string): unknown;
  openSync(path: string, flags: string, mode?: number): number;
  writeSync(fd: number, data: Uint8Array, offset: number, length: number): number;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  rmdirSync(path: string): void;
  mkdirSync(path: string, options: { recursive: boolean }): unknown;
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

/** Typed wrappers over the loosely typed port (memfs returns `string | Buffer` in places). */
export async function readBytes(fs: FsLike, path: string): Promise<Buffer> {
  return toBuffer(await fs.promises.readFile(path));
}

export function readBytesSync(fs: FsLike, path: string): Buffer {
  return toBuffer(fs.readFileSync(path));
}

function toBuffer(data: unknown): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data as Uint8Array);
}

export function fsyncFd(fs: FsLike, fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
}

export async function readDir(fs: FsLike, path: string): Promise<DirentLike[]> {
  return (await fs.promises.readdir(path, { withFileTypes: true })) as DirentLike[];
}

export function direntName(entry: DirentLike): string {
  return typeof entry.name === 'string' ? entry.name : Buffer.from(entry.name).toString('utf8');
}

export async function realPath(fs: FsLike, path: string): Promise<string> {
  return String(await fs.promises.realpath(path));
}

/** The errno code of a Node-style error, or undefined. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
