/**
 * Walks a directory tree and finds the value files under a key-path prefix. Dotfiles (kvdir's
 * own files included) and non-YAML files are skipped; symbolic links are never followed but
 * reported, as are YAML names that are not regular files (a FIFO, a device) and YAML files
 * whose names are not ones kvdir maps to a key.
 */
import { isUtf8 } from 'node:buffer';
import { join, sep } from 'node:path';
import type { ErrorCode } from '../../model/errors.js';
import type { Key } from '../../model/key.js';
import { DatastoreError } from '../../model/errors.js';
import type { DirentLike, FsLike, StatsLike } from './fs-like.js';
import { direntName, lstatOrMissing, readDirBytesSync, readDirSync } from './fs-like.js';
import { Breather } from '../../syncer/batch.js';
import { isMissing } from './errno.js';
import type { OwnKind } from './layout.js';
import {
  VALUE_SUFFIX,
  dirForPath,
  fitsPathLimit,
  isInternalName,
  isValueFileName,
  ownKind,
  valueNameOfSidecar,
  childKeyPath,
  keyFiles,
  keyPathOfDir,
  relativeToRoot,
} from './layout.js';

export interface FoundFile {
  /** The key path, e.g. `/a/b/c`. */
  path: string;
  /** The value file. */
  file: string;
}

export interface WalkProblem {
  /** The file or directory, relative to the root. */
  relative: string;
  reason: 'symlink' | 'not-a-key' | 'not-utf8' | 'not-a-file' | 'unreadable';
  cause?: unknown;
}

export interface WalkResult {
  /** In key-path order. */
  files: FoundFile[];
  problems: WalkProblem[];
  /** Whether the prefix's directory exists (and could be read). */
  existed: boolean;
}

export interface WalkVisitor {
  /** Awaited before the walk goes on when it returns a promise. */
  file(found: FoundFile): void | Promise<void>;
  problem(problem: WalkProblem): void;
  /** kvdir's own entries (`.kvdir-*`) in the directories of keys: for `kvdir check`, and the sidecars `listKeys` reads. */
  own?(entry: OwnEntry): void;
  /**
   * Reads a directory for the walk instead of `readdirSync` (undefined: it is missing; throws
   * when it cannot be read). The syncer's directory watcher reads through it, so that one read
   * serves both the watch and the walk. `order`: the directory's place in the walk's order
   * (`<key path>/`; '' for the root), which the syncer's index follows.
   */
  readDir?(dir: string, order: string): DirentLike[] | undefined;
}

/** One of kvdir's own entries a walk saw (see `ownKind` in layout.ts). */
export interface OwnEntry {
  /** Absolute. */
  file: string;
  /** Below the root, `/`-separated. */
  relative: string;
  /** The key-path prefix of its directory (`/` for the root). */
  dirPath: string;
  kind: OwnKind;
  /** A sidecar whose value file is not in the directory. */
  orphan: boolean;
  isLink: boolean;
}

/** Finds every value file at or below `prefix` (`/` for the whole root), in key-path order. */
export async function walkPrefix(fs: FsLike, root: string, prefix: string): Promise<WalkResult> {
  const files: FoundFile[] = [];
  const problems: WalkProblem[] = [];
  const existed = await visitPrefix(fs, root, prefix, {
    file: (found) => void files.push(found),
    problem: (problem) => void problems.push(problem),
  });
  return { files, problems, existed };
}

/**
 * Visits every value file at or below `prefix` in key-path order, one directory at a time:
 * a walk of a large tree holds the listings of one directory and its parents, never the whole
 * tree. Says whether the prefix's directory exists.
 *
 * Directories are read synchronously (see `readDirSync`), and the event loop gets a turn every
 * few milliseconds (Breather), so that a long walk still lets timers, watcher events and stop()
 * through.
 */
export async function visitPrefix(
  fs: FsLike,
  root: string,
  prefix: string,
  visitor: WalkVisitor,
): Promise<boolean> {
  const dir = dirForPath(root, prefix);
  if (prefix !== '/') {
    const own = keyFiles(root, prefix);
    const stats = lstatOrMissing(fs, own.file);
    const relative = relativeToRoot(root, own.file);
    if (stats?.isSymbolicLink()) visitor.problem({ relative, reason: 'symlink' });
    else if (stats?.isFile()) await visitor.file({ path: prefix, file: own.file });
    else if (stats !== undefined && !stats.isDirectory())
      visitor.problem({ relative, reason: 'not-a-file' });
    // The prefix's directory may itself have become a link: it is reported, never read through.
    if (lstatOrMissing(fs, dir)?.isSymbolicLink()) {
      visitor.problem({ relative: relativeToRoot(root, dir), reason: 'symlink' });
      return false;
    }
  }
  return new Walk(fs, visitor).dir(
    dir,
    relativeToRoot(root, dir),
    prefix === '/' ? '' : `${prefix}/`,
    prefix,
  );
}

