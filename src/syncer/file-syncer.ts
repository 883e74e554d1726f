/**
 * The syncer of a FileBackend: wait for the root, start watching, walk once (every key as
 * KVNew), then turn watcher hints into batches of updates after a quiet window. It trusts no
 * event: every batch re-stats and re-reads what the events point at, and a full resync (which
 * sends only differences) runs after bursts, after watcher errors, periodically, and when the
 * root is replaced.
 */
import type { Syncer, SyncerCallbacks, SyncerOptions } from '../model/client.js';
import { ReadyFlagKey } from '../model/config.js';
import { ParsingDatastoreEntryError } from '../model/errors.js';
import type { Key } from '../model/key.js';
import { SyncStatus, UpdateType } from '../model/kv.js';
import type { Update } from '../model/kv.js';
import { keyFromPath } from '../model/parser.js';
import { isMissing } from '../fs/errno.js';
import { isNodeFs } from '../fs/fs-like.js';
import type { KeyFiles } from '../fs/layout.js';
import type { TreeStore } from '../fs/store.js';
import { chokidarSource } from './chokidar-source.js';
import { Coalescer } from './coalescer.js';
import { isUnder, scopeOfEvent } from './event-scope.js';
import type { Scope } from './event-scope.js';
import { KeyCache } from './key-cache.js';
import { fsWatchSource } from './watch-source.js';
import type { WatchHandle, WatchSource } from './watch-source.js';

/** Options with their defaults applied, plus knobs tests and the reliability suite turn. */
interface Settings {
  prefixes: string[];
  keyFromPath: (path: string) => Key | null;
  waitForReady: boolean;
  quietWindowMs: number;
  maxDelayMs: number;
  resyncIntervalMs: number;
  /** Paths in one batch from which a full resync is cheaper and safer (the kernel may have dropped events). */
  burstThreshold: number;
  /** Delay of the second look at a new directory, and of the resync after a burst. */
  settleMs: number;
  /** How often the root is checked for being removed or replaced, and the poll interval after a watcher error. */
  pollMs: number;
  /** Largest onUpdates array during a resync. */
  batchSize: number;
}

export interface FileSyncerInternals {
  watchSource?: WatchSource;
  burstThreshold?: number;
  settleMs?: number;
  pollMs?: number;
}

