/**
 * The watch-source port: something that tells the syncer which paths under a directory may
 * have changed. Events are hints only; the syncer re-reads the file system before it reports
 * anything. On real disks, one `fs.watch` per directory (`dir-watch-source.ts`, the default on
 * Linux) or chokidar (`chokidar-source.ts`); `fs.watch` with `recursive` serves memfs
 * (`fs-watch-source.ts`). Tests inject their own.
 */

/** What kind of thing an event was about, where the source knows. */
export type EventKind = 'file' | 'dir' | 'unknown';

export interface WatchHandlers {
  /** `path` is absolute; the watched directory itself when it was the one that changed. */
  onChange(path: string, kind: EventKind): void;
  /** A watcher failure (ENOSPC at the inotify limit, EMFILE, ...): coverage may be partial. */
  onError(error: Error): void;
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
}

export interface WatchSource {
  /**
   * Watches `dir` recursively; resolves once the watcher is established. When `signal` aborts
   * first, the watcher is closed and the promise rejects (once it is closed).
   */
  watch(dir: string, handlers: WatchHandlers, signal?: AbortSignal): Promise<WatchHandle>;
}
