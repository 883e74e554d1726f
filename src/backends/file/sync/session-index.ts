/**
 * The persistent index over the life of a file source (index-file.ts has the format): loaded
 * when a session starts, used by that session's first full look only, and written after full
 * looks that walked the whole of every prefix (the first, and the periodic ones), from the
 * picture's keys and the listings the walk recorded. Node's fs only: a memfs tree does not
 * outlive its process.
 */
import type { DirentLike, FsLike } from '../fs-like.js';
import { packageVersion } from '../../../core/package-version.js';
import type { IndexOwner, IndexedKey, KnownListing, SyncIndex } from './index-file.js';
import { compactListing, loadIndex, rootIdOf, writeIndex } from './index-file.js';
import type { Listing } from './watch/port.js';

let codec: Promise<string> | undefined;

export class SessionIndex {
  readonly #fs: FsLike;
  readonly #enabled: boolean;
  #owner: IndexOwner | undefined;
  #loaded: SyncIndex | undefined;
  /** Listings of the full look under way, by directory: stamp, names, types. */
  #listings: Map<string, [string, string, string]> | undefined;

  constructor(fs: FsLike, enabled: boolean) {
    this.#fs = fs;
    this.#enabled = enabled;
  }

  /** Loads the index of the directory the session watches (`root`: its real path), if one can be trusted. */
  async open(root: string): Promise<void> {
    this.#owner = undefined;
    this.#loaded = undefined;
    if (!this.#enabled) return;
    const stats = await this.#fs.promises.stat(root).catch(() => undefined);
    if (stats?.isDirectory() !== true) return;
    codec ??= packageVersion();
    this.#owner = { root, rootId: rootIdOf(stats), codec: await codec };
    this.#loaded = loadIndex(this.#fs, this.#owner);
  }

  /** The loaded index's keys (undefined once the first full look is done). */
  get keys(): Map<string, IndexedKey> | undefined {
    return this.#loaded?.keys;
  }

  /** The loaded index's listing of `dir`, if it has one. */
  known(dir: string): KnownListing | undefined {
    return this.#loaded?.listing(dir);
  }

  /** The first full look is done: the loaded index is let go. */
  drop(): void {
    this.#loaded = undefined;
  }

  /** A full look of every prefix starts: its listings are recorded for the next index. */
  record(): void {
    if (this.#owner !== undefined) this.#listings = new Map();
  }

  /** A listing of the full look under way. */
  listed(dir: string, listing: Listing): void {
    this.#listings?.set(dir, [listing.stamp, ...compactListing(listing.entries as DirentLike[])]);
  }

  /**
   * Writes the index from `keys` and the recorded listings (`complete`: the look walked every
   * prefix to the end). An I/O error (a read-only tree, a full disk) leaves no index: the next
   * start reads everything, as without one.
   */
  write(
    keys: Iterable<[string, IndexedKey]>,
    now: number,
    complete: boolean,
    racyMs?: number,
  ): void {
    const listings = this.#listings;
    this.#listings = undefined;
    const owner = this.#owner;
    if (owner === undefined || listings === undefined || !complete) return;
    const dirs = (function* (): Iterable<[string, string, string, string]> {
      for (const [dir, [stamp, names, types]] of listings) yield [dir, stamp, names, types];
    })();
    try {
      writeIndex(this.#fs, owner, { keys, dirs }, now, racyMs);
    } catch {
      // No index this time.
    }
  }
}
