/**
 * `kvdir/testing`: helpers for fixture-driven tests of code that uses kvdir. Needs the optional
 * peer dependency memfs.
 */
import nodeFs from 'node:fs';
import { join, posix } from 'node:path';
import { Volume, createFsFromVolume } from 'memfs';
import type { FsLike } from './backends/file/fs-like.js';

export interface MemfsFixture {
  /** Pass as `new FileBackend({ root, fs })`. */
  fs: FsLike;
  /** The memfs volume, for inspecting what was written (`vol.toJSON()`). */
  vol: InstanceType<typeof Volume>;
  /** The root inside the volume. */
  root: string;
}

/**
 * Copies a fixture directory from disk into a new memfs volume, under `root` (default
 * `/kvdir`). Symbolic links and special files are skipped; the source is never written.
 */
export async function loadFixtureIntoMemfs(
  sourceDir: string,
  options: { root?: string } = {},
): Promise<MemfsFixture> {
  const root = options.root ?? '/kvdir';
  if (!posix.isAbsolute(root))
    throw new TypeError(`root must be an absolute POSIX path, got '${root}'`);
  const vol = new Volume();
  vol.mkdirSync(root, { recursive: true });
  await copyInto(sourceDir, root, vol);
  return { fs: createFsFromVolume(vol) as unknown as FsLike, vol, root };
}

async function copyInto(
  sourceDir: string,
  target: string,
  vol: InstanceType<typeof Volume>,
): Promise<void> {
  for (const entry of await nodeFs.promises.readdir(sourceDir, { withFileTypes: true })) {
    const from = join(sourceDir, entry.name);
    const to = posix.join(target, entry.name);
    if (entry.isDirectory()) {
      vol.mkdirSync(to, { recursive: true });
      await copyInto(from, to, vol);
    } else if (entry.isFile()) {
      vol.writeFileSync(to, await nodeFs.promises.readFile(from));
    }
  }
}
