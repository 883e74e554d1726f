/**
 * Atomic replacement of a file through the fs port: write a hidden temp file in the same
 * directory, fsync it (unless turned off), rename it over the target. No reader and no crash
 * ever sees a half-written file; a failed write removes its temp file and leaves the target
 * as it was.
 *
 * write-file-atomic does the same on Node's own fs, but it cannot take a memfs volume and names
 * its temp file `<target>.<digits>` (visible to people and to `git status`); this keeps one
 * code path for both and the temp file hidden under `.kvdir-`.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { FsLike } from './fs-like.js';
import { tempName } from './layout.js';

export interface AtomicWriteOptions {
  fsync: boolean;
  /** File mode for a new file (an existing file's mode should be passed to keep it). */
  mode?: number;
}

export async function writeFileAtomic(
  fs: FsLike,
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions,
): Promise<void> {
  const temp = join(dirname(target), tempName(basename(target), randomBytes(6).toString('hex')));
  try {
    const handle = await fs.promises.open(temp, 'wx', options.mode ?? 0o666);
    try {
      await handle.writeFile(data);
      if (options.fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temp, target);
  } catch (err) {
    await fs.promises.unlink(temp).catch(() => undefined);
    throw err;
  }
}
