/**
 * The keys the consumer holds, by key path: each with its key, the revision it was sent with,
 * the mark of the last full look that saw it, and a slot for the change source's own data
 * about it (the file source keeps a stat signature there). An index of children finds a
 * subtree's keys without scanning every entry. Pure: no I/O.
 */
import type { Key } from '../model/key.js';
import { parentPath } from '../model/key-path.js';

export interface CachedKey<S> {
  key: Key;
  revision: string;
  /** The change source's own data about the key. */
  state: S;
  /** The number of the last full look that saw the key (see Picture). */
  mark?: number;
}

export class KeyCache<S> {
  readonly #entries = new Map<string, CachedKey<S>>();
  /** Parent path -> child paths (directories and keys) that lead to cached keys. */
  readonly #children = new Map<string, Set<string>>();

  get(path: string): CachedKey<S> | undefined {
    return this.#entries.get(path);
  }

  set(path: string, entry: CachedKey<S>): void {
    if (!this.#entries.has(path)) this.#link(path);
    this.#entries.set(path, entry);
  }

  delete(path: string): void {
    if (this.#entries.delete(path)) this.#unlink(path);
  }

  /** Cached key paths equal to `prefix` or below it. */
  pathsUnder(prefix: string): string[] {
    const found: string[] = [];
    const visit = (path: string): void => {
      if (this.#entries.has(path)) found.push(path);
      for (const child of this.#children.get(path) ?? []) visit(child);
    };
    visit(prefix);
    return found;
  }

  entries(): IterableIterator<[string, CachedKey<S>]> {
    return this.#entries.entries();
  }

  paths(): IterableIterator<string> {
    return this.#entries.keys();
  }

  #link(path: string): void {
    for (let child = path; child !== '/';) {
      const parent = parentPath(child);
      let set = this.#children.get(parent);
      if (set === undefined) this.#children.set(parent, (set = new Set()));
      if (set.has(child)) return;
      set.add(child);
      child = parent;
    }
  }

  #unlink(path: string): void {
    for (let child = path; child !== '/';) {
      if (this.#entries.has(child) || (this.#children.get(child)?.size ?? 0) > 0) return;
      const parent = parentPath(child);
      const set = this.#children.get(parent);
      set?.delete(child);
      if (set?.size === 0) this.#children.delete(parent);
      child = parent;
    }
  }
}
