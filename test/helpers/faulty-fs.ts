import { Volume, createFsFromVolume } from 'memfs';
import type { FsLike } from '../../src/index.js';

export type FaultOp = 'write' | 'fsync' | 'rename' | 'mkdir' | 'unlink' | 'open' | 'readFile' | 'readdir';

export interface Fault {
  op: FaultOp;
  code: string;
  /** Only paths that match (default: all). */
  when?: (path: string) => boolean;
}

/** A memfs volume behind an fs that fails chosen calls with an errno error, and counts fsyncs. */
export function faultyFs() {
  const vol = new Volume();
  const inner = createFsFromVolume(vol) as any;
  const faults: Fault[] = [];
  const counts = { fsync: 0 };
  const fail = (op: FaultOp, path: string) => {
    const fault = faults.find((f) => f.op === op && (f.when?.(path) ?? true));
    if (fault) throw Object.assign(new Error(`${fault.code}: injected on ${op} ${path}`), { code: fault.code, syscall: op, path });
  };
  const promises = {
    ...inner.promises,
    readFile: async (path: string, ...rest: unknown[]) => (fail('readFile', path), inner.promises.readFile(path, ...rest)),
    rename: async (from: string, to: string) => (fail('rename', to), inner.promises.rename(from, to)),
    mkdir: async (path: string, options: unknown) => (fail('mkdir', path), inner.promises.mkdir(path, options)),
    unlink: async (path: string) => (fail('unlink', path), inner.promises.unlink(path)),
    readdir: async (path: string, options: unknown) => (fail('readdir', path), inner.promises.readdir(path, options)),
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
  const fs = { ...inner, promises } as FsLike;
  return { fs, vol, faults, counts };
}
