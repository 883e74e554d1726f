/**
 * Where a key lives on disk: the pure mapping between key paths (`/a/b/c`) and files
 * (`<root>/a/b/c.yaml`), and the names of kvdir's own hidden files.
 *
 * - The value of `/a/b/c` is the file `a/b/c.yaml`; the directory `a/b/c/` holds the keys below.
 * - A path segment is a file name as it is, except that a leading `.` is written `%2e` and a
 *   leading `%` is written `%25`, so no key becomes a dotfile (`.`, `..`, or one of kvdir's own
 *   files) and every name maps back. A NUL, an empty segment, a segment ending in `.yaml`
 *   (its directory would collide with a value file) or one longer than MAX_SEGMENT_BYTES is
 *   refused.
 * - kvdir's own files all start with `.kvdir-`: the sidecar `.kvdir-c.yaml.rev` beside
 *   `c.yaml`, temp files `.kvdir-c.yaml.tmp-*`, removed subtrees `.kvdir-trash-*`, and the
 *   lock folder `<root>/.kvdir-locks/`. The one `.gitignore` line `.kvdir-*` covers them all.
 */
import { join, relative, sep } from 'node:path';
import { ValidationError } from '../../model/errors.js';
import { keyPathProblem } from '../../model/key-path.js';

export const VALUE_SUFFIX = '.yaml';
export const INTERNAL_PREFIX = '.kvdir-';
export const LOCK_DIR = '.kvdir-locks';
/** Room left in a 255-byte file name for the value suffix and kvdir's hidden names. */
export const MAX_SEGMENT_BYTES = 200;
/** The longest path the file system opens: PATH_MAX less its NUL (4096 on Linux, 1024 on macOS). */
export const MAX_PATH_BYTES = process.platform === 'linux' ? 4095 : 1023;
/**
 * How much longer than a value file's path the longest file of its key is: the temp file of
 * its sidecar, `.kvdir-.kvdir-c.yaml.rev.tmp-<12 hex>` beside `c.yaml` (35 bytes more).
 */
const LONGEST_EXTRA_BYTES = 40;

/** The files that hold one key. */
export interface KeyFiles {
  /** The key path, e.g. `/a/b/c`. */
  path: string;
  /** `<root>/a/b/c.yaml`. */
  file: string;
  /** `<root>/a/b/.kvdir-c.yaml.rev`. */
  sidecar: string;
  /** `<root>/a/b/c`: the directory that holds the keys below. */
  dir: string;
  /** `<root>/a/b`. */
  parent: string;
}

/** Splits and checks a key path; throws ValidationError naming the problem. */
export function pathSegments(path: string): string[] {
  const problem = pathProblem(path);
  if (problem !== undefined)
    throw new ValidationError([{ name: 'path', value: path, reason: problem }]);
  return path.slice(1).split('/');
}

function pathProblem(path: string): string | undefined {
  const problem = keyPathProblem(path);
  if (problem !== undefined) return problem;
  for (const segment of path.slice(1).split('/')) {
    if (segment.endsWith(VALUE_SUFFIX)) return `a path segment may not end in ${VALUE_SUFFIX}`;
    if (Buffer.byteLength(encodeSegment(segment)) > MAX_SEGMENT_BYTES) {
      return `a path segment may be at most ${MAX_SEGMENT_BYTES} bytes once encoded`;
    }
  }
  return undefined;
}

export function encodeSegment(segment: string): string {
  if (segment.startsWith('.')) return `%2e${segment.slice(1)}`;
  if (segment.startsWith('%')) return `%25${segment.slice(1)}`;
  return segment;
}

/** The segment a file or directory name stands for, or undefined when kvdir never writes it. */
export function decodeSegment(name: string): string | undefined {
  if (name === '' || name.startsWith('.') || name.endsWith(VALUE_SUFFIX)) return undefined;
  if (isOverLong(name, MAX_SEGMENT_BYTES)) return undefined;
  if (!name.startsWith('%')) return name;
  if (name.startsWith('%2e')) return `.${name.slice(3)}`;
  if (name.startsWith('%25')) return `%${name.slice(3)}`;
  return undefined;
}

