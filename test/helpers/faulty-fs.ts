import { constants } from 'node:fs';
import { Volume, createFsFromVolume } from 'memfs';
import type { FsLike } from '../../src/index.js';

export type FaultOp =
  | 'write'
  | 'fsync'
  | 'rename'
  | 'mkdir'
  | 'unlink'
  | 'open'
  | 'readFile'
  | 'readdir'
  | 'rmdir'
  | 'rm';

export interface Fault {
  op: FaultOp;
  code: string;
  /** Only paths that match (default: all). */
  when?: (path: string) => boolean;
}

/**
 * A memfs volume behind an fs that fails chosen calls with an errno error (in both the
 * synchronous and the promise API), and counts fsyncs. Every call that can fail is logged in
 * `calls` (`<op> <path>`); `failCall(n, code)` fails the n-th call from now on, once.
 */
function isReadOnly(flags: string | number): boolean {
  if (typeof flags === 'string') return flags === 'r';
  return (flags & (constants.O_WRONLY | constants.O_RDWR | constants.O_CREAT)) === 0;
}

export function faultyFs() {
  const vol = new Volume();
  const inner = createFsFromVolume(vol) as any;
  const faults: Fault[] = [];
  const counts = { fsync: 0 };
  const fdPaths = new Map<number, string>();
  const calls: string[] = [];
  let nth: { index: number; code: string } | undefined;
  const failCall = (index: number, code: string) => {
    nth = { index: calls.length + index, code };
  };
  const fail = (op: FaultOp, path: string) => {
    calls.push(`${op} ${path}`);
    if (nth?.index === calls.length - 1) {
      const { code } = nth;
      nth = undefined;
      throw Object.assign(new Error(`${code}: injected on ${op} ${path}`), {
        code,
        syscall: op,
        path,
      });
    }
    const fault = faults.find((f) => f.op === op && (f.when?.(path) ?? true));
    if (fault)
      throw Object.assign(new Error(`${fault.code}: injected on ${op} ${path}`), {
        code: fault.code,
        syscall: op,
        path,
      });
  };
  const promises = {
    ...inner.promises,
    readFile: async (path: string, ...rest: unknown[]) => (
      fail('readFile', path),
      inner.promises.readFile(path, ...rest)
    ),
    rename: async (from: string, to: string) => (
      fail('rename', to),
      inner.promises.rename(from, to)
    ),
    mkdir: async (path: string, options: unknown) => (
      fail('mkdir', path),
      inner.promises.mkdir(path, options)
    ),
    unlink: async (path: string) => (fail('unlink', path), inner.promises.unlink(path)),
    readdir: async (path: string, options: unknown) => (
      fail('readdir', path),
      inner.promises.readdir(path, options)
    ),
    rmdir: async (path: string) => (fail('rmdir', path), inner.promises.rmdir(path)),
    rm: async (path: string, options: unknown) => (
      fail('rm', path),
      inner.promises.rm(path, options)
    ),
    open: async (path: string, flags: string, mode?: number) => {
      fail('open', path);
      const handle = await inner.promises.open(path, flags, mode);
      return {
        writeFile: async (data: unknown) => (fail('write', path), handle.writeFile(data)),
        sync: async () => {
          counts.fsync++;
          fail('fsync', path);
          return handle.sync();
        },
        close: () => handle.close(),
      };
    },
  };
  const fs = Object.assign(Object.create(inner), {
    promises,
    readFileSync: (path: string) => (fail('readFile', path), inner.readFileSync(path)),
    renameSync: (from: string, to: string) => (fail('rename', to), inner.renameSync(from, to)),
    mkdirSync: (path: string, options: unknown) => (
      fail('mkdir', path),
      inner.mkdirSync(path, options)
    ),
    unlinkSync: (path: string) => (fail('unlink', path), inner.unlinkSync(path)),
    readdirSync: (path: string, options: unknown) => (
      fail('readdir', path),
      inner.readdirSync(path, options)
    ),
    rmdirSync: (path: string) => (fail('rmdir', path), inner.rmdirSync(path)),
    openSync: (path: string, flags: string | number, mode?: number) => {
      // kvdir reads a file by opening it read-only (readRegularFile): that is a 'readFile' fault.
      fail(isReadOnly(flags) ? 'readFile' : 'open', path);
      const fd = inner.openSync(path, flags, mode);
      fdPaths.set(fd, path);
      return fd;
    },
    readSync: (fd: number, ...rest: unknown[]) => (
      fail('readFile', fdPaths.get(fd) ?? ''),
      inner.readSync(fd, ...rest)
    ),
    writeSync: (fd: number, ...rest: unknown[]) => (
      fail('write', fdPaths.get(fd) ?? ''),
      inner.writeSync(fd, ...rest)
    ),
    closeSync: (fd: number) => (fdPaths.delete(fd), inner.closeSync(fd)),
    fsync: (fd: number, callback: (err: Error | null) => void) => {
      counts.fsync++;
      try {
        fail('fsync', fdPaths.get(fd) ?? '');
      } catch (err) {
        setImmediate(() => callback(err as Error));
        return;
      }
      inner.fsync(fd, callback);
    },
  }) as FsLike;
  return { fs, vol, faults, counts, calls, failCall };
}
