/**
 * The watch-source port: something that tells the syncer which paths under a directory may
 * have changed. Events are hints only; the syncer re-reads the file system before it reports
 * anything. On real disks, one `fs.watch` per directory (`dir-watch-source.ts`, the default on
 * Linux) or chokidar (`chokidar-source.ts`); `fs.watch` with `recursive` serves memfs
 * (`fs-watch-source.ts`). Tests inject their own.
 */

import type { DirentLike } from '../../fs-like.js';

/** What kind of thing an event was about, where the source knows. */
export type EventKind = 'file' | 'dir' | 'unknown';

export interface WatchHandlers {
  /** `path` is absolute; the watched directory itself when it was the one that changed. */
  onChange(path: string, kind: EventKind): void;
  /** A watcher failure (ENOSPC at the inotify limit, EMFILE, ...): coverage may be partial. */
  onError(error: Error): void;
}

/** A directory's entries, with its stat stamp taken before they were read. */
export interface Listing {
  stamp: string;
  entries: DirentLike[];
}

/** How a source is to watch (sources that have no use for an option ignore it). */
export interface WatchOptions {
  /**
   * The caller's walks read every directory they visit through the handle's `readDir`: the
   * source covers what they read, and does not walk the tree itself.
   */
  lazy?: boolean;
  /** How often directories that have no watch are stat'ed, in ms. */
  pollMs?: number;
}

/** How a source covers the tree: what the syncer tells in its warning when it polls for lack of watches. */
export interface WatchCoverage {
  /** Watches held now. */
  watches: number;
  /** Most watches this source takes (half of the user's inotify limit). */
  budget: number;
  /** The user's inotify limit, where known. */
  limit: number | undefined;
  /** Directories that hold only one subdirectory: stat'ed every SPREAD polls. */
  oneSubdirectory: number;
  /** Directories with no watch (over the budget, or their watch failed): stat'ed with their files at every poll. */
  unwatched: number;
}

export interface WatchHandle {
  /** Stops watching; no handler is called once it resolves. */
  close(): Promise<void>;
  /**
   * Where a source keeps its own picture of the tree (the directories it watches): brings it
   * up to date with the tree as it is, for what lost events left out. Called before each full
   * resync after the first.
   */
  rescan?(): Promise<void>;
  /**
   * Lists a directory for a walk, covering it first (a lazy source): its entries and its stamp
   * before the listing ('' when it may have changed meanwhile); undefined when it is missing;
   * throws as readdir does when it cannot be read. `known`: a listing from the syncer's index,
   * used instead of a read when the directory's stamp is the same.
   */
  list?(dir: string, known?: Listing): Listing | undefined;
  coverage?(): WatchCoverage;
  /** The caller's first full walk is over (a lazy source starts its polls then). */
  walked?(): void;
}

export interface WatchSource {
  /**
   * Watches `dir` recursively; resolves once the watcher is established. When `signal` aborts
   * first, the watcher is closed and the promise rejects (once it is closed).
   */
  watch(
    dir: string,
    handlers: WatchHandlers,
    signal?: AbortSignal,
    options?: WatchOptions,
  ): Promise<WatchHandle>;
}
