/**
 * The keys the consumer holds, by key path: each with its key, the revision it was sent with,
 * the mark of the last full look that saw it, and a slot for the change source's own data
 * about it (the file source keeps a stat signature there). An index of children finds a
 * subtree's keys without scanning every entry. Pure: no I/O.
 */
import type { Key } from '../model/key.js';
import { parentPath } from '../model/key-path.js';
import type { Members } from './members.js';
import { hasMember, memberCount, withMember, withoutMember } from './members.js';

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
  /**
   * Parent path -> child paths (directories and keys) that lead to cached keys; built at the
   * first `pathsUnder` (a syncer's first walk fills the cache and asks for none: building it
   * then was 4% of a restart at 100,000 keys) and kept up to date from then on.
   */
  #children: Map<string, Members> | undefined;

  get size(): number {
    return this.#entries.size;
  }

  get(path: string): CachedKey<S> | undefined {
    return this.#entries.get(path);
  }

  set(path: string, entry: CachedKey<S>): void {
    if (this.#children !== undefined && !this.#entries.has(path)) this.#link(path);
    this.#entries.set(path, entry);
  }

  delete(path: string): void {
    if (this.#entries.delete(path) && this.#children !== undefined) this.#unlink(path);
  }

  /** Cached key paths equal to `prefix` or below it. */
  pathsUnder(prefix: string): string[] {
    if (this.#children === undefined) {
      this.#children = new Map();
      for (const path of this.#entries.keys()) this.#link(path);
    }
    const children = this.#children;
    const found: string[] = [];
    const visit = (path: string): void => {
      if (this.#entries.has(path)) found.push(path);
      for (const child of children.get(path) ?? []) visit(child);
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
    const children = this.#children;
    if (children === undefined) return;
    for (let child = path; child !== '/';) {
      const parent = parentPath(child);
      const members = children.get(parent);
      if (hasMember(members, child)) return;
      const added = withMember(members, child);
      if (added !== members) children.set(parent, added);
      child = parent;
    }
  }

  #unlink(path: string): void {
    const children = this.#children;
    if (children === undefined) return;
    for (let child = path; child !== '/';) {
      if (this.#entries.has(child) || memberCount(children.get(child)) > 0) return;
      const parent = parentPath(child);
      if (withoutMember(children.get(parent), child) === undefined) children.delete(parent);
      child = parent;
    }
  }
}
