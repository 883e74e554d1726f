/**
 * The default watch source for real disks: one `fs.watch` per directory, which on Linux is one
 * inotify watch per directory rather than chokidar's one per file. A directory's watch reports
 * every change of the names in it (create, delete, rename, write, attributes), which is all the
 * syncer needs: it re-reads whatever an event points at.
 *
 * Directories are found by walking the tree once, and then by events: a name that turns out to
 * be a new directory is watched (with everything below it) before it is reported, so a file
 * created inside it afterwards has an event and one created before is found by the syncer's
 * look at the new subtree. A watch follows an inode, not a name: a directory moved away or
 * replaced under its name (renamed over, removed and made again) is noticed by the event in
 * its parent, its old watches are closed and the name is watched anew.
 *
 * Dotfiles and dot-directories (`.git`, kvdir's locks, trash and temp files) are not watched
 * or reported, except kvdir's sidecars. Symbolic links are not followed. A watch that cannot be
 * set up for lack of resources (ENOSPC at the inotify limit, EMFILE) is an `onError`: coverage
 * is partial from then on, and the syncer falls back to polling rescans.
 */
import { watch as fsWatch, promises as fsp } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errnoCode } from '../../fs-like.js';
import { VALUE_SUFFIX } from '../../layout.js';
import {
  directoryIdentity as identityOf,
  identityFromStats,
  lstatOrUndefined,
} from './dir-identities.js';
import { isSidecarName } from '../event-scope.js';
import type { EventKind, WatchHandle, WatchHandlers, WatchSource } from './port.js';

type Identity = string;

/** Node's `fs.watch` of one directory; a parameter so that tests can fail it as the kernel does at its limits. */
export interface DirectoryWatchHandle extends WatchHandle {
  /** The directories watched now, sorted. */
  directories(): string[];
  rescan(): Promise<void>;
}

export interface DirectoryWatchSource extends WatchSource {
  watch(dir: string, handlers: WatchHandlers, signal?: AbortSignal): Promise<DirectoryWatchHandle>;
}

export type WatchOne = (
  dir: string,
  options: { persistent: boolean },
  listener: (event: string, name: string | null) => void,
) => FSWatcher;

export const dirWatchSource: DirectoryWatchSource = directoryWatchSource(fsWatch);

export function directoryWatchSource(watchOne: WatchOne): DirectoryWatchSource {
  return {
    watch: (dir, handlers, signal) => watchTree(new WatchedTree(dir, handlers, watchOne), signal),
  };
}