/** Where `path` (a file or directory under `root`) is below it, `/`-separated: `a/b.yaml`, `''` for the root. */
export function relativeToRoot(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

/** The directory on disk for a key-path prefix (`/` is the root itself). */
export function dirForPath(root: string, path: string): string {
  return path === '/' || path === '' ? root : join(root, ...pathSegments(path).map(encodeSegment));
}

export function keyFiles(root: string, path: string): KeyFiles {
  const segments = pathSegments(path).map(encodeSegment);
  const leaf = segments.pop() as string;
  const parent = below(root, segments);
  const file = below(parent, [leaf + VALUE_SUFFIX]);
  if (!fitsPathLimit(file)) {
    const bytes = Buffer.byteLength(file) + LONGEST_EXTRA_BYTES;
    // The path itself can be kilobytes: the message shows its start.
    const shown = path.length > 80 ? `${path.slice(0, 60)}…` : path;
    throw new ValidationError([
      {
        name: 'path',
        value: shown,
        reason: `the files of this key would need paths of up to ${bytes} bytes, over the file system's limit of ${MAX_PATH_BYTES}`,
      },
    ]);
  }
  return {
    path,
    file,
    sidecar: below(parent, [sidecarName(leaf + VALUE_SUFFIX)]),
    dir: below(parent, [leaf]),
    parent,
  };
}

/**
 * The files of the key at `path` whose value file a walk from `root` (normalized, absolute)
 * found at `file`: what keyFiles gives, taken from `file` instead of checking and encoding
 * `path` again (a walk found `file` by the names `path` was decoded from, and checked its
 * length: 4% of a syncer's restart went to doing it all again for every key).
 */
export function keyFilesOfValueFile(root: string, path: string, file: string): KeyFiles {
  if (sep !== '/') return keyFiles(root, path);
  const at = file.lastIndexOf('/');
  const parent = at === 0 ? '/' : file.slice(0, at);
  return {
    path,
    file,
    sidecar: below(parent, [sidecarName(file.slice(at + 1))]),
    dir: file.slice(0, -VALUE_SUFFIX.length),
    parent,
  };
}

/**
 * `join(dir, ...names)` for a normalized absolute `dir` and names that are one encoded segment
 * each (never empty, `.` or `..`, no separator: see pathSegments and encodeSegment), where
 * plain concatenation gives the same string without join's normalizing pass (a key's five
 * paths are made for every read: issue 19).
 */
function below(dir: string, names: string[]): string {
  if (names.length === 0) return dir;
  if (sep !== '/') return join(dir, ...names);
  return `${dir.endsWith('/') ? dir : `${dir}/`}${names.join('/')}`;
}

/** True when every file kvdir makes for the key of `valueFile` (an absolute path) fits MAX_PATH_BYTES. */
export function fitsPathLimit(valueFile: string): boolean {
  return !isOverLong(valueFile, MAX_PATH_BYTES - LONGEST_EXTRA_BYTES);
}

/** More than `max` bytes in UTF-8; cheap for short strings (a UTF-16 unit is at most 3 bytes). */
function isOverLong(text: string, max: number): boolean {
  return text.length * 3 > max && Buffer.byteLength(text) > max;
}

export function sidecarName(valueFileName: string): string {
  return `${INTERNAL_PREFIX}${valueFileName}.rev`;
}

export function tempName(target: string, unique: string): string {
  return `${INTERNAL_PREFIX}${target}.tmp-${unique}`;
}

export function isInternalName(name: string): boolean {
  return name.startsWith(INTERNAL_PREFIX);
}

/** What one of kvdir's own names is: what a crash may leave behind, or the lock folder. */
export type OwnKind = 'sidecar' | 'temp' | 'trash' | 'lock-folder' | 'other';

const TEMP_NAME = /\.tmp-[0-9a-f]{12}$/;
const SIDECAR_SUFFIX = `${VALUE_SUFFIX}.rev`;

export function ownKind(name: string, inRoot: boolean): OwnKind {
  if (!isInternalName(name)) return 'other';
  if (inRoot && name === LOCK_DIR) return 'lock-folder';
  if (name.startsWith(`${INTERNAL_PREFIX}trash-`)) return 'trash';
  if (TEMP_NAME.test(name)) return 'temp';
  if (name.endsWith(SIDECAR_SUFFIX)) return 'sidecar';
  return 'other';
}

/** `c.yaml` for the sidecar `.kvdir-c.yaml.rev`. */
export function valueNameOfSidecar(sidecar: string): string {
  return sidecar.slice(INTERNAL_PREFIX.length, -'.rev'.length);
}

/** True for a name that can be a value file (`x.yaml`, not hidden). */
export function isValueFileName(name: string): boolean {
  return name.endsWith(VALUE_SUFFIX) && name.length > VALUE_SUFFIX.length && !name.startsWith('.');
}

/**
 * The key path of a value file, given its path relative to the root (`/`-separated);
 * undefined when the name is not one kvdir maps (a dotfile, a non-YAML file, a
 * segment kvdir would have encoded).
 */
export function keyPathOfFile(relative: string): string | undefined {
  const names = relative.split('/');
  const last = names.pop();
  if (last === undefined || !isValueFileName(last)) return undefined;
  names.push(last.slice(0, -VALUE_SUFFIX.length));
  const segments: string[] = [];
  for (const name of names) {
    const segment = decodeSegment(name);
    if (segment === undefined) return undefined;
    segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

/**
 * The key path of the entry `name` (a directory, or a value file's name without its suffix)
 * in a directory whose key path is `dirPath` (`/` for the root): what keyPathOfDir and
 * keyPathOfFile give for the entry's relative path, one segment at a time (a walk that
 * decoded every parent again for each entry spent 5% of a syncer's restart on it).
 */
export function childKeyPath(dirPath: string, name: string): string | undefined {
  const segment = decodeSegment(name);
  if (segment === undefined) return undefined;
  return dirPath === '/' ? `/${segment}` : `${dirPath}/${segment}`;
}

/** The key-path prefix a directory (relative to the root) stands for, or undefined. */
export function keyPathOfDir(relative: string): string | undefined {
  if (relative === '' || relative === '.') return '/';
  const segments: string[] = [];
  for (const name of relative.split('/')) {
    const segment = decodeSegment(name);
    if (segment === undefined) return undefined;
    segments.push(segment);
  }
  return `/${segments.join('/')}`;
}
