/**
 * The watch source for memfs volumes: `fs.watch(dir, { recursive: true })`. memfs delivers
 * its events synchronously and completely. An event about the watched directory itself
 * carries the directory's own name, which a child may share, so such an event is reported
 * for both (the syncer checks the root's identity on a root event).
 */
import { basename } from 'node:path';
import type { FsLike } from '../../fs-like.js';
import type { WatchSource } from './port.js';

interface RecursiveWatcher {
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): void;
}

interface FsWithWatch {
  watch(
    path: string,
    options: { recursive: boolean; persistent: boolean },
    listener: (event: string, filename: string | Buffer | null) => void,
  ): RecursiveWatcher;
}

function hasWatch(fs: FsLike): fs is FsLike & FsWithWatch {
  return typeof (fs as Partial<FsWithWatch>).watch === 'function';
}

export function fsWatchSource(fs: FsLike): WatchSource {
  return {
    async watch(dir, handlers) {
      if (!hasWatch(fs)) throw new TypeError('this fs has no watch(): pass a watchSource');
      const own = basename(dir);
      let closed = false;
      const watcher = fs.watch(dir, { recursive: true, persistent: false }, (_event, filename) => {
        if (closed) return;
        const name = filename === null ? '' : String(filename);
        if (name === '' || name === own) handlers.onChange(dir, 'unknown');
        if (name !== '') handlers.onChange(`${dir}/${name}`, 'unknown');
      });
      watcher.on('error', (error) => {
        if (!closed) handlers.onError(error);
      });
      return {
        close: async () => {
          closed = true;
          watcher.close();
        },
      };
    },
  };
}
