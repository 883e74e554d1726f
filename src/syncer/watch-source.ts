/**
 * The watch-source port: something that tells the syncer which paths under a directory may
 * have changed. Events are hints only; the syncer re-reads the file system before it reports
 * anything. Chokidar serves real disks (`chokidar-source.ts`); `fs.watch` with `recursive`
 * serves memfs, whose events are synchronous and complete.
 */
import type { FsLike } from '../fs/fs-like.js';

/** What kind of thing an event was about, where the source knows. */
export type EventKind = 'file' | 'dir' | 'unknown';

export interface WatchHandlers {
  /** `path` is absolute. */
  onChange(path: string, kind: EventKind): void;
  /** A watcher failure (ENOSPC at the inotify limit, EMFILE, ...): coverage may be partial. */
  onError(error: Error): void;
}

export interface WatchHandle {
  close(): Promise<void>;
}

export interface WatchSource {
  /** Watches `dir` recursively; resolves once the watcher is established. */
  watch(dir: string, handlers: WatchHandlers): Promise<WatchHandle>;
}

interface RecursiveWatcher {
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): void;
  unref?(): unknown;
}

interface FsWithWatch {
  watch(
    path: string,
    options: { recursive: boolean; persistent: boolean },
    listener: (event: string, filename: string | Buffer | null) => void,
  ): RecursiveWatcher;
}

/** A watch source over `fs.watch(dir, { recursive: true })`, for memfs volumes. */
export function fsWatchSource(fs: FsLike): WatchSource {
  return {
    async watch(dir, handlers) {
      const watcher = (fs as unknown as FsWithWatch).watch(dir, { recursive: true, persistent: false }, (_event, filename) => {
        const name = filename === null ? '' : String(filename);
        handlers.onChange(name === '' ? dir : `${dir}/${name}`, 'unknown');
      });
      watcher.on('error', (error) => handlers.onError(error));
      return {
        close: async () => watcher.close(),
      };
    },
  };
}