/** Resolves once every directory below the root is watched; an abort closes everything and rejects. */
async function watchTree(
  tree: WatchedTree,
  signal: AbortSignal | undefined,
): Promise<DirectoryWatchHandle> {
  const abort = (): void => void tree.close();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    await tree.watchBelow(tree.root, identityOf(tree.root));
    if (signal?.aborted === true) throw signal.reason;
    return tree;
  } catch (err) {
    await tree.close();
    throw err;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

/** Whether the watcher passes on events about a name (kvdir's sidecars are the one kind of dotfile it reports). */
function isWatchedName(name: string): boolean {
  return !name.startsWith('.') || isSidecarName(name);
}

interface Watch {
  watcher: FSWatcher;
  identity: Identity;
  /** Watched directories right below this one. */
  children: Set<string>;
}

class WatchedTree implements DirectoryWatchHandle {
  readonly root: string;
  readonly #handlers: WatchHandlers;
  readonly #watchOne: WatchOne;
  /** Watched directories by path, with the identity each watch was set up on. */
  readonly #watches = new Map<string, Watch>();
  #closed = false;
  #failed = false;

  constructor(root: string, handlers: WatchHandlers, watchOne: WatchOne) {
    this.root = root;
    this.#handlers = handlers;
    this.#watchOne = watchOne;
  }

  /** The directories watched now, sorted (for diagnostics and tests). */
  directories(): string[] {
    return [...this.#watches.keys()].sort();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const { watcher } of this.#watches.values()) watcher.close();
    this.#watches.clear();
  }

  /**
   * Repairs what lost events left behind (the kernel drops them when its queue overflows):
   * walks the whole tree again, watches directories that have no watch and drops the watches
   * of directories that are gone or were replaced. The syncer calls it before each full resync.
   */
  async rescan(): Promise<void> {
    for (const [dir, watch] of [...this.#watches]) {
      if (this.#watches.get(dir) === watch && identityOf(dir) !== watch.identity)
        this.#unwatch(dir);
    }
    await this.watchBelow(this.root, identityOf(this.root), true);
  }

  /**
   * Watches `dir` (whose identity was just read) and every directory below it; says whether it
   * added any watch. The watch comes first and the listing after, so nothing created meanwhile
   * goes unseen. Directories already watched are passed over, or with `all` walked through.
   */
  async watchBelow(dir: string, identity: Identity | undefined, all = false): Promise<boolean> {
    let added = false;
    const pending: Array<[string, Identity | undefined]> = [[dir, identity]];
    for (let next = pending.pop(); next !== undefined && !this.#closed; next = pending.pop()) {
      const [path, id] = next;
      if (id === undefined) continue;
      const isNew = this.#addWatch(path, id);
      added ||= isNew;
      if (!isNew && !(all && this.#watches.get(path)?.identity === id)) continue;
      const entries = await fsp.readdir(path, { withFileTypes: true }).catch((err: unknown) => {
        this.#fail(err, path);
        return [];
      });
      for (const entry of entries) {
        if (entry.isDirectory() && !entry.name.startsWith('.')) {
          const child = join(path, entry.name);
          pending.push([child, identityOf(child)]);
        }
      }
    }
    return added;
  }

  /** Sets up the watch of one directory; false when it is already watched or cannot be. */
  #addWatch(dir: string, identity: Identity): boolean {
    const known = this.#watches.get(dir);
    if (known?.identity === identity) return false;
    if (known !== undefined) this.#unwatch(dir);
    let watcher: FSWatcher;
    try {
      watcher = this.#watchOne(dir, { persistent: true }, (_event, name) =>
        this.#onEvent(dir, name),
      );
    } catch (err) {
      this.#fail(err, dir);
      return false;
    }
    watcher.on('error', (err) => {
      // The directory itself went away (EPERM on some systems): its parent's event says so too.
      this.#unwatch(dir);
      if (identityOf(dir) !== undefined) this.#fail(err, dir);
    });
    this.#watches.set(dir, { watcher, identity, children: new Set() });
    this.#watches.get(dirname(dir))?.children.add(dir);
    return true;
  }

  /** Stops watching `dir` and everything below it (in time proportional to that subtree). */
  #unwatch(dir: string): void {
    const watch = this.#watches.get(dir);
    if (watch === undefined) return;
    for (const child of watch.children) this.#unwatch(child);
    watch.watcher.close();
    this.#watches.delete(dir);
    this.#watches.get(dirname(dir))?.children.delete(dir);
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

  /**
   * What `path` is now. A new (or replaced) directory is watched before it is reported; the
   * directories inside it are watched right after, and once they are it is reported again, so
   * the syncer looks at the subtree once every directory in it has a watch. A directory gone or
   * replaced loses its watches.
   */
  #kindOf(path: string, name: string): EventKind {
    // Value files and sidecars: never a directory kvdir uses (no key segment ends in `.yaml`).
    if (name.endsWith(VALUE_SUFFIX) || name.startsWith('.')) return 'file';
    const stats = lstatOrUndefined(path);
    const known = this.#watches.get(path);
    if (stats?.isDirectory() === true) {
      const identity = identityFromStats(stats);
      if (known?.identity !== identity) {
        if (known !== undefined) this.#unwatch(path);
        this.#addWatch(path, identity);
        void this.watchBelow(path, identity, true).then((added) => {
          if (added && !this.#closed) this.#handlers.onChange(path, 'dir');
        });
      }
      return 'dir';
    }
    if (known !== undefined) {
      this.#unwatch(path);
      return 'dir';
    }
    // A link is looked at as a directory would be: the walk reports it, and never reads through it.
    if (stats?.isSymbolicLink() === true) return 'unknown';
    return stats === undefined ? 'unknown' : 'file';
  }

  /** The watched directory itself was moved, removed or replaced: its watches are stale. */
  #checkSelf(dir: string): void {
    const known = this.#watches.get(dir);
    if (known === undefined || identityOf(dir) === known.identity) return;
    this.#unwatch(dir);
    this.#handlers.onChange(dir, 'dir');
  }

  /** A watch that could not be set up (ENOSPC, EMFILE, EACCES): coverage is partial from now on. */
  #fail(err: unknown, dir: string): void {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR' || this.#closed || this.#failed) return;
    this.#failed = true;
    const error = err instanceof Error ? err : new Error(String(err));
    this.#handlers.onError(new Error(`cannot watch ${dir}: ${error.message}`, { cause: error }));
  }
}
