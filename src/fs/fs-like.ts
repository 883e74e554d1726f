/**
 * The file-system port. `FileBackend` touches the disk only through this small subset of
 * Node's `fs`, so a memfs volume (`memfs().fs`) can stand in for the real thing.
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

/** Node's `fs` module or a memfs `fs`: anything with these promise methods. */
export interface FsLike {
  promises: FsPromisesLike;
}

export const nodeFsLike: FsLike = nodeFs as unknown as FsLike;

/** True for Node's own file system, where other processes may share the tree. */
export function isNodeFs(fs: FsLike): boolean {
  return fs === nodeFsLike || fs.promises === (nodeFs.promises as unknown);
}

/** Typed wrappers over the loosely typed port (memfs returns `string | Buffer` in places). */
export async function readBytes(fs: FsLike, path: string): Promise<Buffer> {
  const data = await fs.promises.readFile(path);
  return Buffer.isBuffer(data) ? data : Buffer.from(data as Uint8Array);
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
