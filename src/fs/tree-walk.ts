/**
 * Walks a directory tree and finds the value files under a key-path prefix. Dotfiles (kvdir's
 * own files included) and non-YAML files are skipped; symbolic links are never followed but
 * reported, as are YAML names that are not regular files (a FIFO, a device) and YAML files
 * whose names are not ones kvdir maps to a key.
 */
import { join } from 'node:path';
import type { FsLike } from './fs-like.js';
import { direntName, readDir } from './fs-like.js';
import { isMissing } from './errno.js';
import { dirForPath, isValueFileName, keyFiles, keyPathOfFile } from './layout.js';

export interface FoundFile {
  /** The key path, e.g. `/a/b/c`. */
  path: string;
  /** The value file. */
  file: string;
}

export interface WalkProblem {
  /** The file or directory, relative to the root. */
  relative: string;
  reason: 'symlink' | 'not-a-key' | 'not-a-file' | 'unreadable';
  cause?: unknown;
}

export interface WalkResult {
  files: FoundFile[];
  problems: WalkProblem[];
  /** Directories visited, relative to the root ('' for the root). */
  dirs: string[];
}

/** Finds every value file at or below `prefix` (`/` for the whole root). */
export async function walkPrefix(fs: FsLike, root: string, prefix: string): Promise<WalkResult> {
  const result: WalkResult = { files: [], problems: [], dirs: [] };
  if (prefix !== '/') {
    const own = keyFiles(root, prefix);
    const stats = await fs.promises.lstat(own.file).catch((err: unknown) => (isMissing(err) ? undefined : Promise.reject(err)));
    const relative = own.file.slice(root.length + 1);
    if (stats?.isSymbolicLink()) result.problems.push({ relative, reason: 'symlink' });
    else if (stats?.isFile()) result.files.push({ path: prefix, file: own.file });
  }
  const dir = dirForPath(root, prefix);
  await walkDir(fs, root, dir, dir === root ? '' : dir.slice(root.length + 1), result);
  return result;
}

async function walkDir(fs: FsLike, root: string, dir: string, relative: string, result: WalkResult): Promise<void> {
  let entries;
  try {
    entries = await readDir(fs, dir);
  } catch (err) {
    if (isMissing(err)) return;
    result.problems.push({ relative, reason: 'unreadable', cause: err });
    return;
  }
  result.dirs.push(relative);
  const subdirs: Promise<void>[] = [];
  for (const entry of entries) {
    const name = direntName(entry);
    if (name.startsWith('.')) continue;
    const childRelative = relative === '' ? name : `${relative}/${name}`;
    if (entry.isSymbolicLink()) {
      result.problems.push({ relative: childRelative, reason: 'symlink' });
    } else if (entry.isDirectory()) {
      subdirs.push(walkDir(fs, root, join(dir, name), childRelative, result));
    } else if (isValueFileName(name)) {
      const path = keyPathOfFile(childRelative);
      if (!entry.isFile()) result.problems.push({ relative: childRelative, reason: 'not-a-file' });
      else if (path === undefined) result.problems.push({ relative: childRelative, reason: 'not-a-key' });
      else result.files.push({ path, file: join(dir, name) });
    }
  }
  await Promise.all(subdirs);
}
