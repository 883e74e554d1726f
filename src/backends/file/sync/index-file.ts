/**
 * The syncer's persistent index: what the last syncer over this root saw in its first full
 * look, so that a restart over an unchanged tree reads and parses nothing (issue 19: a restart
 * was as slow as a first start). One file at the root, `.kvdir-index`, under kvdir's hidden
 * names (walks, watchers and `kvdir check` pass it by).
 *
 * A header line (JSON), then one line per directory the walk listed (but the root, which the
 * index itself is in: see SessionIndex) and per key it sent, in
 * the walk's order (key-path order): `d <order> <stamp> <names> <types>` and
 * `k <path> <signature> <revision> <tag> <expiry> <value as JSON>`, tab-separated. A signature
 * is the inode, size, mtime and ctime of a key's value file and of its sidecar; a stamp the
 * same four of a directory, taken before it was listed. The next session's first look, which
 * walks in the same order, reads the file once from start to end beside its walk (a few
 * megabytes of memory whatever the tree's size) and takes a key from it only when a fresh lstat
 * of its two files gives the same signature, and a directory's entries only when its stamp is
 * the same: any edit, rename, same-size rewrite (ctime changes even when `touch -r` puts the
 * mtime back), `git checkout` or copy changes them. The next index is the rows kept and the rows
 * made anew in the same order; when it would be the last one byte for byte (nothing changed),
 * the last one is left as it is, unwritten (writing 80 MB again was 3-5% of a restart).
 *
 * Never trusted when in doubt: a file that is not a regular file, or whose header is not this
 * format and kvdir version written for this root (device, inode and birth time of the root
 * directory: a copied tree, `cp -a` included, has another) is ignored whole; a line that does
 * not read as a row ends the reading. Entries changed less than INDEX_RACY_MS before they were
 * written are left out (git's racy-clean rule: their timestamps may not tell a later same-size
 * rewrite apart; some file systems keep times to a second or two). A file that does not end
 * with the end row (cut short, or a tail of zeros after a crash) is ignored. Written to a temp file and
 * renamed over the old one once the walk has ended: two syncers leave one whole index (the
 * last), and a reader sees the old file or the new one.
 */
import { join } from 'node:path';
import type { DirentLike, FsLike, StatsLike } from '../fs-like.js';
import { INTERNAL_PREFIX, tempName } from '../layout.js';
import { uniqueId } from '../unique-id.js';
import { LineReader } from './index-lines.js';

export const INDEX_NAME = `${INTERNAL_PREFIX}index`;
const FORMAT = 'kvdir-syncer-index';
const VERSION = 2;
export const INDEX_RACY_MS = 2000;
/** The last line of a whole index: `end<tab><rows>`. */
const END = 'end\t';

/** A row as read from the index: its text, and where it starts and ends in the file (bytes, its line break included). */
export interface IndexRow {
  line: string;
  start: number;
  end: number;
}

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
  /** The row it was read from: written again as it is when the key is unchanged. */
  row?: IndexRow;
}

/** A directory's entries as a walk listed them, with its stamp before the listing. */
export interface KnownListing {
  stamp: string;
  entries: DirentLike[];
  /** The row it was read from. */
  row?: IndexRow;
}

/** The last index, as the writer of the next one may keep it (see IndexWriter). */
export interface LastIndex {
  /** Where its first row starts (after the header), and where its end row starts. */
  rowsStart: number;
  endStart: number;
  /** Reads up to `length` of its bytes at `position` into the start of `into`; the count read. */
  read(into: Buffer, position: number, length: number): number;
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

function headerOf(owner: IndexOwner): string {
  return JSON.stringify({
    format: FORMAT,
    version: VERSION,
    codec: owner.codec,
    root: owner.rootId,
  });
}

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

/**
 * Reads an index alongside a walk: asked for directories and keys in the order the walk meets
 * them, it passes over rows of things that are gone and keeps rows ahead of what is asked
 * (new things have none). Asked for something before the last thing asked (another prefix
 * order), it starts again from the top of the same file.
 */
export class IndexReader {
  readonly #lines: LineReader;
  readonly #last: LastIndex;
  #line: string | undefined;
  #start = 0;
  #end = 0;
  #kind = '';
  #order = '';
  #asked = '';

  private constructor(lines: LineReader, last: LastIndex) {
    this.#lines = lines;
    this.#last = last;
    this.#advance();
  }

  /** The index of `owner`'s root, or undefined when there is none to trust (see above). */
  static open(fs: FsLike, owner: IndexOwner): IndexReader | undefined {
    const lines = LineReader.open(fs, join(owner.root, INDEX_NAME));
    if (lines === undefined) return undefined;
    // Whole (its last line is the end row) and this root's (its first line is this header).
    const end = lines.lastLine();
    if (end?.startsWith(END) !== true || lines.next() !== headerOf(owner)) {
      lines.close();
      return undefined;
    }
    const last: LastIndex = {
      rowsStart: lines.lineEnd,
      endStart: lines.size() - Buffer.byteLength(end) - 1,
      read: (into, position, length) => lines.readAt(into, position, length),
    };
    return new IndexReader(lines, last);
  }

