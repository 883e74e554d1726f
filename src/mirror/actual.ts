/**
 * What the mirror knows etcd holds below its prefix, and as of which revision, key by key:
 * from a full read (all keys known at its revision), the mirror's own txns (their keys known
 * at the txn's revision), the current entries a refused txn returned, and the drift watch.
 *
 * That "known at" revision is what tells the mirror's own writes from foreign ones: a watch
 * event at or below what is known of its key is old news (the mirror's own txn, or something
 * a read already showed); one above it is a foreign change. The mirror handles watch events
 * only between its txns, so the response of a txn is always recorded before its events are
 * looked at (a watcher may see an event before the writer sees its response). Pure.
 */
import type {
  MirrorChange,
  MirrorEntry,
  MirrorWrite,
  PrefixRead,
} from '../backends/etcd/mirror-types.js';

export class ActualPicture {
  #entries = new Map<string, MirrorEntry>();
  /** Revision of the last full read: every key is known at least as of it. */
  #base = 0n;
  /** Keys known as of a later revision than `#base`. */
  readonly #knownAt = new Map<string, bigint>();

  get size(): number {
    return this.#entries.size;
  }

  get revision(): string {
    return String(this.#base);
  }

  get(path: string): MirrorEntry | undefined {
    return this.#entries.get(path);
  }

  paths(): IterableIterator<string> {
    return this.#entries.keys();
  }

  /** A full read replaces everything. */
  reset(read: PrefixRead): void {
    this.#entries = read.entries;
    this.#base = BigInt(read.revision);
    this.#knownAt.clear();
  }

  /** The mirror's txn applied `writes` at `revision`. */
  applied(writes: readonly MirrorWrite[], revision: string): void {
    const at = BigInt(revision);
    for (const write of writes) {
      if (write.kind === 'delete') this.#entries.delete(write.path);
      else {
        const leased = write.ttlMs !== undefined && write.ttlMs > 0;
        this.#entries.set(write.path, { bytes: write.bytes, modRevision: revision, leased });
      }
      this.#knownAt.set(write.path, at);
    }
  }

  /** A refused txn's view of its keys at `revision` (undefined: no key). */
  current(entries: ReadonlyMap<string, MirrorEntry | undefined>, revision: string): void {
    const at = BigInt(revision);
    for (const [path, entry] of entries) {
      if (at < this.#known(path)) continue;
      if (entry === undefined) this.#entries.delete(path);
      else this.#entries.set(path, entry);
      this.#knownAt.set(path, at);
    }
  }

  /** A change from the watch: applied and true when it is news, false when already known. */
  observe(change: MirrorChange): boolean {
    const at = BigInt(change.revision);
    if (at <= this.#known(change.path)) return false;
    if (change.entry === undefined) this.#entries.delete(change.path);
    else this.#entries.set(change.path, change.entry);
    this.#knownAt.set(change.path, at);
    return true;
  }

  #known(path: string): bigint {
    return this.#knownAt.get(path) ?? this.#base;
  }
}