export class FileSyncer implements Syncer {
  readonly #store: TreeStore;
  readonly #callbacks: SyncerCallbacks;
  readonly #settings: Settings;
  readonly #source: WatchSource;
  readonly #onStopped: () => void;
  readonly #cache = new KeyCache();
  /** Files reported to parseFailed (raw key -> signature), so each is reported once per change. */
  readonly #invalid = new Map<string, string>();
  readonly #timers = new Set<unknown>();
  readonly #expiries = new Map<string, unknown>();
  readonly #coalescer: Coalescer<string>;
  #status: SyncStatus | undefined;
  #started = false;
  #stopped = false;
  #stopping: Promise<void> | undefined;
  #watch: WatchHandle | undefined;
  #rootId: string | undefined;
  #polling = false;
  /** Bumped at every restart, so timers of an earlier run stop rescheduling themselves. */
  #generation = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(store: TreeStore, callbacks: SyncerCallbacks, options: SyncerOptions & FileSyncerInternals, onStopped: () => void) {
    this.#store = store;
    this.#callbacks = callbacks;
    this.#settings = settingsOf(options);
    this.#source = options.watchSource ?? (isNodeFs(store.fs) ? chokidarSource : fsWatchSource(store.fs));
    this.#onStopped = onStopped;
    this.#coalescer = new Coalescer(store.clock, this.#settings, (items) => this.#serial(() => this.#reconcile(items)));
  }

  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    void this.#run();
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#stopped = true;
      this.#coalescer.close();
      for (const timer of [...this.#timers, ...this.#expiries.values()]) this.#store.clock.clearTimeout(timer);
      this.#timers.clear();
      this.#expiries.clear();
      await this.#closeWatch();
      await this.#queue;
      this.#onStopped();
    })();
    return this.#stopping;
  }

  /** Waits for the datastore, watches, resyncs, then reports InSync; on failure starts over. */
  async #run(): Promise<void> {
    this.#setStatus(SyncStatus.WaitForDatastore);
    try {
      await this.#waitForDatastore();
      if (this.#stopped) return;
      await this.#startWatching();
      this.#setStatus(SyncStatus.ResyncInProgress);
      await this.#serial(() => this.#fullResync());
      await this.#serial(() => this.#reconcile(this.#coalescer.takePending()));
      if (this.#stopped) return;
      this.#setStatus(SyncStatus.InSync);
      this.#every(this.#settings.pollMs, () => this.#checkRoot());
      if (this.#settings.resyncIntervalMs > 0) {
        this.#every(this.#settings.resyncIntervalMs, () => this.#serial(() => this.#fullResync()));
      }
    } catch (err) {
      if (this.#stopped) return;
      process.emitWarning(`kvdir syncer: ${(err as Error).message}; starting over`, { code: 'KVDIR_SYNCER_RESTART' });
      await this.#restart(false);
    }
  }

  /** Tears down the watcher and timers and runs again; `rootGone` reports every key deleted. */
  async #restart(rootGone: boolean): Promise<void> {
    this.#generation++;
    for (const timer of this.#timers) this.#store.clock.clearTimeout(timer);
    this.#timers.clear();
    await this.#closeWatch();
    this.#polling = false;
    if (rootGone) await this.#serial(async () => this.#emit(this.#forgetAll()));
    if (this.#stopped) return;
    await this.#sleep(this.#settings.pollMs);
    if (!this.#stopped) void this.#run();
  }

  async #waitForDatastore(): Promise<void> {
    for (let delay = 25; !this.#stopped; delay = Math.min(delay * 2, this.#settings.pollMs)) {
      if ((await this.#rootIdentity()) !== undefined && (!this.#settings.waitForReady || (await this.#isReady()))) return;
      await this.#sleep(delay);
    }
  }

  async #isReady(): Promise<boolean> {
    const key = new ReadyFlagKey();
    const entry = await this.#store.read(this.#store.keyFiles(key.defaultPath())).catch(() => undefined);
    if (!this.#store.isLive(entry)) return false;
    try {
      return this.#store.decode(key, entry) === true;
    } catch {
      return false;
    }
  }

  async #startWatching(): Promise<void> {
    this.#rootId = await this.#rootIdentity();
    const root = this.#store.root;
    this.#watch = await this.#source.watch(root, {
      onChange: (path, kind) => {
        if (this.#stopped) return;
        const relative = path === root ? '' : path.slice(root.length + 1);
        if (relative === '') {
          void this.#checkRoot();
          return;
        }
        const scope = scopeOfEvent(relative, kind);
        if (scope !== undefined && this.#inPrefixes(scope)) this.#coalescer.add(scopeId(scope));
      },
      onError: (error) => this.#onWatchError(error),
    });
    if (this.#stopped) await this.#closeWatch();
  }

  /** A watcher error: coverage may now be partial, so say so, rescan, and poll from now on. */
  #onWatchError(error: Error): void {
    if (this.#stopped || this.#polling) return;
    this.#polling = true;
    process.emitWarning(`kvdir syncer: watcher error (${error.message}); falling back to polling rescans`, { code: 'KVDIR_WATCH_ERROR' });
    this.#setStatus(SyncStatus.ResyncInProgress);
    void this.#serial(async () => {
      await this.#fullResync();
      if (!this.#stopped) this.#setStatus(SyncStatus.InSync);
    });
    this.#every(this.#settings.pollMs, () => this.#serial(() => this.#fullResync()));
  }

  /** Restarts when the root was removed or replaced (chokidar reports nothing after that). */
  async #checkRoot(): Promise<void> {
    if (this.#stopped || this.#rootId === undefined) return;
    const id = await this.#rootIdentity();
    if (id === this.#rootId || this.#stopped) return;
    this.#rootId = undefined;
    this.#setStatus(SyncStatus.WaitForDatastore);
    await this.#restart(true);
  }

  async #rootIdentity(): Promise<string | undefined> {
    const stats = await this.#store.fs.promises.stat(this.#store.root).catch(() => undefined);
    return stats?.isDirectory() ? `${String(stats.ino)}:${String(stats.birthtimeMs ?? '')}` : undefined;
  }

  /** Walks every prefix; sends what differs from the cache (mark and sweep). */
  async #fullResync(): Promise<void> {
    for (const prefix of this.#settings.prefixes) {
      if (this.#stopped) return;
      const updates: Update[] = [];
      await this.#reconcileTree(prefix, updates, true);
      this.#emit(updates);
    }
  }

  /** One batch: looks again at every scope the events pointed at. */
  async #reconcile(ids: Set<string>): Promise<void> {
    if (this.#stopped || ids.size === 0) return;
    if (ids.size >= this.#settings.burstThreshold) {
      await this.#fullResync();
      this.#after(this.#settings.settleMs, () => this.#serial(() => this.#fullResync()));
      return;
    }
    const updates: Update[] = [];
    for (const id of ids) {
      const scope = parseScopeId(id);
      if (scope.kind === 'key') await this.#refreshKey(scope.path, updates);
      else if (scope.kind === 'tree') {
        await this.#reconcileTree(scope.path, updates, false);
        if (!id.startsWith('again:')) this.#after(this.#settings.settleMs, () => this.#coalescer.add(`again:${id}`));
      } else await this.#refreshInvalid(`/${scope.relative}`, updates);
    }
    this.#emit(updates);
  }

  /** Compares the subtree at `prefix` with the cache. */
  async #reconcileTree(prefix: string, updates: Update[], sendInBatches: boolean): Promise<void> {
    const walked = await this.#store.walk(prefix);
    const seen = new Set<string>();
    for (const found of walked.files) {
      if (this.#stopped) return;
      seen.add(found.path);
      await this.#refreshKey(found.path, updates);
      if (sendInBatches && updates.length >= this.#settings.batchSize) this.#emit(updates.splice(0));
    }
    for (const problem of walked.problems) {
      const rawKey = `/${problem.relative}`;
      seen.add(rawKey);
      if (problem.reason === 'not-a-key') await this.#refreshInvalid(rawKey, updates);
    }
    for (const path of this.#cache.pathsUnder(prefix)) {
      if (!seen.has(path)) await this.#refreshKey(path, updates);
    }
    for (const rawKey of this.#invalid.keys()) {
      if (!seen.has(rawKey) && isUnder(rawKey, prefix)) await this.#refreshInvalid(rawKey, updates);
    }
  }

  /** Re-stats one key; re-reads and reports it only when its files changed. */
  async #refreshKey(path: string, updates: Update[]): Promise<void> {
    const files = this.#store.keyFiles(path);
    const signature = await this.#signature(files);
    const cached = this.#cache.get(path);
    if (signature === undefined) {
      if (cached !== undefined) this.#deleted(path, cached.key, updates);
      this.#forgetInvalid(path);
      return;
    }
    if (cached?.signature === signature) return;
    const key = this.#settings.keyFromPath(path);
    if (key === null) {
      if (cached !== undefined) this.#deleted(path, cached.key, updates);
      await this.#refreshInvalid(path, updates, signature);
      return;
    }
    const entry = await this.#store.read(files).catch((err: unknown) => {
      if (isMissing(err) || (err as { code?: string }).code === 'ERR_SYMLINK') return undefined;
      throw err;
    });
    if (!this.#store.isLive(entry)) {
      if (cached !== undefined) this.#deleted(path, cached.key, updates);
      return;
    }
    this.#scheduleExpiry(path, entry.sidecar?.e);
    if (cached?.revision === entry.revision) {
      cached.signature = signature;
      return;
    }
    const update: Update = { key, revision: entry.revision, updateType: cached === undefined ? UpdateType.KVNew : UpdateType.KVUpdated };
    try {
      update.value = this.#store.decode(key, entry);
    } catch (err) {
      if (!(err instanceof ParsingDatastoreEntryError)) throw err;
      this.#parseFailed(path, err.rawValue);
    }
    const ttl = this.#store.ttlLeft(entry);
    if (ttl !== undefined) update.ttl = ttl;
    updates.push(update);
    this.#cache.set(path, { key, revision: entry.revision, signature });
  }

  /** Reports a YAML file that is not a key once per change, and '' once it is gone. */
  async #refreshInvalid(rawKey: string, _updates: Update[], known?: string): Promise<void> {
    const file = `${this.#store.root}${rawKey}`;
    const stats = await this.#store.fs.promises.lstat(file).catch(() => undefined);
    const signature = known ?? (stats?.isFile() ? statSignature(stats) : undefined);
    if (signature === undefined) {
      this.#forgetInvalid(rawKey);
      return;
    }
    if (this.#invalid.get(rawKey) === signature) return;
    this.#invalid.set(rawKey, signature);
    const bytes = await this.#store.fs.promises.readFile(file).catch(() => '');
    this.#parseFailed(rawKey, Buffer.isBuffer(bytes) ? bytes.toString('utf8') : String(bytes));
  }

  #forgetInvalid(rawKey: string): void {
    if (this.#invalid.delete(rawKey)) this.#parseFailed(rawKey, '');
  }

  #deleted(path: string, key: Key, updates: Update[]): void {
    this.#cache.delete(path);
    this.#cancelExpiry(path);
    updates.push({ key, updateType: UpdateType.KVDeleted });
  }

  /** Every key the consumer holds, as deletions (the root is gone). */
  #forgetAll(): Update[] {
    const updates: Update[] = [];
    for (const path of [...this.#cache.paths()]) this.#deleted(path, (this.#cache.get(path) as { key: Key }).key, updates);
    for (const rawKey of [...this.#invalid.keys()]) this.#forgetInvalid(rawKey);
    return updates;
  }

  async #signature(files: KeyFiles): Promise<string | undefined> {
    const [value, sidecar] = await Promise.all([
      this.#store.fs.promises.lstat(files.file).catch(() => undefined),
      this.#store.fs.promises.lstat(files.sidecar).catch(() => undefined),
    ]);
    if (value === undefined || !value.isFile()) return undefined;
    return `${statSignature(value)}|${sidecar === undefined ? '-' : statSignature(sidecar)}`;
  }

  #scheduleExpiry(path: string, expiresAt: number | undefined): void {
    this.#cancelExpiry(path);
    if (expiresAt === undefined || this.#stopped) return;
    const timer = this.#store.clock.setTimeout(() => {
      this.#expiries.delete(path);
      this.#coalescer.add(`key:${path}`);
    }, Math.max(0, expiresAt - this.#store.clock.now()) + 1);
    this.#expiries.set(path, timer);
  }

  #cancelExpiry(path: string): void {
    const timer = this.#expiries.get(path);
    if (timer !== undefined) this.#store.clock.clearTimeout(timer);
    this.#expiries.delete(path);
  }

  #inPrefixes(scope: Scope): boolean {
    const path = scope.kind === 'invalid' ? `/${scope.relative}` : scope.path;
    return this.#settings.prefixes.some((prefix) => isUnder(path, prefix) || (scope.kind === 'tree' && isUnder(prefix, path)));
  }

  #setStatus(status: SyncStatus): void {
    if (this.#stopped || status === this.#status) return;
    this.#status = status;
    this.#call(() => this.#callbacks.onStatusUpdated(status));
  }

  #emit(updates: Update[]): void {
    if (this.#stopped || updates.length === 0) return;
    this.#call(() => this.#callbacks.onUpdates(updates));
  }

  #parseFailed(rawKey: string, rawValue: string): void {
    if (this.#stopped) return;
    const parseFailed = this.#callbacks.parseFailed;
    if (parseFailed !== undefined) this.#call(() => parseFailed.call(this.#callbacks, rawKey, rawValue));
  }

  /** A callback that throws is the consumer's bug: rethrow it outside the syncer's loop. */
  #call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    }
  }

  /** Runs jobs one at a time, in order; a failed job starts the syncer over. */
  #serial(job: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(async () => {
      if (this.#stopped) return;
      try {
        await job();
      } catch (err) {
        if (this.#stopped) return;
        process.emitWarning(`kvdir syncer: ${(err as Error).message}; resyncing`, { code: 'KVDIR_SYNCER_ERROR' });
        this.#after(this.#settings.pollMs, () => this.#serial(() => this.#fullResync()));
      }
    });
    this.#queue = run;
    return run;
  }

  #after(ms: number, fn: () => unknown): void {
    if (this.#stopped) return;
    const timer = this.#store.clock.setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#stopped) void fn();
    }, ms);
    this.#timers.add(timer);
  }

  #every(ms: number, fn: () => Promise<void>): void {
    const generation = this.#generation;
    this.#after(ms, async () => {
      await fn();
      if (generation === this.#generation) this.#every(ms, fn);
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.#store.clock.setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  async #closeWatch(): Promise<void> {
    const watch = this.#watch;
    this.#watch = undefined;
    await watch?.close();
  }
}

