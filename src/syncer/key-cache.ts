/**
 * What the consumer already holds: for every key path sent, its key, revision and the file
 * signature it was read at (so an unchanged file is not parsed again), with an index of
 * children so a subtree's keys are found without scanning every entry. Pure: no I/O.
 */
import type { Key } from '../model/key.js';
import { parentPath } from '../model/key-path.js';

export interface CachedKey {
  key: Key;
  revision: string;
  /** Stat signature of the value file and its sidecar when read. */
  signature: string;
  /** Expiry of a TTL, ms since the epoch. */
  expiresAt?: number;
  /** The number of the last full walk that found the key's file (the reconciler's mark). */
  walk?: number;
}

export class KeyCache {
  readonly #entries = new Map<string, CachedKey>();
  /** Parent path -> child paths (directories and keys) that lead to cached keys. */
  readonly #children = new Map<string, Set<string>>();

  get size(): number {
    return this.#entries.size;
  }

  get(path: string): CachedKey | undefined {
    return this.#entries.get(path);
  }

  set(path: string, entry: CachedKey): void {
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

  paths(): IterableIterator<string> {
    return this.#entries.keys();
  }

  clear(): void {
    this.#entries.clear();
    this.#children.clear();
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
