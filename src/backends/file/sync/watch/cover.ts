/**
 * The directory watcher's picture of the tree: every directory it has seen is *covered*, by a
 * watch or by a stat it polls (dir-poll.ts), always before it is listed. The rule that saves
 * half the watches on Calico's layout: a directory that holds one subdirectory and nothing
 * else, whose parent is watched, gets no watch (its parent's watch sees it come and go, its
 * child — covered right after it, and always watched — reports its own removal or move; a new
 * entry beside the child is found by the poll). The watches are capped at a budget (half the
 * user's inotify limit); a directory over it, or whose watch fails, is polled alone.
 */
import { readdirSync } from 'node:fs';
import type { Dirent, FSWatcher } from 'node:fs';
import type { DirentLike } from '../../fs-like.js';
import { basename, dirname, join, sep } from 'node:path';
import { isMissing } from '../../errno.js';
import { direntName, lstatSeen } from '../../fs-like.js';
import { VALUE_SUFFIX } from '../../layout.js';
import { isSidecarName } from '../event-scope.js';
import { identityFromStats } from './dir-identities.js';
import { PolledDirs, stampOf } from './dir-poll.js';
import type { WatchOne } from './directories.js';
import type { EventKind, Listing, WatchCoverage, WatchHandlers } from './port.js';
import { readLimit } from './limit.js';
import type { Members } from '../../../../syncer/members.js';
import { withMember, withoutMember } from '../../../../syncer/members.js';

export type Coverage = WatchCoverage;

interface Node {
  identity: string;
  /** Undefined: polled. */
  watcher: FSWatcher | undefined;
  /** Covered directories right below this one. */
  children: Members | undefined;
}

export interface CoverSettings {
  maxWatches: number;
  pollMs: number;
  lazy: boolean;
}

/** Whether the watcher passes on events about a name (kvdir's sidecars are the one kind of dotfile it reports). */
function isWatchedName(name: string): boolean {
  return !name.startsWith('.') || isSidecarName(name);
}

function isOneSubdirectory(entries: DirentLike[]): boolean {
  const [only, other] = entries;
  return (
    other === undefined &&
    only !== undefined &&
    only.isDirectory() &&
    !direntName(only).startsWith('.')
  );
}

/** The entries a poll of an unwatched directory stats besides the directory: files it reports. */
function polledFiles(entries: DirentLike[]): string[] {
  return entries
    .map(direntName)
    .filter((name, i) => !entries[i]?.isDirectory() && isWatchedName(name));
}

/** `dirname` of a normalized absolute path, without its pass over every character. */
function parentDir(dir: string): string {
  const at = sep === '/' ? dir.lastIndexOf('/') : -1;
  if (at === -1) return dirname(dir);
  return at === 0 ? '/' : dir.slice(0, at);
}

