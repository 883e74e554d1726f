/**
 * Atomic replacement of a file through the fs port: write a hidden temp file in the same
 * directory, fsync it (unless turned off), rename it over the target. No reader and no crash
 * ever sees a half-written file; a failed write removes its temp file and leaves the target
 * as it was.
 *
 * write-file-atomic does the same on Node's own fs, but it cannot take a memfs volume and names
 * its temp file `<target>.<digits>` (visible to people and to `git status`); this keeps one
 * code path for both and the temp file hidden under `.kvdir-`.
 *
 * A write is split in two so that two files can be replaced in a chosen order with their
 * slow parts overlapped: `prepareTemp` writes (and fsyncs) the temp file, `commit` renames it.
 */
import { basename, dirname, join } from 'node:path';
import type { FsLike } from './fs-like.js';
import { errnoCode, fsyncFd } from './fs-like.js';
import { tempName } from './layout.js';
import { uniqueId } from './unique-id.js';

export interface AtomicWriteOptions {
  fsync: boolean;
  /** Synchronous calls (default) or the thread pool (when other writes are under way). */
  sync?: boolean;
  /** File mode for a new file (an existing file's mode should be passed to keep it). */
  mode?: number;
}

/** A complete temp file, ready to replace its target. */
export interface PreparedTemp {
  /** Renames the temp file over the target. */
  commit(): Promise<void>;
  /** Removes the temp file. */
  discard(): Promise<void>;
}

export async function prepareTemp(
  fs: FsLike,
  target: string,
  data: Uint8Array,
  options: AtomicWriteOptions,
): Promise<PreparedTemp> {
  const io = options.sync === false ? asyncIo(fs) : syncIo(fs);
  const temp = join(dirname(target), tempName(basename(target), uniqueId()));
  const discard = (): Promise<void> => io.unlink(temp).catch(() => undefined);
  try {
    await io.write(temp, data, options.mode ?? 0o666, options.fsync);
  } catch (err) {
    await discard();
    throw err;
  }
  return {
    commit: async () => {
      try {
        await io.rename(temp, target);
      } catch (err) {
        await discard();
        throw err;
      }
    },
    discard,
  };
}

/** The few calls a temp file needs, made one way or the other. */
interface TempIo {
  /** Creates `path` (it must not exist), writes `data`, fsyncs if asked, closes. */
  write(path: string, data: Uint8Array, mode: number, fsync: boolean): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

/** Synchronous calls (fsync excepted): cheapest for one writer at a time. */
function syncIo(fs: FsLike): TempIo {
  return {
    async write(path, data, mode, fsync) {
      const fd = fs.openSync(path, 'wx', mode);
      try {
        for (let offset = 0; offset < data.length;)
          offset += fs.writeSync(fd, data, offset, data.length - offset);
        if (fsync) await fsyncFd(fs, fd);
      } finally {
        fs.closeSync(fd);
      }
    },
    async rename(from, to) {
      fs.renameSync(from, to);
    },
    async unlink(path) {
      fs.unlinkSync(path);
    },
  };
}

/** Calls through libuv's thread pool: concurrent writers overlap their file-system work. */
function asyncIo(fs: FsLike): TempIo {
  return {
    async write(path, data, mode, fsync) {
      const handle = await fs.promises.open(path, 'wx', mode);
      try {
        await handle.writeFile(data);
        if (fsync) await handle.sync();
      } finally {
        await handle.close();
      }
    },
    rename: (from, to) => fs.promises.rename(from, to),
    unlink: (path) => fs.promises.unlink(path),
  };
}

/**
 * Writes a new file in place (no temp file): only for a file that no reader looks at while it
 * is written. Whatever is at the name already (a leftover of a crash, a link) is removed and
 * replaced, never written through. On failure the new file is removed.
 */
export async function writeNewFile(
  fs: FsLike,
  target: string,
  data: Uint8Array,
  options: { sync: boolean },
): Promise<void> {
  const io = options.sync ? syncIo(fs) : asyncIo(fs);
  for (let attempt = 0; ; attempt++) {
    try {
      await io.write(target, data, 0o666, false);
      return;
    } catch (err) {
      const exists = errnoCode(err) === 'EEXIST';
      if (exists && attempt === 0) {
        await io.unlink(target);
        continue;
      }
      if (!exists) await io.unlink(target).catch(() => undefined);
      throw err;
    }
  }
}

export async function writeFileAtomic(
  fs: FsLike,
  target: string,
  data: Uint8Array,
  options: AtomicWriteOptions,
): Promise<void> {
  await (await prepareTemp(fs, target, data, options)).commit();
}
