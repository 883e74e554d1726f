/**
 * The syncer's persistent index: what the last syncer over this root knew, so that a restart
 * over an unchanged tree reads and parses nothing (issue 19: a restart was as slow as a first
 * start; with the index, stats and watches only). One file at the root, `.kvdir-index`, under
 * kvdir's hidden names (walks, watchers and `kvdir check` pass it by).
 *
 * It holds, for each key the consumer was sent, the stat signature of its value file and
 * sidecar (inode, size, mtime, ctime of each), its revision, its value as JSON and the key's
 * value kind and type; and for each directory the walk listed, its stamp (the same four stats)
 * and its entries. A restart trusts an entry only when a fresh stat gives the same signature,
 * and a listing only when the directory's stamp is the same: any edit, rename, same-size rewrite
 * (ctime changes even when `touch -r` puts the mtime back), `git checkout` or copy changes them.
 *
 * Never trusted when in doubt: a file that is not a regular file, too large, not JSON, of
 * another format version or kvdir version, or written for another root (device, inode and
 * birth time of the root directory: a copied tree, `cp -a` included, has another) is ignored
 * whole. Entries changed less than INDEX_RACY_MS before the index was written are left out
 * (git's racy-clean rule: their timestamps may not tell a later same-size rewrite apart).
 * Written atomically (temp file + rename): two syncers writing it leave one complete index (the
 * last), and a reader sees the old file or the new one, whole.
 */
import { join } from 'node:path';
import type { DirentLike, FsLike, StatsLike } from '../fs-like.js';
import { readRegularFile } from '../fs-like.js';
import { INTERNAL_PREFIX, tempName } from '../layout.js';
import { uniqueId } from '../unique-id.js';

export const INDEX_NAME = `${INTERNAL_PREFIX}index`;
const FORMAT = 'kvdir-syncer-index';
const VERSION = 1;
/** Far above 100,000 endpoints (about 70 MB); a larger file is not read (V8's string limit is ~512 MB). */
const MAX_INDEX_BYTES = 400 * 1024 * 1024;
/** Some file systems keep times to a second or two: entries younger than this are left out. */
export const INDEX_RACY_MS = 2000;

/** A key as the index keeps it. */
export interface IndexedKey {
  signature: string;
  revision: string;
  /** The key's value kind and type: the value was decoded for these. */
  tag: string;
  /** Expiry of a TTL (ms since the epoch), 0 without one. */
  expiresAt: number;
  /** The value sent, as JSON. */
  json: string;
}

/** A directory's entries as a walk listed them, with its stamp before the listing. */
export interface KnownListing {
  stamp: string;
  entries: DirentLike[];
}

/** What a loaded index offers: keys by key path, and the listings of directories. */
export class SyncIndex {
  readonly keys: Map<string, IndexedKey>;
  readonly #root: string;
  /** By path below the root: stamp, names, types (expanded when asked for: most are asked once). */
  readonly #dirs: Map<string, [string, string, string]>;

  constructor(
    root: string,
    keys: Map<string, IndexedKey>,
    dirs: Map<string, [string, string, string]>,
  ) {
    this.#root = root;
    this.keys = keys;
    this.#dirs = dirs;
  }

  /** The listing of `dir` (absolute) the index has, if any. */
  listing(dir: string): KnownListing | undefined {
    const relative = dir === this.#root ? '' : dir.slice(this.#root.length + 1);
    const row = this.#dirs.get(relative);
    if (row === undefined) return undefined;
    const entries = expandListing(row[1], row[2]);
    return entries === undefined ? undefined : { stamp: row[0], entries };
  }
}

/** Who wrote the index, for what: it is used only by the same kvdir over the same root. */
export interface IndexOwner {
  /** The real root directory (where a root that is a link leads). */
  root: string;
  /** `<dev>:<ino>:<birth time>` of that directory. */
  rootId: string;
  /** kvdir's version (value decoding may change between versions). */
  codec: string;
}

export function rootIdOf(stats: StatsLike & { dev?: number | bigint }): string {
  return `${String(stats.dev ?? '')}:${String(stats.ino)}:${String(stats.birthtimeMs ?? '')}`;
}

const TYPE_OF = (entry: DirentLike): string =>
  entry.isDirectory() ? 'd' : entry.isFile() ? 'f' : entry.isSymbolicLink() ? 'l' : 'o';

class IndexedDirent implements DirentLike {
  readonly name: string;
  readonly #type: string;

  constructor(name: string, type: string) {
    this.name = name;
    this.#type = type;
  }

  isFile(): boolean {
    return this.#type === 'f';
  }

  isDirectory(): boolean {
    return this.#type === 'd';
  }

  isSymbolicLink(): boolean {
    return this.#type === 'l';
  }
}

/** A listing in the index's compact form: names joined by `/` (no name holds one), and their types. */
export function compactListing(entries: DirentLike[]): [string, string] {
  let names = '';
  let types = '';
  for (const entry of entries) {
    const name = typeof entry.name === 'string' ? entry.name : Buffer.from(entry.name).toString();
    names = names === '' && types === '' ? name : `${names}/${name}`;
    types += TYPE_OF(entry);
  }
  return [names, types];
}

function expandListing(names: string, types: string): DirentLike[] | undefined {
  if (types === '') return names === '' ? [] : undefined;
  const split = names.split('/');
  if (split.length !== types.length) return undefined;
  return split.map((name, i) => new IndexedDirent(name, types[i] ?? 'o'));
}

