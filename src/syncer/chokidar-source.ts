/**
 * The watch source for real disks: chokidar 5. Dotfiles other than kvdir's sidecars are not
 * watched; directories are always traversed (an `ignored` filter that drops a directory stops
 * traversal). Symbolic links are not followed.
 */
import { basename } from 'node:path';
import { watch } from 'chokidar';
import type { EventKind, WatchSource } from './watch-source.js';
import { isSidecarName } from './event-scope.js';

export const chokidarSource: WatchSource = {
  watch(dir, handlers) {
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
    const kinds: Record<string, EventKind> = { add: 'file', change: 'file', unlink: 'file', addDir: 'dir', unlinkDir: 'dir' };
    watcher.on('all', (event, path) => handlers.onChange(path, kinds[event] ?? 'unknown'));
    watcher.on('error', (error) => handlers.onError(error instanceof Error ? error : new Error(String(error))));
    return new Promise((resolve) => {
      watcher.once('ready', () => resolve({ close: () => watcher.close() }));
    });
  },
};
