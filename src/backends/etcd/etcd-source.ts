/**
 * Where an etcd syncer's changes come from (etcd-notes §6.6): a snapshot, then a watch.
 * - WaitForDatastore until etcd answers (and, with `waitForReady`, `/calico/v1/Ready` is true).
 * - ResyncInProgress: a snapshot of every prefix at one revision R (etcd-snapshot.ts).
 * - Watch sessions from R + 1 (watch-session.ts); InSync once every watch has caught up.
 * - When the stream breaks, a new session resumes each watch where it was (the revision after
 *   its last event): nothing is lost and nothing resent. InSync is left only after a grace
 *   period, so that a blip does not flap; reconnects back off (jittered, capped at 5 s).
 * - A cancelled watch (compaction passed it) or another cluster at the same address (cluster
 *   id, term or revision going backwards) calls for a full resync; so does, as a last safety
 *   net, the periodic resync (`resyncIntervalMs`). Resyncs send only the differences.
 * The source has an etcd client of its own: etcd3 closes every service of a connection when a
 * call on it fails in a "recoverable" way, and the backend's calls must not take the watch
 * down with them. `stop()` closes it, which fails any request under way at once.
 */
import type { Etcd3, IWatchResponse } from 'etcd3';
import { systemClock } from '../../core/clock.js';
import { ReadyFlagKey } from '../../model/config.js';
import { SyncStatus } from '../../model/kv.js';
import type { ChangeSink, ChangeSource } from '../../syncer/syncer.js';
import { Timers } from '../../syncer/timers.js';
import { Backoff } from './backoff.js';
import { ClusterIdentity } from './cluster-identity.js';
import type { Etcd3Module } from './etcd-errors.js';
import { snapshot } from './etcd-snapshot.js';
import type { InvalidState, KeyState } from './etcd-view.js';
import { EtcdView } from './etcd-view.js';
import type { KeySpace } from './key-space.js';
import { PrefixWatch } from './prefix-watch.js';
import { decodeValue } from './value-codec.js';
import type { SessionEnd } from './watch-session.js';
import { WatchSession } from './watch-session.js';

type EtcdSink = ChangeSink<KeyState, InvalidState>;

export interface EtcdSourceOptions {
  lib: Etcd3Module;
  /** A new etcd client, the syncer's own (closed when it stops). */
  connect(): Etcd3;
  keys: KeySpace;
  pageSize: number;
  /** How long a lost connection may last before the consumer is told ResyncInProgress. */
  graceMs?: number;
}

export class EtcdSource implements ChangeSource<KeyState, InvalidState> {
  readonly #options: EtcdSourceOptions;
  readonly #timers = new Timers(systemClock);
  readonly #identity = new ClusterIdentity();
  readonly #graceMs: number;
  #sink!: EtcdSink;
  #view!: EtcdView;
  #watches: PrefixWatch[] = [];
  #client: Etcd3 | undefined;
  #session: WatchSession | undefined;
  /** The status last told; InSync is left after a grace period when etcd is lost. */
  #told: SyncStatus = SyncStatus.WaitForDatastore;
  #cancelGrace: (() => void) | undefined;

  constructor(options: EtcdSourceOptions) {
    this.#options = options;
    this.#graceMs = options.graceMs ?? 1000;
  }

  async run(sink: EtcdSink): Promise<void> {
    this.#sink = sink;
    this.#view = new EtcdView(sink.picture, this.#options.keys, sink.settings);
    this.#watches = sink.settings.prefixes.map((p) => new PrefixWatch(p, this.#options.keys));
    const client = (this.#client = this.#options.connect());
    try {
      this.#tell(SyncStatus.WaitForDatastore);
      await this.#waitForDatastore(client);
      if (sink.settings.resyncIntervalMs > 0) {
        this.#timers.every(sink.settings.resyncIntervalMs, async () =>
          this.#session?.post({ kind: 'resync' }),
        );
      }
      await this.#loop(client);
    } finally {
      this.#timers.close();
      client.close();
    }
  }

  stop(): void {
    this.#timers.close();
    this.#session?.post({ kind: 'stop' });
    // Fails whatever request is under way, so that run() ends now.
    this.#client?.close();
  }

