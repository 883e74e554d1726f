/**
 * The default watch source for real disks: one `fs.watch` per directory, which on Linux is one
 * inotify watch per directory rather than chokidar's one per file. A directory's watch reports
 * every change of the names in it (create, delete, rename, write, attributes), which is all the
 * syncer needs: it re-reads whatever an event points at.
 *
 * Every directory is *covered* (cover.ts) before it is listed, so that nothing made in it after
 * the listing goes unseen: watched, or polled by a stat (dir-poll.ts) when it needs no watch (it
 * holds only one subdirectory) or cannot have one (over the budget of half the user's inotify
 * watches, or its watch failed). Nothing is ever polled but those directories.
 *
 * Two ways to start. Alone, `watch()` walks and covers the whole tree itself. For the syncer
 * (`lazy`), it covers only the root, and the syncer's walks list every directory through
 * `readDir`, which covers it first: one read of each directory serves both (the syncer used to
 * walk the tree twice, once here and once to read it: 48-52% of its start on the deep layout).
 *
 * A watch follows an inode, not a name: a directory moved away or replaced under its name is
 * noticed by the event in its parent or its own IN_DELETE_SELF/IN_MOVE_SELF, its coverage is
 * dropped and the name is covered anew. Dotfiles and dot-directories (`.git`, kvdir's locks,
 * trash and temp files) are not watched or reported, except kvdir's sidecars. Symbolic links
 * are not followed.
 */
import { watch as fsWatch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import type { Listing, WatchHandle, WatchHandlers, WatchOptions, WatchSource } from './port.js';
import { CoveredTree } from './cover.js';
import type { Coverage } from './cover.js';
import { defaultMaxWatches } from './limit.js';

/** Node's `fs.watch` of one directory; a parameter so that tests can fail it as the kernel does at its limits. */
export type WatchOne = (
  dir: string,
  options: { persistent: boolean },
  listener: (event: string, name: string | null) => void,
) => FSWatcher;

export interface DirectoryWatchHandle extends WatchHandle {
  /** The directories watched now, sorted. */
  directories(): string[];
  /** The directories polled now, sorted. */
  polled(): string[];
  coverage(): Coverage;
  rescan(): Promise<void>;
  list(dir: string, known?: Listing): Listing | undefined;
  walked(): void;
  /** Polls every polled directory now (tests; the timer polls a slice at a time). */
  pollNow(): void;
}

export interface DirectoryWatchSource extends WatchSource {
  watch(
    dir: string,
    handlers: WatchHandlers,
    signal?: AbortSignal,
    options?: WatchOptions,
  ): Promise<DirectoryWatchHandle>;
}

/** Tuning of a directory watch source: tests give a small budget. */
export interface DirectoryWatchTuning {
  /** Most watches one watcher holds. Default: half of `fs.inotify.max_user_watches`. */
  maxWatches?: number;
}

export const dirWatchSource: DirectoryWatchSource = directoryWatchSource(fsWatch);

export function directoryWatchSource(
  watchOne: WatchOne,
  tuning: DirectoryWatchTuning = {},
): DirectoryWatchSource {
  return {
    watch: async (dir, handlers, signal, options = {}) => {
      const tree = new CoveredTree(dir, handlers, watchOne, {
        maxWatches: tuning.maxWatches ?? defaultMaxWatches(),
        pollMs: options.pollMs ?? 1000,
        lazy: options.lazy === true,
      });
      if (signal?.aborted === true) {
        await tree.close();
        throw signal.reason;
      }
      const abort = (): void => void tree.close();
      signal?.addEventListener('abort', abort, { once: true });
      try {
        await tree.start();
        signal?.throwIfAborted();
        return tree;
      } catch (err) {
        await tree.close();
        throw err;
      } finally {
        signal?.removeEventListener('abort', abort);
      }
    },
  };
}