interface WalkItem {
  order: string;
  file?: FoundFile;
  /** `path`: the key path the subdirectory stands for, undefined when it stands for none. */
  subdir?: { dir: string; relative: string; path: string | undefined };
}

class Walk {
  readonly #fs: FsLike;
  readonly #visitor: WalkVisitor;
  readonly #breather = new Breather();

  constructor(fs: FsLike, visitor: WalkVisitor) {
    this.#fs = fs;
    this.#visitor = visitor;
  }

  /**
   * A directory's value files and subdirectories, each visited in the order of its key path
   * (a subdirectory's as `<path>/`, which every key below it starts with): so the keys come
   * out in the order a sort of all of them would give. `path`: the key path the directory
   * stands for (keyPathOfDir of `relative`), undefined when it stands for none.
   */
  async dir(
    dir: string,
    relative: string,
    order: string,
    path: string | undefined,
  ): Promise<boolean> {
    const entries = this.#read(dir, relative, order);
    if (entries === undefined) return false;
    const visitor = this.#visitor;
    const own = visitor.own === undefined ? undefined : ownEntries(dir, relative, entries);
    for (const entry of own ?? []) visitor.own?.(entry);
    const items = this.#items(dir, relative, path, entries);
    for (const item of items) {
      if (item.file !== undefined) {
        const visited = visitor.file(item.file);
        if (visited !== undefined) await visited;
      } else if (item.subdir !== undefined) {
        const { subdir } = item;
        await this.dir(subdir.dir, subdir.relative, item.order, subdir.path);
      }
    }
    // Checked first: an await of a breathe() with nothing to do is a promise and a microtask per directory.
    if (this.#breather.due()) await this.#breather.breathe();
    return true;
  }

  /** The directory's entries; undefined when it is missing or cannot be read (reported). */
  #read(dir: string, relative: string, order: string): DirentLike[] | undefined {
    const visitor = this.#visitor;
    try {
      const entries =
        visitor.readDir === undefined ? readDirSync(this.#fs, dir) : visitor.readDir(dir, order);
      // A name that is not UTF-8 reads as U+FFFD, a path that does not exist: such a directory
      // is read again as bytes, and those names are reported instead of silently missed.
      if (entries?.some((entry) => direntName(entry).includes('\uFFFD')))
        return utf8Only(readDirBytesSync(this.#fs, dir), relative, visitor);
      return entries;
    } catch (err) {
      if (!isMissing(err)) visitor.problem({ relative, reason: 'unreadable', cause: err });
      return undefined;
    }
  }

  #items(
    dir: string,
    relative: string,
    dirPath: string | undefined,
    entries: DirentLike[],
  ): WalkItem[] {
    const items: WalkItem[] = [];
    for (const entry of entries) {
      const name = direntName(entry);
      if (name.startsWith('.')) continue;
      const childRelative = relative === '' ? name : `${relative}/${name}`;
      if (entry.isSymbolicLink()) {
        this.#visitor.problem({ relative: childRelative, reason: 'symlink' });
      } else if (entry.isDirectory()) {
        // A directory whose name is no key segment holds no key: its place in the order does not matter.
        const path = dirPath === undefined ? undefined : childKeyPath(dirPath, name);
        items.push({
          order: `${path ?? `\uffff${childRelative}`}/`,
          subdir: { dir: childOf(dir, name), relative: childRelative, path },
        });
      } else if (isValueFileName(name)) {
        const file = childOf(dir, name);
        // Undefined for a name kvdir never writes, and for a file whose key's other files
        // (sidecar, temp files) would not fit the path limit: reported, never a failed walk.
        const path =
          dirPath !== undefined && fitsPathLimit(file)
            ? childKeyPath(dirPath, name.slice(0, -VALUE_SUFFIX.length))
            : undefined;
        if (!entry.isFile())
          this.#visitor.problem({ relative: childRelative, reason: 'not-a-file' });
        else if (path === undefined)
          this.#visitor.problem({ relative: childRelative, reason: 'not-a-key' });
        else items.push({ order: path, file: { path, file } });
      }
    }
    if (items.length > 1)
      items.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    return items;
  }
}

/**
 * `join(dir, name)` for a directory the walk reached and a name read from it (never `.`, `..`
 * or empty, no separator), without join's normalizing pass (3% of a syncer's restart).
 */
function childOf(dir: string, name: string): string {
  if (sep !== '/') return join(dir, name);
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

/** kvdir's own entries in a directory of keys (none elsewhere: kvdir writes only there). */
function ownEntries(dir: string, relative: string, entries: DirentLike[]): OwnEntry[] {
  const dirPath = keyPathOfDir(relative);
  if (dirPath === undefined) return [];
  const byName = new Map(entries.map((entry) => [direntName(entry), entry]));
  const found: OwnEntry[] = [];
  for (const [name, entry] of byName) {
    if (!isInternalName(name)) continue;
    const kind = ownKind(name, relative === '');
    found.push({
      file: join(dir, name),
      relative: relative === '' ? name : `${relative}/${name}`,
      dirPath,
      kind,
      orphan: kind === 'sidecar' && !byName.has(valueNameOfSidecar(name)),
      isLink: entry.isSymbolicLink(),
    });
  }
  return found;
}

/**
 * The entries whose names are UTF-8, as strings; each YAML file or directory whose name is not
 * is reported as 'not-utf8' (shown with its bad bytes as `\xNN`). Other names are ignored, as
 * the walk ignores dotfiles and files that are not YAML.
 */
function utf8Only(entries: DirentLike[], relative: string, visitor: WalkVisitor): DirentLike[] {
  const kept: DirentLike[] = [];
  for (const entry of entries) {
    const bytes = Buffer.from(entry.name);
    if (isUtf8(bytes)) {
      kept.push(entry);
      continue;
    }
    const shown = showBytes(bytes);
    if (shown.startsWith('.') || !(entry.isDirectory() || shown.endsWith(VALUE_SUFFIX))) continue;
    const child = relative === '' ? shown : `${relative}/${shown}`;
    visitor.problem({ relative: child, reason: 'not-utf8' });
  }
  return kept;
}

/** A name's bytes as text, each byte that is not part of a UTF-8 character written `\xNN`. */
function showBytes(bytes: Buffer): string {
  let shown = '';
  for (let i = 0; i < bytes.length;) {
    const length = utf8Length(bytes[i] ?? 0);
    const char = bytes.subarray(i, i + length);
    if (length > 0 && char.length === length && isUtf8(char)) {
      shown += char.toString('utf8');
      i += length;
    } else {
      shown += `\\x${(bytes[i] ?? 0).toString(16).padStart(2, '0')}`;
      i += 1;
    }
  }
  return shown;
}

/** The length of the UTF-8 character a lead byte starts, 0 for a byte that starts none. */
function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

const PROBLEM_CODES = {
  symlink: 'ERR_SYMLINK',
  'not-a-key': 'ERR_NOT_A_KEY',
  'not-utf8': 'ERR_NOT_A_KEY',
  'not-a-file': 'ERR_NOT_A_FILE',
  unreadable: 'ERR_UNREADABLE',
} as const satisfies Record<WalkProblem['reason'], ErrorCode>;

/** What is wrong with a file or directory a walk found, in the words list, check and the syncer all use. */
export function walkProblemReason(problem: WalkProblem): string {
  switch (problem.reason) {
    case 'symlink':
      return 'refusing to follow a symbolic link';
    case 'not-a-key':
      return 'not a key: kvdir never writes this file name';
    case 'not-utf8':
      return 'not a key: the name is not UTF-8';
    case 'not-a-file':
      return 'not a regular file';
    case 'unreadable': {
      const cause = problem.cause;
      return `cannot read the directory: ${cause instanceof Error ? cause.message : String(cause)}`;
    }
  }
}

/**
 * Why a file whose path parses to a key with another path is not a key, naming the file kvdir
 * writes for that key (list, check; see model/canonical.ts).
 */
export function notCanonicalReason(root: string, key: Key, canonical: string): string {
  let file = canonical;
  try {
    file = relativeToRoot(root, keyFiles(root, canonical).file);
  } catch {
    // A canonical path that cannot be a file: named as a path.
  }
  return `not a key: kvdir writes ${key.toString()} as ${file}`;
}

/** A file that is not a key because its path is not its key's path, as the error `list` reports. */
export function notCanonicalError(
  root: string,
  file: string,
  key: Key,
  canonical: string,
): DatastoreError {
  return new DatastoreError(
    `${notCanonicalReason(root, key, canonical)}: ${relativeToRoot(root, file)}`,
    { code: 'ERR_NOT_A_KEY', key },
  );
}

/** A walk problem as the error `list` reports it: `<reason>: <path below the root>`. */
export function walkProblemError(problem: WalkProblem): DatastoreError {
  return new DatastoreError(`${walkProblemReason(problem)}: ${problem.relative}`, {
    code: PROBLEM_CODES[problem.reason],
    ...(problem.cause === undefined ? {} : { cause: problem.cause }),
  });
}