  /** Full resyncs and watch sessions until stopped. */
  async #loop(client: Etcd3): Promise<void> {
    const backoff = new Backoff(this.#timers);
    let resync = true;
    while (!this.#sink.stopped) {
      if (resync) {
        if (!(await this.#fullResync(client))) {
          await backoff.wait();
          continue;
        }
        resync = false;
      }
      this.#session = this.#newSession(client);
      const end = await this.#session.run();
      this.#session = undefined;
      const caughtUp = this.#watches.every((watch) => watch.caughtUp);
      if (caughtUp) backoff.reset();
      if (end.reason === 'stopped') return;
      if (end.reason === 'lost') {
        this.#lost(end.error);
        await backoff.wait();
      } else if (end.reason === 'replaced') {
        const message =
          'etcd was replaced (another cluster id, or its term or revision went back); resyncing everything';
        this.#sink.warn('ERR_SYNCER_RESTART', message, undefined);
        resync = true;
      } else if (end.reason === 'canceled') {
        this.#sink.warn('ERR_WATCH_ERROR', canceledMessage(end.response), undefined);
        // A watch that etcd cancels again at once must not make a loop of full resyncs.
        if (!caughtUp) await backoff.wait();
        resync = true;
      }
    }
  }

  #newSession(client: Etcd3): WatchSession {
    return new WatchSession({
      client,
      watches: this.#watches,
      view: this.#view,
      sink: this.#sink,
      identity: this.#identity,
      timers: this.#timers,
      resync: () => this.#periodicResync(client),
      onCaughtUp: () => this.#inSync(),
    });
  }

  /** Polls etcd until it answers, and the Ready flag is true where the options ask for it. */
  async #waitForDatastore(client: Etcd3): Promise<void> {
    const ready = new ReadyFlagKey();
    const path = ready.defaultPath();
    for (let delay = 25; !this.#sink.stopped; delay = Math.min(delay * 2, 1000)) {
      try {
        const found = await client.kv.range({ key: this.#options.keys.key(path) });
        if (!this.#sink.settings.waitForReady) return;
        const kv = found.kvs[0];
        if (kv !== undefined && decodeValue(ready, kv.value, path, '') === true) return;
      } catch {
        // Not reachable yet: WaitForDatastore says so.
      }
      await this.#timers.sleep(delay);
    }
  }

  /** A full resync, told as ResyncInProgress. Says whether it succeeded. */
  async #fullResync(client: Etcd3): Promise<boolean> {
    this.#tell(SyncStatus.ResyncInProgress);
    try {
      this.#identity.accept(await this.#snapshot(client));
      return true;
    } catch (err) {
      if (!this.#sink.stopped) {
        const text = `listing etcd failed (${message(err)}); trying again`;
        this.#sink.warn('ERR_SYNCER_ERROR', text, err);
      }
      return false;
    }
  }

  /** The periodic safety net: a full look, only differences sent, the stream kept. */
  async #periodicResync(client: Etcd3): Promise<SessionEnd | undefined> {
    const before = this.#watches.map((watch) => watch.next);
    let header: IWatchResponse['header'];
    try {
      header = await this.#snapshot(client);
    } catch (err) {
      return this.#sink.stopped ? { reason: 'stopped' } : { reason: 'lost', error: err };
    }
    // Another cluster, or a store behind the picture: the watches on this stream wait at
    // revisions it may not reach. The snapshot told the differences; watch again from it.
    const replaced = this.#identity.replaced(header);
    if (replaced || this.#watches.some((watch, i) => watch.next < before[i]!)) {
      this.#identity.accept(header);
      return { reason: 'restart' };
    }
    return undefined;
  }

  #snapshot(client: Etcd3): Promise<IWatchResponse['header']> {
    const { lib, keys, pageSize } = this.#options;
    const context = { lib, keys, pageSize, sink: this.#sink, view: this.#view };
    return snapshot(context, client, this.#watches);
  }

  /** The stream broke: each watch resumes where it was; InSync ends after the grace period. */
  #lost(error: unknown): void {
    if (this.#told !== SyncStatus.InSync || this.#cancelGrace !== undefined) return;
    this.#sink.warn(
      'ERR_WATCH_ERROR',
      `lost the watch on etcd (${message(error)}); resuming`,
      error,
    );
    this.#cancelGrace = this.#timers.after(this.#graceMs, () => {
      this.#cancelGrace = undefined;
      this.#tell(SyncStatus.ResyncInProgress);
    });
  }

  /** Every watch has caught up: InSync (again), and no grace period runs any longer. */
  #inSync(): void {
    if (this.#told !== SyncStatus.InSync || this.#cancelGrace !== undefined) {
      this.#tell(SyncStatus.InSync);
    }
  }

  #tell(status: SyncStatus): void {
    this.#cancelGrace?.();
    this.#cancelGrace = undefined;
    this.#told = status;
    this.#sink.status(status);
  }
}

function canceledMessage(response: IWatchResponse): string {
  const compacted = Number(response.compact_revision) > 0;
  const why = compacted
    ? `compacted at revision ${response.compact_revision}`
    : response.cancel_reason || 'no reason given';
  return `etcd cancelled the watch (${why}); resyncing`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
