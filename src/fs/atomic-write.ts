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
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { FsLike } from './fs-like.js';
import { fsyncFd } from './fs-like.js';
import { tempName } from './layout.js';

export interface AtomicWriteOptions {
  fsync: boolean;
  /** File mode for a new file (an existing file's mode should be passed to keep it). */
  mode?: number;
}

/** A complete temp file, ready to replace its target. */
export interface PreparedTemp {
  /** Renames the temp file over the target. */
  commit(): void;
  /** Removes the temp file. */
  discard(): void;
}

export async function prepareTemp(
  fs: FsLike,
  target: string,
  data: Uint8Array,
  options: AtomicWriteOptions,
): Promise<PreparedTemp> {
  const temp = join(dirname(target), tempName(basename(target), randomBytes(6).toString('hex')));
  const discard = (): void => {
    try {
      fs.unlinkSync(temp);
    } catch {
      // already gone
    }
  };
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', options.mode ?? 0o666);
    for (let offset = 0; offset < data.length; ) offset += fs.writeSync(fd, data, offset, data.length - offset);
    if (options.fsync) await fsyncFd(fs, fd);
    fs.closeSync(fd);
    fd = undefined;
  } catch (err) {
    if (fd !== undefined) closeQuietly(fs, fd);
    discard();
    throw err;
  }
  return {
    commit: () => {
      try {
        fs.renameSync(temp, target);
      } catch (err) {
        discard();
        throw err;
      }
    },
    discard,
  };
}

export async function writeFileAtomic(fs: FsLike, target: string, data: Uint8Array, options: AtomicWriteOptions): Promise<void> {
  (await prepareTemp(fs, target, data, options)).commit();
}

function closeQuietly(fs: FsLike, fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // the write already failed; that error is the one to report
  }
}