  /** The file read, for the writer of the next index (open until `close()`). */
  get last(): LastIndex {
    return this.#last;
  }

  /** The listing of the directory the walk orders as `order`, if the index has it. */
  dir(order: string): KnownListing | undefined {
    const row = this.#find('d', order);
    const fields = row?.line.split('\t');
    if (row === undefined || fields?.length !== 5) return undefined;
    const [, , stamp, names, types] = fields as [string, string, string, string, string];
    if (types === '') return names === '' ? { stamp, entries: [], row } : undefined;
    const split = names.split('/');
    if (split.length !== types.length) return undefined;
    const entries = split.map((name, i) => new IndexedDirent(name, types[i] ?? 'o'));
    return { stamp, entries, row };
  }

  /** The key at `path`, if the index has it. */
  key(path: string): IndexedKey | undefined {
    const row = this.#find('k', path);
    const fields = row?.line.split('\t');
    if (row === undefined || fields?.length !== 7) return undefined;
    const [, , signature, revision, tag, expires, json] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const expiresAt = Number(expires);
    if (!/^[\x21-\x7e]+$/.test(revision)) return undefined;
    // The revision outlives the row (the picture keeps it): a copy of its own, not a slice of
    // the line that would keep the whole line (about 500 bytes a key) alive.
    const own = Buffer.from(revision, 'latin1').toString('latin1');
    return Number.isFinite(expiresAt)
      ? { signature, revision: own, tag, expiresAt, json, row }
      : undefined;
  }

  close(): void {
    this.#lines.close();
    this.#line = undefined;
  }

  /** The row of `kind` at `order`, passing over rows before it. */
  #find(kind: string, order: string): IndexRow | undefined {
    if (order < this.#asked) this.#restart();
    this.#asked = order;
    while (this.#line !== undefined && this.#order < order) this.#advance();
    const line = this.#line;
    if (line === undefined || this.#kind !== kind || this.#order !== order) return undefined;
    const row = { line, start: this.#start, end: this.#end };
    this.#advance();
    return row;
  }

  #restart(): void {
    this.#lines.rewind();
    this.#lines.next(); // the header, checked when the file was opened
    this.#asked = '';
    this.#advance();
  }

  /** The next row's line, kind and order (no more rows at a line that is not one). */
  #advance(): void {
    const line = this.#lines.next();
    const kindEnd = line?.indexOf('\t') ?? -1;
    const orderEnd = kindEnd === -1 ? -1 : (line?.indexOf('\t', kindEnd + 1) ?? -1);
    if (line === undefined || orderEnd === -1) {
      this.#line = undefined;
      return;
    }
    this.#line = line;
    this.#start = this.#lines.lineStart;
    this.#end = this.#lines.lineEnd;
    this.#kind = line.slice(0, kindEnd);
    this.#order = line.slice(kindEnd + 1, orderEnd);
  }
}

/** The newest mtime or ctime in a signature or stamp (`ino:size:mtime:ctime`, `|`-joined), or Infinity. */
function newestTime(signature: string): number {
  let newest = 0;
  for (const part of signature.split('|')) {
    if (part === '-') continue;
    // ino:size:mtime:ctime: the last two fields.
    const ctimeAt = part.lastIndexOf(':');
    const mtimeAt = part.lastIndexOf(':', ctimeAt - 1);
    if (mtimeAt <= 0) return Number.POSITIVE_INFINITY;
    const mtime = Number(part.slice(mtimeAt + 1, ctimeAt));
    newest = Math.max(newest, mtime, Number(part.slice(ctimeAt + 1)));
  }
  return Number.isNaN(newest) ? Number.POSITIVE_INFINITY : newest;
}

/**
 * Bytes the writer gathers before a write. Rows are encoded into this buffer as they come, so
 * that no row's string outlives the row: held until a flush, a megabyte of them (3,000 rows of
 * the deep layout) outlived two scavenges each and was promoted, and the old generation grew
 * with that garbage (issue 19: about 200 MB of the syncer's 516 MB peak at 100,000 endpoints).
 */
const CHUNK_BYTES = 1 << 20;

/** A field that a row cannot hold (the separators): such a directory or key is not indexed. */
const UNWRITABLE = /[\t\n\r]/;

/**
 * Writes a new index beside a walk; nothing replaces the old one until `finish()`. Given the
 * last index, it writes nothing while the rows it is given are that index's own rows, one after
 * another from its first: at the first row that is not (a row made anew, or one passed over),
 * it copies the rows kept so far from the last index into its temp file and goes on from there;
 * if it never comes to one and ends where the last index ends, that index stays as it is.
 */
export class IndexWriter {
  readonly #fs: FsLike;
  readonly #target: string;
  readonly #temp: string;
  readonly #racyMs: number;
  readonly #last: LastIndex | undefined;
  readonly #chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  #fd: number | undefined;
  /** While the rows given are the last index's own, where the next one of them starts; -1 once not. */
  #kept: number;
  #used = 0;
  #failed = false;
  #rows = 0;