/** The index of `owner`'s root, or undefined when there is none to trust (see the top of this file). */
export function loadIndex(fs: FsLike, owner: IndexOwner): SyncIndex | undefined {
  let text: string;
  try {
    const file = readRegularFile(fs, join(owner.root, INDEX_NAME), {
      limit: { bytes: MAX_INDEX_BYTES, name: 'the size of an index' },
      lstatFirst: true,
      locate: false,
    });
    if (file === undefined) return undefined;
    text = file.bytes.toString('utf8');
  } catch {
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  return fromJson(data, owner);
}

function fromJson(data: unknown, owner: IndexOwner): SyncIndex | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const head = data as Record<string, unknown>;
  if (head.format !== FORMAT || head.version !== VERSION || head.codec !== owner.codec)
    return undefined;
  if (head.root !== owner.rootId || !Array.isArray(head.dirs) || !Array.isArray(head.keys))
    return undefined;
  const dirs = new Map<string, [string, string, string]>();
  for (const row of head.dirs as unknown[]) {
    if (!isStrings(row, 4)) return undefined;
    const [relative, stamp, names, types] = row as [string, string, string, string];
    dirs.set(relative, [stamp, names, types]);
  }
  const keys = new Map<string, IndexedKey>();
  for (const row of head.keys as unknown[]) {
    if (!Array.isArray(row) || row.length !== 6) return undefined;
    const [path, signature, revision, tag, expiresAt, json] = row as unknown[];
    if (
      typeof path !== 'string' ||
      typeof signature !== 'string' ||
      typeof revision !== 'string' ||
      typeof tag !== 'string' ||
      typeof expiresAt !== 'number' ||
      typeof json !== 'string'
    )
      return undefined;
    keys.set(path, { signature, revision, tag, expiresAt, json });
  }
  return new SyncIndex(owner.root, keys, dirs);
}

function isStrings(row: unknown, length: number): row is string[] {
  if (!Array.isArray(row) || row.length !== length) return false;
  for (const cell of row) if (typeof cell !== 'string') return false;
  return true;
}

/** The newest mtime or ctime in a signature or stamp (`ino:size:mtime:ctime`, `|`-joined), or Infinity. */
function newestTime(signature: string): number {
  let newest = 0;
  for (const part of signature.split('|')) {
    if (part === '-') continue;
    const fields = part.split(':');
    if (fields.length !== 4) return Number.POSITIVE_INFINITY;
    newest = Math.max(newest, Number(fields[2]), Number(fields[3]));
  }
  return Number.isNaN(newest) ? Number.POSITIVE_INFINITY : newest;
}

/** What an index is written from: keys by key path, listings by absolute directory path. */
export interface IndexContent {
  keys: Iterable<[string, IndexedKey]>;
  dirs: Iterable<[string, string, string, string]>;
}

/**
 * Writes the index of `owner`'s root (temp file + rename, no fsync: it is a cache, and a torn
 * one is not JSON). `now` is the wall-clock time the entries are compared with. Throws on an
 * I/O error (the caller goes on without an index).
 */
export function writeIndex(
  fs: FsLike,
  owner: IndexOwner,
  content: IndexContent,
  now: number,
  racyMs = INDEX_RACY_MS,
): void {
  const fresh = (stamp: string): boolean => stamp === '' || newestTime(stamp) > now - racyMs;
  const target = join(owner.root, INDEX_NAME);
  const temp = join(owner.root, tempName(INDEX_NAME, uniqueId()));
  const fd = fs.openSync(temp, 'wx', 0o644);
  try {
    const out = new ChunkedWriter(fs, fd);
    const head = { format: FORMAT, version: VERSION, codec: owner.codec, root: owner.rootId };
    out.add(`${JSON.stringify(head).slice(0, -1)},"writtenAt":${now},"dirs":[`);
    let first = true;
    for (const [dir, stamp, names, types] of content.dirs) {
      if (fresh(stamp)) continue;
      const relative = dir === owner.root ? '' : dir.slice(owner.root.length + 1);
      out.add(`${first ? '' : ','}${JSON.stringify([relative, stamp, names, types])}`);
      first = false;
    }
    out.add('],"keys":[');
    first = true;
    for (const [path, key] of content.keys) {
      if (fresh(key.signature)) continue;
      const row = [path, key.signature, key.revision, key.tag, key.expiresAt, key.json];
      out.add(`${first ? '' : ','}${JSON.stringify(row)}`);
      first = false;
    }
    out.add(']}\n');
    out.flush();
  } catch (err) {
    fs.closeSync(fd);
    fs.unlinkSync(temp);
    throw err;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(temp, target);
  } catch (err) {
    fs.unlinkSync(temp);
    throw err;
  }
}

/** Strings written out in chunks of about a megabyte: the index is never one string in memory. */
class ChunkedWriter {
  readonly #fs: FsLike;
  readonly #fd: number;
  #parts: string[] = [];
  #size = 0;

  constructor(fs: FsLike, fd: number) {
    this.#fs = fs;
    this.#fd = fd;
  }

  add(text: string): void {
    this.#parts.push(text);
    this.#size += text.length;
    if (this.#size >= 1 << 20) this.flush();
  }

  flush(): void {
    const bytes = Buffer.from(this.#parts.join(''), 'utf8');
    this.#parts = [];
    this.#size = 0;
    for (let offset = 0; offset < bytes.length;)
      offset += this.#fs.writeSync(this.#fd, bytes, offset, bytes.length - offset);
  }
}
