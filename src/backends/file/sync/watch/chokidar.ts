/**
 * The watch source for real disks: chokidar 5. Dotfiles and dot-directories (`.git`, kvdir's
 * locks and trash) are not watched, except kvdir's sidecars; other directories are always
 * traversed (an `ignored` filter that drops a directory stops traversal). Symbolic links are
 * not followed. Chokidar's own "atomic" merging is off: the syncer's quiet window does that.
 *
 * One gap of chokidar is closed here: a directory replaced under its name keeps a watch on the
 * old one (see `dir-identities.ts`). Each event checks the identity of the directory it points
 * at; a replaced directory is watched again and reported as changed as a whole.
 */
import { basename, dirname, join } from 'node:path';
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';
import { VALUE_SUFFIX } from '../../layout.js';
import {
  DirIdentities,
  directoryIdentity as identityOf,
  identityFromStats,
} from './dir-identities.js';
import { lstatSeen } from '../../fs-like.js';
import { isSidecarName } from '../event-scope.js';
import type { EventKind, WatchHandlers, WatchSource } from './port.js';

const KINDS: Record<string, EventKind> = {
  add: 'file',
  change: 'file',
  unlink: 'file',
  addDir: 'dir',
  unlinkDir: 'dir',
};

/**
 * A new link (never followed) is reported as 'unknown', as the directory watcher reports it, so
 * that the syncer looks at it even without a `.yaml` name: a link to a directory, usually.
 */
function kindOf(event: string, path: string): EventKind {
  if (event === 'add' && !path.endsWith(VALUE_SUFFIX) && lstatSeen(path)?.isSymbolicLink() === true)
    return 'unknown';
  return KINDS[event] ?? 'unknown';
}

export const chokidarSource: WatchSource = {
  watch(dir, handlers, signal) {
    let closed = false;
    const watcher = watch(dir, {
      ignoreInitial: true,
      followSymlinks: false,
      persistent: true,
      atomic: false,
      ignored: (path: string) => {
        const name = basename(path);
        return name.startsWith('.') && path !== dir && !isSidecarName(name);
      },
    });
    const repair = new WatchRepair(watcher, dir, handlers);
    watcher.on('all', (event, path, stats) => {
      if (closed) return;
      handlers.onChange(path, kindOf(event, path));
      repair.afterEvent(event, path, stats);
    });
    watcher.on('raw', (_event, name, details) => {
      const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
      if (!closed && typeof name === 'string' && typeof watched === 'string')
        repair.check(join(watched, name));
    });
    watcher.on('error', (error) => {
      if (!closed) handlers.onError(error instanceof Error ? error : new Error(String(error)));
    });
    const handle = {
      close: async () => {
        closed = true;
        await watcher.close();
      },
    };
    return new Promise((resolve, reject) => {
      const abort = (): void => void handle.close().then(() => reject(signal?.reason));
      if (signal?.aborted === true) return abort();
      signal?.addEventListener('abort', abort, { once: true });
      watcher.once('ready', () => {
        signal?.removeEventListener('abort', abort);
        repair.recordWatched();
        resolve(handle);
      });
    });
  },
};

/** Watches a replaced directory again (the root itself is the syncer's concern). */
class WatchRepair {
  readonly #watcher: FSWatcher;
  readonly #root: string;
  readonly #handlers: WatchHandlers;
  readonly #dirs = new DirIdentities();

  constructor(watcher: FSWatcher, root: string, handlers: WatchHandlers) {
    this.#watcher = watcher;
    this.#root = root;
    this.#handlers = handlers;
  }

  /** The identities of the directories the initial scan watched. */
  recordWatched(): void {
    for (const dir of Object.keys(this.#watcher.getWatched())) {
      const identity = dir.startsWith(`${this.#root}/`) ? identityOf(dir) : undefined;
      if (identity !== undefined) this.#dirs.set(dir, identity);
    }
  }

  afterEvent(
    event: string,
    path: string,
    stats: { ino: number | bigint; birthtimeMs: number } | undefined,
  ): void {
    if (event === 'unlinkDir') this.#dirs.forget(path);
    else if (event === 'addDir') {
      const identity = stats === undefined ? identityOf(path) : identityFromStats(stats);
      if (identity !== undefined) this.#dirs.set(path, identity);
    } else this.check(dirname(path));
  }

  /** Watches `dir` again when it is a known directory that was replaced. */
  check(dir: string): void {
    if (dir === this.#root || !this.#dirs.has(dir)) return;
    const identity = identityOf(dir);
    if (identity === undefined || !this.#dirs.replaced(dir, identity)) return;
    this.#dirs.set(dir, identity);
    this.#watcher.unwatch(dir);
    this.#watcher.add(dir);
    // The directories below are watched anew as well: as they are now.
    this.#dirs.renewBelow(dir, identityOf);
    this.#handlers.onChange(dir, 'dir');
  }
}
