/**
 * The index's lines, read a megabyte at a time from a descriptor opened as every read of the
 * tree is (no link, no FIFO, a regular file): an index of 100,000 endpoints is about 80 MB,
 * and reading it whole (then parsing it) took more memory than the rest of a syncer.
 */
import type { FsLike } from '../fs-like.js';
import { checkRegularFd, openRegularFile } from '../fs-like.js';

const CHUNK = 1 << 20;
/** Longer than any row kvdir writes (values are at most maxValueBytes, 4 MiB by default, as JSON). */
const MAX_LINE = 64 << 20;
const LIMIT = { bytes: Number.MAX_SAFE_INTEGER, name: 'the size of an index' };

export class LineReader {
  readonly #fs: FsLike;
  readonly #fd: number;
  /** Where lines are read into; grows only for a line longer than a chunk. */
  #storage = Buffer.alloc(0);
  /** The bytes read and not yet given out as lines start at `#at` in this view of `#storage`. */
  #buffer = Buffer.alloc(0);
  #at = 0;
  #position = 0;
  #done = false;
  /** Where the last line given starts in the file, and where the next one starts (bytes). */
  lineStart = 0;
  lineEnd = 0;

  private constructor(fs: FsLike, fd: number) {
    this.#fs = fs;
    this.#fd = fd;
  }

  /** The lines of the regular file at `path`; undefined when there is none, or it is not one. */
  static open(fs: FsLike, path: string): LineReader | undefined {
    let fd: number | undefined;
    try {
      fd = openRegularFile(fs, path, { limit: LIMIT, lstatFirst: true });
      if (fd === undefined) return undefined;
      checkRegularFd(fs, fd, path, LIMIT);
      return new LineReader(fs, fd);
    } catch {
      if (fd !== undefined) fs.closeSync(fd);
      return undefined;
    }
  }

  /** The file's last line (without its line break), read apart from the lines; undefined if it has none. */
  lastLine(): string | undefined {
    try {
      const size = Number(this.#fs.fstatSync(this.#fd).size);
      const length = Math.min(size, 256);
      const tail = Buffer.alloc(length);
      const read = this.#fs.readSync(this.#fd, tail, 0, length, size - length);
      const text = tail.toString('utf8', 0, read);
      if (!text.endsWith('\n')) return undefined;
      const start = text.lastIndexOf('\n', text.length - 2);
      return start === -1 ? undefined : text.slice(start + 1, -1);
    } catch {
      return undefined;
    }
  }

  /** The next line without its line break; undefined at the end (or at a line too long to be one). */
  next(): string | undefined {
    for (;;) {
      const end = this.#buffer.indexOf(10, this.#at);
      if (end !== -1) {
        const line = this.#buffer.toString('utf8', this.#at, end);
        // `#buffer` holds the bytes of the file before `#position`.
        const base = this.#position - this.#buffer.length;
        this.lineStart = base + this.#at;
        this.lineEnd = base + end + 1;
        this.#at = end + 1;
        return line;
      }
      if (this.#done || this.#buffer.length - this.#at > MAX_LINE) return undefined;
      this.#fill();
    }
  }

  /** The file's size in bytes (0 when it cannot be told). */
  size(): number {
    try {
      return Number(this.#fs.fstatSync(this.#fd).size);
    } catch {
      return 0;
    }
  }

  /** Gives the lines again from the first. */
  rewind(): void {
    this.#buffer = this.#storage.subarray(0, 0);
    this.#at = 0;
    this.#position = 0;
    this.#done = false;
    this.lineStart = 0;
    this.lineEnd = 0;
  }

  /** Reads up to `length` bytes at `position` into the start of `into`, apart from the lines; the count read (0 on an error). */
  readAt(into: Buffer, position: number, length: number): number {
    try {
      return this.#fs.readSync(this.#fd, into, 0, length, position);
    } catch {
      return 0;
    }
  }

  close(): void {
    this.#done = true;
    try {
      this.#fs.closeSync(this.#fd);
    } catch {
      // Closed already.
    }
  }

  /**
   * Reads the next chunk after the bytes not yet given out, which move to the front of the
   * same storage (a new buffer for each chunk, twice a megabyte with the copy of what was left,
   * was about 50 MB of garbage outside the heap at InSync of a restart at 100,000 endpoints).
   */
  #fill(): void {
    const rest = this.#buffer.length - this.#at;
    if (rest + CHUNK > this.#storage.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.#storage.length, rest + CHUNK, 2 * CHUNK));
      this.#buffer.copy(grown, 0, this.#at);
      this.#storage = grown;
    } else {
      // `#buffer` is a view of the start of `#storage`.
      this.#storage.copyWithin(0, this.#at, this.#buffer.length);
    }
    let read = 0;
    try {
      read = this.#fs.readSync(this.#fd, this.#storage, rest, CHUNK, this.#position);
    } catch {
      read = 0;
    }
    if (read === 0) this.#done = true;
    this.#position += read;
    this.#buffer = this.#storage.subarray(0, rest + read);
    this.#at = 0;
  }
}
