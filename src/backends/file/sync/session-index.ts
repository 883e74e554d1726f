/**
 * The persistent index over a session's first full look (index-file.ts has the format): the
 * index the last syncer left is read beside the walk, and a new one is written beside it and
 * put in place when the walk ends (unless it would be the last one byte for byte: see
 * IndexWriter). Later changes are not written: a restart reads what changed since (a stat tells
 * it) and writes the index afresh. Node's fs only: a memfs tree does not outlive its process.
 */
import { wallNow } from '../../../core/clock.js';
import type { Clock } from '../../../core/clock.js';
import { packageVersion } from '../../../package-version.js';
import type { FsLike } from '../fs-like.js';
import type { IndexOwner, IndexedKey, KnownListing } from './index-file.js';
import { IndexReader, IndexWriter, rootIdOf } from './index-file.js';
import type { Listing } from './watch/port.js';

let codec: Promise<string> | undefined;

/** What the reconciler asks of the index while a first full look walks. */
export interface IndexUse {
  /** The key as the last index has it. */
  key(path: string): IndexedKey | undefined;
  /** The key was sent (or taken from the index): it goes into the new index. */
  sent(path: string, key: IndexedKey): void;
}

export class SessionIndex implements IndexUse {
  readonly #fs: FsLike;
  readonly #clock: Clock;
  readonly #enabled: boolean;
  readonly #racyMs: number;
  #reader: IndexReader | undefined;
  #writer: IndexWriter | undefined;

  constructor(fs: FsLike, clock: Clock, enabled: boolean, racyMs: number) {
    this.#fs = fs;
    this.#clock = clock;
    this.#enabled = enabled;
    this.#racyMs = racyMs;
  }

  /**
   * The first full look of a session over `root` (the real path of the directory it watches)
   * begins: the index there is opened, if one can be trusted, and a new one started.
   */
  async begin(root: string): Promise<void> {
    this.end(false);
    if (!this.#enabled) return;
    const stats = await this.#fs.promises.stat(root).catch(() => undefined);
    if (stats?.isDirectory() !== true) return;
    codec ??= packageVersion();
    const owner: IndexOwner = { root, rootId: rootIdOf(stats), codec: await codec };
    this.#reader = IndexReader.open(this.#fs, owner);
    this.#writer = IndexWriter.create(this.#fs, owner, this.#racyMs, this.#reader?.last);
  }

  /**
   * The last index's listing of the directory at `order` in the walk's order. The root's
   * (order '') is not indexed: the index is a file in it, so writing one changes the root, whose
   * stamp would never be the one indexed (and every restart would write the index again).
   */
  knownDir(order: string): KnownListing | undefined {
    return order === '' ? undefined : this.#reader?.dir(order);
  }

  /** The walk listed the directory at `order` (`known`: what the last index had): it goes into the new index. */
  listed(order: string, listing: Listing, known: KnownListing | undefined): void {
    if (order === '') return;
    if (known?.row !== undefined && listing.entries === known.entries)
      this.#writer?.same(known.row);
    else this.#writer?.dir(order, listing.stamp, listing.entries, wallNow(this.#clock));
  }

  key(path: string): IndexedKey | undefined {
    return this.#reader?.key(path);
  }

  sent(path: string, key: IndexedKey): void {
    this.#writer?.key(path, key, wallNow(this.#clock));
  }

  /** The first full look is over: the new index replaces the old one when it walked to the end. */
  end(complete: boolean): void {
    // The writer first: it may copy rows from the last index, which the reader holds open.
    if (complete) this.#writer?.finish();
    else this.#writer?.abandon();
    this.#writer = undefined;
    this.#reader?.close();
    this.#reader = undefined;
  }
}
