/**
 * Where a file syncer's changes come from: a tree on disk (or in memfs), walked and watched.
 * Its life is a loop of sessions, one per incarnation of the root: wait for the datastore
 * (WaitForDatastore), start watching, walk every prefix once (ResyncInProgress: every key as
 * KVNew, and whatever changed meanwhile), then InSync: watcher hints collected over a quiet
 * window become one batch each (see `reconciler.ts`).
 *
 * It trusts no event and checks what the watcher cannot say: a batch with many scopes (a
 * burst, when the kernel may have dropped events) becomes a full resync now and another one
 * once things settle; a watcher error turns on polling rescans (ResyncInProgress until the
 * first one is done); the root's identity is polled: a removed root ends the session with
 * every key deleted (WaitForDatastore until it is back), a root replaced by another directory
 * (a swapped symbolic link, a directory renamed over it) ends it too, and the next session's
 * resync sends the differences; a periodic full resync is the last safety net. Every resync
 * sends only differences. All I/O runs as jobs of one serial queue. Statuses, delivery and
 * warnings are the shared syncer machine's (src/syncer/syncer.ts).
 */
import type { SyncerCallbacks } from '../../../model/api.js';
import { ReadyFlagKey } from '../../../model/config.js';
import { SyncStatus } from '../../../model/kv.js';
import { Coalescer } from '../../../syncer/coalescer.js';
import type { ChangeSink, ChangeSource } from '../../../syncer/syncer.js';
import { SyncerMachine } from '../../../syncer/syncer.js';
import { ExpiryTimers, Timers } from '../../../syncer/timers.js';
import { isNodeFs, realPath } from '../fs-like.js';
import type { DirentLike } from '../fs-like.js';
import { SPREAD } from './watch/dir-poll.js';
import { SessionIndex } from './session-index.js';
import { wallNow } from '../../../core/clock.js';
import type { TreeStore } from '../store.js';
import { clipToPrefixes, scopeFromId, scopeId, scopeOfEvent } from './event-scope.js';
import type { InvalidState, KeyState } from './reconciler.js';
import { Reconciler } from './reconciler.js';
import { Session } from './session.js';
import type { EndReason } from './session.js';
import type { FileSyncerInternals, FileSyncerOptions, Settings } from './settings.js';
import { settingsOf } from './settings.js';
import { chokidarSource } from './watch/chokidar.js';
import { identityFromStats } from './watch/dir-identities.js';
import { dirWatchSource } from './watch/directories.js';
import { fsWatchSource } from './watch/memfs.js';
import type { WatchHandlers, WatchSource } from './watch/port.js';

type FileSink = ChangeSink<KeyState, InvalidState>;

/** A syncer over `store`: the shared machine, fed by a file source. */
export function createFileSyncer(
  store: TreeStore,
  callbacks: SyncerCallbacks,
  options: FileSyncerOptions,
  internals: FileSyncerInternals,
  onStopped: () => void,
): SyncerMachine<KeyState, InvalidState> {
  const settings = settingsOf(options, internals);
  return new SyncerMachine(callbacks, settings, new FileSource(store, settings), onStopped);
}

export class FileSource implements ChangeSource<KeyState, InvalidState> {
  readonly #store: TreeStore;
  readonly #settings: Settings;
  readonly #watchSource: WatchSource;
  /** Waits outside sessions; closed by stop(). */
  readonly #timers: Timers;
  readonly #expiries: ExpiryTimers;
  readonly #coalescer: Coalescer<string>;
  #sink!: FileSink;
  #reconciler!: Reconciler;
  #session: Session | undefined;
  #queue: Promise<void> = Promise.resolve();
  readonly #index: SessionIndex;