export class CoveredTree {
  readonly root: string;
  readonly #rootSlash: string;
  readonly #handlers: WatchHandlers;
  readonly #watchOne: WatchOne;
  readonly #settings: CoverSettings;
  readonly #nodes = new Map<string, Node>();
  readonly #polled = new PolledDirs();
  /** Directories whose watch failed, with the identity it failed on: not tried again. */
  readonly #failed = new Map<string, string>();
  #watching = 0;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(root: string, handlers: WatchHandlers, watchOne: WatchOne, settings: CoverSettings) {
    this.root = root;
    this.#rootSlash = `${root}/`;
    this.#handlers = handlers;
    this.#watchOne = watchOne;
    this.#settings = settings;
  }

  async start(): Promise<void> {
    if (this.#settings.lazy) {
      this.#cover(this.root, false);
      return;
    }
    this.#coverBelow(this.root, false);
    this.walked();
  }

  /**
   * The first walk is over: polls start. Lazy, they wait for it (told by the syncer), since the
   * walk lists every directory anyway (polls during a restart's walk were 3% of it at 100,000
   * endpoints); a change in a polled directory the walk had passed is found by the first poll.
   */
  walked(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setInterval(() => this.#pollTick(false), this.#settings.pollMs);
    this.#timer.unref();
  }

  directories(): string[] {
    return [...this.#nodes].flatMap(([dir, node]) => (node.watcher ? [dir] : [])).sort();
  }

  polled(): string[] {
    return [...this.#nodes].flatMap(([dir, node]) => (node.watcher ? [] : [dir])).sort();
  }

  coverage(): Coverage {
    return {
      watches: this.#watching,
      budget: this.#settings.maxWatches,
      limit: readLimit(),
      oneSubdirectory: this.#polled.count('one-subdirectory'),
      unwatched: this.#polled.count('unwatched'),
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const { watcher } of this.#nodes.values()) watcher?.close();
    this.#nodes.clear();
    this.#watching = 0;
  }

  /**
   * Repairs what lost events left behind (the kernel drops them when its queue overflows):
   * drops the coverage of directories that are gone or were replaced, and (not lazy) walks the
   * tree again for directories with none. The syncer calls it before each full resync.
   */
  async rescan(): Promise<void> {
    for (const [dir, node] of [...this.#nodes]) {
      if (this.#nodes.get(dir) !== node) continue;
      const stats = lstatSeen(dir);
      if (stats?.isDirectory() !== true || identityFromStats(stats) !== node.identity)
        this.#uncover(dir);
    }
    if (!this.#settings.lazy) this.#coverBelow(this.root, true);
  }

  /** A walk's listing of `dir`, covered first (and its parents up to the root, always watched). */
  list(dir: string, known?: Listing): Listing | undefined {
    if (this.#closed || (dir !== this.root && !dir.startsWith(this.#rootSlash))) {
      const entries = this.#list(dir);
      return entries === undefined ? undefined : { stamp: '', entries };
    }
    if (dir === this.root) return this.#cover(dir, true, known);
    // The walk lists a directory after its parent: a parent not covered (gone meanwhile) is rare.
    let parent = this.#nodes.get(parentDir(dir));
    if (parent === undefined) {
      if (!this.#coverAbove(dir)) return undefined;
      parent = this.#nodes.get(parentDir(dir));
    }
    return this.#cover(dir, true, known, parent);
  }

  /** Covers the directories above `dir` (not the root) that are not covered; false when one is not a directory. */
  #coverAbove(dir: string): boolean {
    const above: string[] = [];
    for (let up = parentDir(dir); !this.#nodes.has(up); up = parentDir(up)) {
      above.push(up);
      if (up === this.root) break;
    }
    for (const up of above.reverse()) if (this.#cover(up, false) === undefined) return false;
    return true;
  }

  pollNow(): void {
    this.#pollTick(true);
  }

  /**
   * Covers `dir` and returns its listing, taken after its watch was set up (or, for a polled
   * directory, after the stamp the poll compares with), with the stamp taken before it:
   * undefined when it is not a directory. `mayPoll`: the caller lists every subdirectory of
   * `dir` next, so a directory that holds only one may go without a watch (its child will
   * have one). `known`: a listing (from the syncer's index) that is the directory's when its
   * stamp is still the same. `parent`: the node of the directory above, where the caller has it.
   * Each node is looked up once (a parent outlives the uncovering of `dir` below): a lookup in
   * a map of 200,000 directories is about half a microsecond.
   */
  #cover(
    dir: string,
    mayPoll: boolean,
    known?: Listing,
    parent = dir === this.root ? undefined : this.#nodes.get(parentDir(dir)),
  ): Listing | undefined {
    let node = this.#nodes.get(dir);
    if (known !== undefined && node === undefined) {
      const parentWatched = parent?.watcher !== undefined;
      if (!(mayPoll && parentWatched && isOneSubdirectory(known.entries)))
        return this.#watchKnown(dir, known, parent);
    }
    const takenAt = Date.now();
    const before = lstatSeen(dir);
    if (before?.isDirectory() !== true) return this.#gone(dir);
    const identity = identityFromStats(before);
    if (node !== undefined && node.identity !== identity) {
      this.#uncover(dir);
      node = undefined;
    }
    const stamp = stampOf(before, takenAt);
    if (node?.watcher !== undefined) return this.#listed(dir, stamp);
    const known_ = known !== undefined && stamp !== '' && known.stamp === stamp ? known : undefined;
    // A directory's link count is 2 + its subdirectories (1 where the file system does not
    // count them): one that cannot hold exactly one subdirectory is watched before it is
    // listed, so no second look is needed (one lstat a directory fewer).
    const links = Number(before.nlink);
    if (
      known_ === undefined &&
      !(mayPoll && parent?.watcher !== undefined && (links === 3 || links < 2))
    ) {
      const watched = this.#watchOrPoll(dir, identity, stamp, undefined, parent, node);
      const listed = this.#listed(dir, stamp);
      if (listed !== undefined && !watched)
        this.#polled.add(dir, 'unwatched', stamp, polledFiles(listed.entries));
      return listed;
    }
    const entries = known_?.entries ?? this.#list(dir);
    if (entries === undefined) return this.#gone(dir);
    if (mayPoll && parent?.watcher !== undefined && isOneSubdirectory(entries)) {
      this.#setNode(dir, identity, undefined, parent, node);
      this.#polled.add(dir, 'one-subdirectory', stamp);
      return { stamp, entries };
    }
    // Listed before its watch: listed again if it changed meanwhile (or may have, within
    // the granularity of its timestamps).
    if (
      this.#watchOrPoll(dir, identity, stamp, entries, parent, node) &&
      (stamp === '' || stampOf(lstatSeen(dir), takenAt) !== stamp)
    )
      return this.#listed(dir, '');
    return { stamp, entries };
  }

  /**
   * A directory the index says needs a watch: watched first, then one lstat; the index's
   * listing is the directory's when the stamp is still the one it was taken at (any change
   * before the lstat shows in the stamp, any after it in the watch). One lstat a directory
   * fewer than a look before the watch and a check after it.
   */
  #watchKnown(dir: string, known: Listing, parent: Node | undefined): Listing | undefined {
    const takenAt = Date.now();
    const watcher = this.#failed.has(dir) ? undefined : this.#tryWatch(dir, '');
    const stats = lstatSeen(dir);
    if (stats?.isDirectory() !== true) {
      if (watcher !== undefined) {
        watcher.close();
        this.#watching--;
      }
      return this.#gone(dir);
    }
    const identity = identityFromStats(stats);
    const stamp = stampOf(stats, takenAt);
    this.#setNode(dir, identity, watcher, parent, undefined);
    const entries = stamp !== '' && stamp === known.stamp ? known.entries : this.#list(dir);
    if (entries === undefined) return this.#gone(dir);
    if (watcher === undefined) this.#polled.add(dir, 'unwatched', stamp, polledFiles(entries));
    // Listed (if at all) after the lstat: the stamp is a stamp taken before the listing.
    return { stamp, entries };
  }

  #listed(dir: string, stamp: string): Listing | undefined {
    const entries = this.#list(dir);
    return entries === undefined ? this.#gone(dir) : { stamp, entries };
  }

  /**
   * Watches `dir`, or (over the budget, or its watch failed) polls it with the files of
   * `entries` when they are given; says whether it is watched.
   */
  #watchOrPoll(
    dir: string,
    identity: string,
    stamp: string,
    entries: DirentLike[] | undefined,
    parent: Node | undefined,
    node: Node | undefined,
  ): boolean {
    const watcher = this.#tryWatch(dir, identity);
    this.#setNode(dir, identity, watcher, parent, node);
    if (watcher !== undefined) {
      this.#polled.delete(dir);
      return true;
    }
    if (entries !== undefined) this.#polled.add(dir, 'unwatched', stamp, polledFiles(entries));
    return false;
  }

  #list(dir: string): Dirent[] | undefined {
    try {
      return readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  #gone(dir: string): undefined {
    this.#uncover(dir);
    return undefined;
  }

  /** Covers `dir` and every directory below it (those covered already are passed over, or with `all` walked through). */
  #coverBelow(dir: string, all: boolean): void {
    const pending = [dir];
    for (let path = pending.pop(); path !== undefined && !this.#closed; path = pending.pop()) {
      if (path !== dir && !all && this.#nodes.has(path)) continue;
      let listed: Listing | undefined;
      try {
        listed = this.#cover(path, true);
      } catch {
        continue; // unreadable: the syncer's walk reports it
      }
      for (const entry of listed?.entries ?? []) {
        const name = direntName(entry);
        if (entry.isDirectory() && !name.startsWith('.')) pending.push(join(path, name));
      }
    }
  }

  #tryWatch(dir: string, identity: string): FSWatcher | undefined {
    if (this.#watching >= this.#settings.maxWatches || this.#failed.get(dir) === identity)
      return undefined;
    let watcher: FSWatcher;
    try {
      watcher = this.#watchOne(dir, { persistent: true }, (_event, name) =>
        this.#onEvent(dir, name),
      );
    } catch (err) {
      if (!isMissing(err)) this.#failed.set(dir, identity);
      return undefined;
    }
    watcher.on('error', () => this.#watchFailed(dir, watcher));
    this.#watching++;
    return watcher;
  }

  /** A watch that died (EPERM on some systems when its directory goes): poll the directory if it is still there. */
  #watchFailed(dir: string, watcher: FSWatcher): void {
    const node = this.#nodes.get(dir);
    if (this.#closed || node?.watcher !== watcher) return;
    this.#failed.set(dir, node.identity);
    this.#uncover(dir);
    this.#recover(dir);
    this.#handlers.onChange(dir, 'dir');
  }

  /** `parent`: the node of the directory above; `node`: the node of `dir` (undefined: not covered). */
  #setNode(
    dir: string,
    identity: string,
    watcher: FSWatcher | undefined,
    parent: Node | undefined,
    node: Node | undefined,
  ): void {
    if (node !== undefined) {
      node.watcher = watcher;
      return;
    }
    this.#nodes.set(dir, { identity, watcher, children: undefined });
    if (parent !== undefined && dir !== this.root)
      parent.children = withMember(parent.children, dir);
  }

  /** Drops the coverage of `dir` and everything below it (in time proportional to that subtree). */
  #uncover(dir: string): void {
    this.#polled.delete(dir);
    const node = this.#nodes.get(dir);
    if (node === undefined) return;
    for (const child of [...(node.children ?? [])]) this.#uncover(child);
    if (node.watcher !== undefined) {
      node.watcher.close();
      this.#watching--;
    }
    this.#nodes.delete(dir);
    const parent = this.#nodes.get(dirname(dir));
    if (parent !== undefined) parent.children = withoutMember(parent.children, dir);
  }

  /** Covers `dir` anew after its coverage was dropped: alone now; lazy, at the syncer's look. */
  #recover(dir: string): void {
    if (!this.#settings.lazy) this.#coverBelow(dir, false);
  }

  #onEvent(dir: string, name: string | null): void {
    if (this.#closed) return;
    if (name === null) {
      // No name: something changed in `dir` that the system would not say (rare; re-read it all).
      this.#handlers.onChange(dir, 'dir');
      return;
    }
    // An event about the watched directory itself carries its own name, which a child may share.
    if (name === basename(dir)) this.#checkSelf(dir);
    if (!isWatchedName(name)) return;
    const path = join(dir, name);
    this.#handlers.onChange(path, this.#kindOf(path, name));
  }

  /** What `path` is now; a new or replaced directory is covered (alone) before it is reported. */
  #kindOf(path: string, name: string): EventKind {
    // Value files and sidecars: never a directory kvdir uses (no key segment ends in `.yaml`).
    if (name.endsWith(VALUE_SUFFIX) || name.startsWith('.')) return 'file';
    const stats = lstatSeen(path);
    const known = this.#nodes.get(path);
    if (stats?.isDirectory() === true) {
      if (known?.identity !== identityFromStats(stats)) {
        if (known !== undefined) this.#uncover(path);
        this.#recover(path);
      }
      return 'dir';
    }
    if (known !== undefined) {
      this.#uncover(path);
      return 'dir';
    }
    // A link is looked at as a directory would be: the walk reports it, and never reads through it.
    if (stats?.isSymbolicLink() === true) return 'unknown';
    return stats === undefined ? 'unknown' : 'file';
  }

  /**
   * The watched directory itself was moved, removed or replaced: its coverage is stale. A
   * parent with no watch of its own (it held only this directory) is looked at again now,
   * and so on up to the first watched one, since no watch saw its entry go.
   */
  #checkSelf(dir: string): void {
    const known = this.#nodes.get(dir);
    const stats = lstatSeen(dir);
    if (
      known === undefined ||
      (stats?.isDirectory() === true && identityFromStats(stats) === known.identity)
    )
      return;
    this.#uncover(dir);
    this.#recover(dir);
    this.#handlers.onChange(dir, 'dir');
    for (let up = dirname(dir); dir !== this.root; up = dirname(up)) {
      const parent = this.#nodes.get(up);
      if (parent === undefined || parent.watcher !== undefined) break;
      const listed = this.#safeCover(up);
      this.#handlers.onChange(up, 'dir');
      if (listed !== undefined || up === this.root) break;
    }
  }

  #safeCover(dir: string): Listing | undefined {
    try {
      return this.#cover(dir, true);
    } catch {
      return undefined;
    }
  }

  /** One poll: directories found changed are covered again and reported, files reported. */
  #pollTick(all: boolean): void {
    if (this.#closed) return;
    const { dirs, files } = this.#polled.poll(all);
    for (const dir of dirs) {
      if (!this.#nodes.has(dir)) continue;
      if (this.#settings.lazy) this.#safeCover(dir);
      else this.#coverBelow(dir, false);
      this.#handlers.onChange(dir, 'dir');
    }
    for (const file of files) this.#handlers.onChange(file, 'file');
  }
}
