/**
 * What the etcd source keeps for each prefix it syncs: the etcd range it watches, where the
 * watch resumes, how many entries the consumer holds below it, and whether the watch has
 * caught up with the store (see catch-up.ts).
 *
 * A prefix `/a` covers the key `/a` and every key below `/a/`, as `list()` does. One watch on
 * `[ns/a, ns/a0)` (`0` follows `/`) covers both, so that a recursive delete of `/a` arrives as
 * one response; it also sees siblings such as `/a-x` (`-`, `.`, `%` sort below `/`), which
 * `covers` filters out.
 */
import { isUnder } from '../../model/key-path.js';
import type { KeyRange, KeySpace } from './key-space.js';

export class PrefixWatch {
  /** The key path prefix, e.g. `/calico/v1` or `/`. */
  readonly prefix: string;
  /** The etcd range watched (it may hold siblings of the prefix). */
  readonly range: KeyRange;
  /** The exact ranges of the prefix: the root key and the keys below it (for counting). */
  readonly parts: readonly KeyRange[];
  /**
   * The first revision the consumer's picture does not reflect yet: a watch starts here, and
   * an event below it is old news (a replay, or covered by a later resync).
   */
  next = 0;
  /** Entries the consumer holds below the prefix (keys, and entries that are not keys). */
  held = 0;
  /** The watch id on the current stream, once etcd has answered `created`. */
  id: string | undefined;
  /** Whether the watch has caught up with the store since it was (re)created. */
  caughtUp = false;
  /** The store's revision in a progress reply this watch has not caught up with yet. */
  target: number | undefined;

  constructor(prefix: string, keys: KeySpace) {
    this.prefix = prefix;
    if (prefix === '/') {
      this.range = keys.below('/');
      this.parts = [this.range];
    } else {
      const root = keys.key(prefix);
      this.range = { key: root, range_end: keys.key(`${prefix}0`) };
      this.parts = [{ key: root, range_end: Buffer.alloc(0) }, keys.below(prefix)];
    }
  }

  /** Whether a key path is at or below the prefix (not a sibling that shares its start). */
  covers(path: string): boolean {
    return isUnder(path, this.prefix);
  }

  /** A new stream: the watch must be created again and catch up again. */
  reset(): void {
    this.id = undefined;
    this.caughtUp = false;
    this.target = undefined;
  }

  /** The picture now reflects the store at `revision`: resume after it. */
  reflects(revision: number): void {
    if (revision + 1 > this.next) this.next = revision + 1;
    if (this.target !== undefined && this.next > this.target) {
      this.caughtUp = true;
      this.target = undefined;
    }
  }
}