function settingsOf(options: SyncerOptions & FileSyncerInternals): Settings {
  const quietWindowMs = options.quietWindowMs ?? 50;
  return {
    prefixes: options.prefixes ?? ['/'],
    keyFromPath: options.keyFromPath ?? keyFromPath,
    waitForReady: options.waitForReady ?? false,
    quietWindowMs,
    maxDelayMs: Math.max(quietWindowMs, options.maxDelayMs ?? 500),
    resyncIntervalMs: options.resyncIntervalMs ?? 300_000,
    burstThreshold: options.burstThreshold ?? 512,
    settleMs: options.settleMs ?? 1000,
    pollMs: options.pollMs ?? 1000,
    batchSize: 1000,
  };
}

function scopeId(scope: Scope): string {
  return scope.kind === 'invalid' ? `invalid:${scope.relative}` : `${scope.kind}:${scope.path}`;
}

function parseScopeId(id: string): Scope {
  const bare = id.startsWith('again:') ? id.slice('again:'.length) : id;
  const at = bare.indexOf(':');
  const kind = bare.slice(0, at);
  const rest = bare.slice(at + 1);
  if (kind === 'invalid') return { kind, relative: rest };
  return { kind: kind === 'tree' ? 'tree' : 'key', path: rest };
}

function statSignature(stats: { ino: number | bigint; size: number | bigint; mtimeMs: number | bigint; ctimeMs?: number | bigint }): string {
  return `${String(stats.ino)}:${String(stats.size)}:${String(stats.mtimeMs)}:${String(stats.ctimeMs ?? '')}`;
}
