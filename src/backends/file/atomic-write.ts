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
 * slow parts overlapped: `prepareTemp` writes (and fsyncs) the temp file, `commitSync` renames
 * it. The rename is synchronous whatever the mode, so that a caller can check its lock and
 * commit with no turn of the event loop in between.
 */
import { basename, dirname, join } from 'node:path';
import type { FsLike } from './fs-like.js';
import { errnoCode } from './errno.js';
import { fsyncFd } from './fs-like.js';
import { tempName } from './layout.js';
import { uniqueId } from './unique-id.js';
import { reachedStep } from './write-steps.js';

export interface AtomicWriteOptions {
  fsync: boolean;
  /** Synchronous calls (default) or the thread pool (when other writes are under way). */
  sync?: boolean;
  /** File mode for a new file (an existing file's mode should be passed to keep it). */
  mode?: number;
}

/** A complete temp file, ready to replace its target. */
export interface PreparedTemp {
  /** Renames the temp file over the target; on failure the temp file is left for `discard`. */
  commitSync(): void;
  /** Removes the temp file (if it is still there). */
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
  return { commitSync: () => fs.renameSync(temp, target), discard };
}

/** The few calls a temp file needs, made one way or the other. */
interface TempIo {
  /** Creates `path` (it must not exist), writes `data`, fsyncs if asked, closes. */
  write(path: string, data: Uint8Array, mode: number, fsync: boolean): Promise<void>;
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
        reachedStep('temp-written', path);
        if (fsync) await syncing(fsyncFd(fs, fd), path);
      } finally {
        fs.closeSync(fd);
      }
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
        reachedStep('temp-written', path);
        if (fsync) await syncing(handle.sync(), path);
      } finally {
        await handle.close();
      }
    },
    unlink: (path) => fs.promises.unlink(path),
  };
}

/**
 * Creates `target` with `data` if nothing is there (no temp file): only for a file that no
 * reader looks at while it is written. Says whether it did; false when the name is taken (it
 * is left alone). On a failure the new file is removed.
 */
export async function createNewFile(
  fs: FsLike,
  target: string,
  data: Uint8Array,
  options: { sync: boolean },
): Promise<boolean> {
  const io = options.sync ? syncIo(fs) : asyncIo(fs);
  try {
    await io.write(target, data, 0o666, false);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return false;
    await io.unlink(target).catch(() => undefined);
    throw err;
  }
}

/**
 * Writes a new file in place (no temp file), synchronously: only for a file that no reader
 * looks at while it is written. Whatever is at the name already (a leftover of a crash, a
 * link) is removed and replaced, never written through. On failure the new file is removed.
 */
export function writeNewFileSync(fs: FsLike, target: string, data: Uint8Array): void {
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(target, 'wx', 0o666);
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST' || attempt > 0) throw err;
      fs.unlinkSync(target);
      continue;
    }
    try {
      for (let offset = 0; offset < data.length;)
        offset += fs.writeSync(fd, data, offset, data.length - offset);
    } catch (err) {
      fs.closeSync(fd);
      removeQuietly(fs, target);
      throw err;
    }
    fs.closeSync(fd);
    return;
  }
}

function removeQuietly(fs: FsLike, path: string): void {
  try {
    fs.unlinkSync(path);
  } catch {
    // Already gone, or not ours to worry about: the caller reports the first failure.
  }
}

/** An fsync under way: the test knob sees it before it completes. */
function syncing(done: Promise<void>, path: string): Promise<void> {
  reachedStep('fsync-started', path);
  return done;
}