  private constructor(fs: FsLike, owner: IndexOwner, racyMs: number, last: LastIndex | undefined) {
    this.#fs = fs;
    this.#target = join(owner.root, INDEX_NAME);
    this.#temp = join(owner.root, tempName(INDEX_NAME, uniqueId()));
    this.#racyMs = racyMs;
    this.#last = last;
    this.#kept = last === undefined ? -1 : last.rowsStart;
    if (last !== undefined) {
      this.#rows = 1; // the header: the last index's own (it was read for this owner)
      return;
    }
    this.#open();
    this.#add(headerOf(owner));
  }

  /**
   * A writer that follows `last` (see above), or undefined when the temp file cannot be made
   * (a read-only tree: no index).
   */
  static create(
    fs: FsLike,
    owner: IndexOwner,
    racyMs = INDEX_RACY_MS,
    last?: LastIndex,
  ): IndexWriter | undefined {
    const writer = new IndexWriter(fs, owner, racyMs, last);
    return writer.#failed ? undefined : writer;
  }

  /** A row read from the last index, for something that has not changed since. */
  same(row: IndexRow): void {
    if (row.start === this.#kept) {
      this.#kept = row.end;
      this.#rows++;
      return;
    }
    this.#add(row.line);
  }

  dir(order: string, stamp: string, entries: DirentLike[], now: number): void {
    if (this.#fresh(stamp, now)) return;
    let names = '';
    let types = '';
    for (const entry of entries) {
      const name = typeof entry.name === 'string' ? entry.name : Buffer.from(entry.name).toString();
      names = types === '' ? name : `${names}/${name}`;
      types += entry.isDirectory()
        ? 'd'
        : entry.isFile()
          ? 'f'
          : entry.isSymbolicLink()
            ? 'l'
            : 'o';
    }
    if (UNWRITABLE.test(order) || UNWRITABLE.test(names)) return;
    this.#add(`d\t${order}\t${stamp}\t${names}\t${types}`);
  }

  key(path: string, key: IndexedKey, now: number): void {
    if (key.row !== undefined) return this.same(key.row);
    if (this.#fresh(key.signature, now) || UNWRITABLE.test(path)) return;
    const { signature, revision, tag, expiresAt, json } = key;
    this.#add(`k\t${path}\t${signature}\t${revision}\t${tag}\t${expiresAt}\t${json}`);
  }

  /** Puts the new index in place of the old one; an I/O error leaves the old one. */
  finish(): void {
    // Every row of the last index, one after another: it is the new one.
    if (this.#kept !== -1 && this.#kept === this.#last?.endStart) return;
    this.#add(`${END}${this.#rows}`);
    this.#flush();
    this.#close(!this.#failed);
  }

  /** Leaves the old index as it is (the walk did not end). */
  abandon(): void {
    if (this.#fd !== undefined) this.#close(false);
  }

  #fresh(stamp: string, now: number): boolean {
    return stamp === '' || newestTime(stamp) > now - this.#racyMs;
  }

  #add(line: string): void {
    this.#rows++;
    if (this.#kept !== -1) this.#copyKept();
    if (this.#failed) return;
    // A UTF-8 byte is at most 3 a UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    if (this.#used + line.length * 3 + 1 > CHUNK_BYTES) this.#flush();
    if (line.length * 3 + 1 > CHUNK_BYTES) {
      this.#write(Buffer.from(`${line}\n`, 'utf8'));
      return;
    }
    this.#used += this.#chunk.write(line, this.#used, 'utf8');
    this.#chunk[this.#used++] = 0x0a;
  }

  /** The rows kept so far (and the header), copied from the last index into the temp file. */
  #copyKept(): void {
    const kept = this.#kept;
    this.#kept = -1;
    this.#open();
    for (let at = 0; at < kept && !this.#failed;) {
      const read = this.#last?.read(this.#chunk, at, Math.min(CHUNK_BYTES, kept - at)) ?? 0;
      if (read === 0) this.#failed = true;
      else this.#write(this.#chunk.subarray(0, read));
      at += read;
    }
  }

  #open(): void {
    try {
      this.#fd = this.#fs.openSync(this.#temp, 'wx', 0o644);
    } catch {
      this.#failed = true;
    }
  }

  #flush(): void {
    const used = this.#used;
    this.#used = 0;
    if (used > 0) this.#write(this.#chunk.subarray(0, used));
  }

  #write(bytes: Buffer): void {
    if (this.#failed || this.#fd === undefined) return;
    try {
      for (let at = 0; at < bytes.length;)
        at += this.#fs.writeSync(this.#fd, bytes, at, bytes.length - at);
    } catch {
      this.#failed = true;
    }
  }

  #close(keep: boolean): void {
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd === undefined) return;
    try {
      this.#fs.closeSync(fd);
      if (keep) this.#fs.renameSync(this.#temp, this.#target);
      else this.#fs.unlinkSync(this.#temp);
    } catch {
      // No new index this time: the next start reads what changed, as without one.
    }
  }
}
