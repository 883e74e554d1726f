/**
 * Case-insensitive file systems (macOS's default APFS, Windows' NTFS, an ext4 casefold
 * directory): there `apps/Web.yaml` and `apps/web.yaml` are one file, so the keys `/apps/Web`
 * and `/apps/web` would share it, the second write silently replacing the first key's value.
 * Whether the root's file system folds case is probed once per root; where it does, a write or
 * delete whose file or directory names match an existing name of another case is refused.
 * Reads are not checked (see the README's limits).
 */
import { join, relative, sep } from 'node:path';
import { isMissing } from './errno.js';
import type { FsLike } from './fs-like.js';
import { direntName, isNodeFs, readDir } from './fs-like.js';
import { tempName } from './layout.js';
import { uniqueId } from './unique-id.js';

/** A name as a case-insensitive file system compares it (macOS also ignores Unicode normalization). */
export function foldName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * The existing name in `names` that a case-insensitive file system would take for `wanted`
 * although it is spelled differently; undefined when `wanted` is there as it is, or not at all.
 */
export function caseTwin(names: readonly string[], wanted: string): string | undefined {
  if (names.includes(wanted)) return undefined;
  const folded = foldName(wanted);
  return names.find((name) => foldName(name) === folded);
}

/**
 * Whether the directory `root` (which exists) ignores case: a new hidden file is made in it and
 * its upper-case twin looked up. The file is a kvdir temp name (`.kvdir-case-probe.tmp-<id>`),
 * so a crash that leaves it is cleaned by `kvdir check --fix`. A memfs volume never folds case.
 */
export function probeCaseInsensitive(fs: FsLike, root: string): boolean {
  if (!isNodeFs(fs)) return false;
  const name = tempName('case-probe', uniqueId());
  const probe = join(root, name);
  fs.closeSync(fs.openSync(probe, 'wx'));
  try {
    return fs.lstatSync(join(root, name.toUpperCase()), { throwIfNoEntry: false }) !== undefined;
  } finally {
    fs.unlinkSync(probe);
  }
}

/**
 * The first name on the way from `root` to `file` that exists in another case only, as a path
 * below the root; undefined when every name is there as spelled, or the way ends before.
 */
export async function caseConflict(
  fs: FsLike,
  root: string,
  file: string,
): Promise<string | undefined> {
  let dir = root;
  for (const name of relative(root, file).split(sep)) {
    let names: string[];
    try {
      names = (await readDir(fs, dir)).map(direntName);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    const twin = caseTwin(names, name);
    if (twin !== undefined) return relative(root, join(dir, twin)).split(sep).join('/');
    if (!names.includes(name)) return undefined;
    dir = join(dir, name);
  }
  return undefined;
}

/** Test knob: what the probe of a client's root is taken to say (not exported from the package). */
const assumed = new WeakMap<object, boolean>();

export function assumeCaseInsensitive(client: object, insensitive: boolean): void {
  assumed.set(client, insensitive);
}

export function assumedCaseInsensitive(client: object): boolean | undefined {
  return assumed.get(client);
}