  constructor(store: TreeStore, settings: Settings) {
    this.#store = store;
    this.#settings = settings;
    this.#watchSource =
      settings.watchSource ??
      (!isNodeFs(store.fs)
        ? fsWatchSource(store.fs)
        : settings.watcher === 'chokidar'
          ? chokidarSource
          : dirWatchSource);
    this.#index = new SessionIndex(store.fs, store.clock, isNodeFs(store.fs), settings.indexRacyMs);
    this.#timers = new Timers(store.clock);
    this.#expiries = new ExpiryTimers(store.clock, (path) =>
      this.#coalescer.add(scopeId({ kind: 'key', path })),
    );
    this.#coalescer = new Coalescer(store.clock, settings, (ids) =>
      this.#serialSafe(() => this.#reconcile(ids)),
    );
  }

  async run(sink: FileSink): Promise<void> {
    this.#sink = sink;
    this.#reconciler = new Reconciler(this.#store, this.#settings, sink.picture, {
      setExpiry: (path, expiresAt) => this.#expiries.set(path, expiresAt),
      cancelled: () => sink.stopped,
      unreadable: (file, error) =>
        sink.warn('ERR_SYNCER_UNREADABLE', `skipping ${file}: ${error.message}`, error),
      readDir: () => this.#readDir(),
    });
    await this.#loop();
    await this.#queue;
  }

  stop(): void {
    this.#coalescer.close();
    this.#expiries.clear();
    this.#timers.close();
    this.#session?.end('stopped');
  }

  async #loop(): Promise<void> {
    while (!this.#sink.stopped) {
      this.#sink.status(SyncStatus.WaitForDatastore);
      await this.#waitForDatastore();
      if (this.#sink.stopped) return;
      const reason = await this.#runSession();
      if (reason === 'root-gone') {
        this.#sink.status(SyncStatus.WaitForDatastore);
        await this.#serial(async () => void this.#sink.deliver(this.#reconciler.forgetAll()));
      } else if (reason === 'error') {
        await this.#timers.sleep(this.#settings.pollMs);
      }
    }
  }

  /** Watches the root, resyncs, reports InSync, and lasts until the root goes or the syncer stops. */
  async #runSession(): Promise<EndReason> {
    const session = new Session(new Timers(this.#store.clock));
    this.#session = session;
    try {
      session.rootId = await this.#rootIdentity();
      if (session.rootId === undefined) return 'root-gone';
      // A root reached through a symbolic link is watched where it leads (a watcher that does not
      // follow links would see nothing below it); a swapped link changes the root's identity.
      const watched = await realPath(this.#store.fs, this.#store.root).catch(
        () => this.#store.root,
      );
      session.timers.every(this.#settings.pollMs, () => this.#checkRoot(session));
      session.watchedRoot = watched;
      // Lazy: the walks below list each directory through the watcher, which covers it first
      // (one read of each directory serves both: issue 19).
      session.watch = await this.#watchSource.watch(
        watched,
        this.#handlers(session, watched),
        session.signal,
        { lazy: true, pollMs: this.#settings.pollMs },
      );
      if (session.open) {
        this.#sink.status(SyncStatus.ResyncInProgress);
        // A restart over an unchanged tree takes keys and listings from the index the last
        // session left (no reads), and the walk leaves a new one.
        await this.#index.begin(watched);
        this.#reconciler.useIndex(this.#index);
        const hits = this.#reconciler.indexHits;
        // The watcher was set up just now: no repair of its coverage needed yet.
        await this.#serial(() => this.#fullResync(false));
        this.#reconciler.useIndex(undefined);
        this.#index.end(!this.#sink.stopped && session.open);
        session.watch?.walked?.();
        this.#settings.onIndexHits?.(this.#reconciler.indexHits - hits);
        await this.#serial(() => this.#reconcile(this.#coalescer.takePending()));
        this.#tellCoverage(session);
      }
      if (session.open) {
        session.inSync = true;
        this.#sink.status(SyncStatus.InSync);
        if (this.#settings.resyncIntervalMs > 0) {
          session.timers.every(this.#settings.resyncIntervalMs, () =>
            this.#serialSafe(async () => void (await this.#fullResync())),
          );
        }
      }
      return await session.ended;
    } catch (err) {
      // Ended while setting up (stopped, root gone): the watch source gave up on purpose.
      if (!session.open) return await session.ended;
      this.#sink.warn('ERR_SYNCER_RESTART', `${(err as Error).message}; starting over`, err);
      return 'error';
    } finally {
      session.end('stopped');
      this.#session = undefined;
      await session.watch?.close().catch(() => undefined);
    }
  }

  /** Watcher events under `root` (the real path of the store's root) become scopes in the coalescer. */
  #handlers(session: Session, root: string): WatchHandlers {
    return {
      onChange: (path, kind) => {
        if (!session.open) return;
        if (path === root) {
          void this.#checkRoot(session);
          return;
        }
        if (!path.startsWith(`${root}/`)) return;
        const scope = scopeOfEvent(path.slice(root.length + 1), kind);
        if (scope !== undefined && clipToPrefixes(scope, this.#settings.prefixes).length > 0)
          this.#coalescer.add(scopeId(scope));
      },
      onError: (error) => this.#onWatchError(session, error),
    };
  }

  async #waitForDatastore(): Promise<void> {
    for (let delay = 25; !this.#sink.stopped; delay = Math.min(delay * 2, this.#settings.pollMs)) {
      if (await this.#datastoreReady()) return;
      await this.#timers.sleep(delay);
    }
  }

  /** The root is a readable directory, and the Ready flag is set where the options ask for it. */
  async #datastoreReady(): Promise<boolean> {
    const readable = await this.#store.fs.promises
      .readdir(this.#store.root, { withFileTypes: true })
      .then(
        () => true,
        () => false,
      );
    if (!readable || !this.#settings.waitForReady) return readable;
    const key = new ReadyFlagKey();
    try {
      const entry = await this.#store.read(this.#store.keyFiles(key.defaultPath()));
      return this.#store.isLive(entry) && this.#store.decode(key, entry) === true;
    } catch {
      return false;
    }
  }

  async #rootIdentity(): Promise<string | undefined> {
    const stats = await this.#store.fs.promises.stat(this.#store.root).catch(() => undefined);
    return stats?.isDirectory() === true ? identityFromStats(stats) : undefined;
  }

  /** Ends the session when the root was removed or replaced (a watcher reports nothing after that). */
  async #checkRoot(session: Session): Promise<void> {
    if (!session.open) return;
    const id = await this.#rootIdentity();
    if (id !== session.rootId) session.end(id === undefined ? 'root-gone' : 'root-replaced');
  }

  /**
   * The walks' way of listing a directory: through the session's watcher where it covers what
   * they read (paths below the store's root are its paths below the watched root).
   */
  #readDir(): ((dir: string, order: string) => DirentLike[] | undefined) | undefined {
    const session = this.#session;
    const handle = session?.watch;
    const watched = session?.watchedRoot;
    if (handle?.list === undefined || watched === undefined) return undefined;
    const root = this.#store.root;
    return (dir, order) => {
      const real = watched === root ? dir : watched + dir.slice(root.length);
      const known = this.#index.knownDir(order);
      const listed = handle.list?.(real, known);
      if (listed !== undefined) this.#index.listed(order, listed, known);
      return listed?.entries;
    };
  }

  /**
   * Says how many watches the syncer holds and what it polls, when it polls directories it
   * could not watch (over its budget of half the user's inotify watches, or a failed watch);
   * again whenever that number grows.
   */
  #tellCoverage(session: Session): void {
    const coverage = session.watch?.coverage?.();
    if (coverage === undefined || coverage.unwatched <= session.toldUnwatched) return;
    session.toldUnwatched = coverage.unwatched;
    const limit =
      coverage.limit === undefined
        ? ''
        : ` (half of fs.inotify.max_user_watches=${coverage.limit})`;
    const message =
      `watching ${coverage.watches} directories, at most ${coverage.budget}${limit}; ` +
      `polling ${coverage.unwatched} directories that have no watch, with their files, every ` +
      `${this.#settings.pollMs} ms, and ${coverage.oneSubdirectory} that hold only one ` +
      `subdirectory every ${SPREAD * this.#settings.pollMs} ms; raise the limit to watch them all`;
    this.#sink.warn('ERR_WATCH_LIMIT', message, undefined);
  }

  /** A watcher error: coverage may now be partial, so say so, rescan, and poll from now on. */
  #onWatchError(session: Session, error: Error): void {
    if (!session.open || session.polling) return;
    session.polling = true;
    this.#sink.warn(
      'ERR_WATCH_ERROR',
      `watcher error (${error.message}); falling back to polling rescans`,
      error,
    );
    if (session.inSync) this.#sink.status(SyncStatus.ResyncInProgress);
    const rescan = (): Promise<void> =>
      this.#serialSafe(async () => {
        await this.#fullResync();
        if (session.open && session.inSync) this.#sink.status(SyncStatus.InSync);
      });
    void rescan();
    session.timers.every(this.#settings.pollMs, rescan);
  }

  /**
   * Walks every prefix; sends what differs from what the consumer holds. Says how much it sent.
   * First the watcher's coverage is repaired (after lost events, a new directory may have no
   * watch), so that whatever changes after the walk has passed it is reported.
   */
  async #fullResync(repairWatches = true): Promise<number> {
    if (repairWatches) await this.#session?.watch?.rescan?.();
    let sent = 0;
    for (const prefix of this.#settings.prefixes) {
      if (this.#sink.stopped) break;
      const { batch, deferred } = await this.#reconciler.resync(
        prefix,
        (chunk) => (sent += this.#sink.deliver(chunk)),
      );
      sent += this.#sink.deliver(batch);
      this.#lookAgainLater(deferred);
    }
    const session = this.#session;
    if (repairWatches && session?.inSync === true) this.#tellCoverage(session);
    return sent;
  }

  /** Keys caught in the middle of a kvdir write: looked at again in the next batch. */
  #lookAgainLater(paths: string[]): void {
    for (const path of paths) this.#coalescer.add(scopeId({ kind: 'key', path }));
  }

  /** One batch for the scopes a quiet window collected. */
  async #reconcile(ids: Set<string>): Promise<void> {
    if (ids.size === 0 || this.#sink.stopped) return;
    if (ids.size >= this.#settings.burstThreshold) {
      await this.#fullResync();
      this.#followUpResync();
      return;
    }
    const { batch, newTrees, deferred } = await this.#reconciler.reconcileScopes(
      [...ids].map(scopeFromId),
    );
    this.#sink.deliver(batch);
    this.#lookAgainLater(deferred);
    for (const path of newTrees) {
      this.#session?.timers.after(this.#settings.settleMs, () =>
        this.#coalescer.add(scopeId({ kind: 'tree', path, again: true })),
      );
    }
  }

  /**
   * After a burst, the kernel may have dropped events: one more full resync once things have
   * been quiet for `settleMs`, and another after it as long as these still find changes.
   */
  #followUpResync(): void {
    const session = this.#session;
    if (session === undefined) return;
    session.cancelFollowUp?.();
    session.cancelFollowUp = session.timers.after(this.#settings.settleMs, () => {
      session.cancelFollowUp = undefined;
      void this.#serialSafe(async () => {
        if ((await this.#fullResync()) > 0) this.#followUpResync();
      });
    });
  }

  /** Runs jobs one at a time, in order; the promise rejects with the job's error. */
  #serial<T>(job: () => Promise<T>): Promise<T | undefined> {
    const run = this.#queue.then(() => (this.#sink.stopped ? undefined : job()));
    this.#queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** A job whose failure is reported and answered with a full resync a little later. */
  async #serialSafe(job: () => Promise<void>): Promise<void> {
    try {
      await this.#serial(job);
    } catch (err) {
      if (this.#sink.stopped) return;
      this.#sink.warn('ERR_SYNCER_ERROR', `${(err as Error).message}; resyncing`, err);
      this.#session?.timers.after(
        this.#settings.pollMs,
        () => void this.#serialSafe(async () => void (await this.#fullResync())),
      );
    }
  }
}
