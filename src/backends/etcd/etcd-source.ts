/**
 * Where an etcd syncer's changes come from (etcd-notes §6.6): a snapshot, then a watch.
 * - WaitForDatastore until etcd answers (and, with `waitForReady`, `/calico/v1/Ready` is true).
 * - ResyncInProgress: every prefix is listed in pages at ONE revision R and told to the
 *   picture in chunks (KVNew the first time; later only the differences, with a sweep of what
 *   is gone: the same code serves every resync).
 * - One raw watch stream with a watch per prefix from R + 1; InSync once each has caught up
 *   (catch-up.ts). One watch response is one batch (a recursive delete is one txn, one
 *   revision, one response), folded per key against the picture (etcd-view.ts).
 * - The resume point of each watch comes from event revisions, never from a response header.
 *   When the stream breaks, the watches are created again from there: nothing is lost and
 *   nothing resent. InSync is left only after a grace period, so a blip does not flap.
 * - A cancelled watch (compaction passed it) or another cluster at the same address (cluster
 *   id, term or revision going backwards) calls for a full resync; so does, as a last safety
 *   net, the periodic resync (`resyncIntervalMs`).
 * Everything a session reacts to comes through one mailbox, so its logic never runs twice at
 * once. The source has an etcd client of its own: etcd3 closes every service of a connection
 * when a call on it fails in a "recoverable" way, and the backend's calls must not take the
 * watch down with them.
 */
import type { Etcd3, IWatchResponse } from 'etcd3';
import { systemClock } from '../../core/clock.js';
import { ReadyFlagKey } from '../../model/config.js';
import { SyncStatus } from '../../model/kv.js';
import { Batch } from '../../syncer/batch.js';
import type { ChangeSink, ChangeSource } from '../../syncer/syncer.js';
import { Timers } from '../../syncer/timers.js';
import { Backoff } from './backoff.js';
import { unchangedSince } from './catch-up.js';
import { ClusterIdentity } from './cluster-identity.js';
import type { Etcd3Module } from './etcd-errors.js';
import { isCompacted } from './etcd-errors.js';
import type { InvalidState, KeyState } from './etcd-view.js';
import { EtcdView } from './etcd-view.js';
import type { KeySpace } from './key-space.js';
import { Mailbox } from './mailbox.js';
import { PrefixWatch } from './prefix-watch.js';
import { scanTrees } from './tree-reader.js';
import type { StreamMessage } from './watch-stream.js';
import { WatchStream } from './watch-stream.js';
import { decodeValue } from './value-codec.js';

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

type Message = StreamMessage | { kind: 'progress' } | { kind: 'resync' } | { kind: 'stop' };

/** Why a session ended. */
type SessionEnd =
  | { reason: 'stopped' | 'restart' | 'replaced' }
  | { reason: 'lost'; error: unknown }
  | { reason: 'canceled'; response: IWatchResponse };

/** Largest onUpdates array a snapshot sends. */
const CHUNK = 1000;
/** Progress requests while a watch catches up: from this delay, doubling to 1 s. */
const PROGRESS_MS = 50;

export class EtcdSource implements ChangeSource<KeyState, InvalidState> {
  readonly #options: EtcdSourceOptions;
  readonly #timers = new Timers(systemClock);
  readonly #identity = new ClusterIdentity();
  readonly #graceMs: number;
  #sink!: EtcdSink;
  #view!: EtcdView;
  #watches: PrefixWatch[] = [];
  #client: Etcd3 | undefined;
  #mailbox: Mailbox<Message> | undefined;
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
          this.#mailbox?.post({ kind: 'resync' }),
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
    this.#mailbox?.post({ kind: 'stop' });
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
      const end = await this.#session(client);
      if (this.#watches.every((watch) => watch.caughtUp)) backoff.reset();
      switch (end.reason) {
        case 'stopped':
          return;
        case 'restart':
          break;
        case 'lost':
          this.#lost(end.error);
          await backoff.wait();
          break;
        case 'replaced':
          this.#sink.warn(
            'ERR_SYNCER_RESTART',
            'etcd was replaced (another cluster id, or its term or revision went back); resyncing everything',
            undefined,
          );
          resync = true;
          break;
        case 'canceled':
          this.#sink.warn('ERR_WATCH_ERROR', canceledMessage(end.response), undefined);
          // A watch that etcd cancels again at once must not make a loop of full resyncs.
          if (!this.#watches.every((watch) => watch.caughtUp)) await backoff.wait();
          resync = true;
      }
    }
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
      const header = await this.#scan(client);
      this.#identity.accept(header);
      return true;
    } catch (err) {
      if (!this.#sink.stopped) {
        this.#sink.warn(
          'ERR_SYNCER_ERROR',
          `listing etcd failed (${message(err)}); trying again`,
          err,
        );
      }
      return false;
    }
  }

  /**
   * Lists every prefix at one revision R and tells the picture; what the consumer holds and
   * R does not is gone. Every watch then resumes at R + 1. Returns the first response's header.
   */
  async #scan(client: Etcd3): Promise<IWatchResponse['header']> {
    const picture = this.#sink.picture;
    const watches = this.#watches;
    let pass = picture.newPass();
    const counts = watches.map(() => 0);
    // Nothing held before, nothing to sweep after (the first snapshot): skip the walk over it.
    let sweep = watches.map((watch) => watch.held > 0);
    const batch = new Batch();
    const header = await scanTrees(
      {
        kv: client.kv,
        keys: this.#options.keys,
        pageSize: this.#options.pageSize,
        read: (call) => call(),
        isCompacted: (err) => isCompacted(this.#options.lib, err),
      },
      watches.map((watch) => watch.prefix),
      {
        page: (kvs, index) => {
          if (this.#sink.stopped) throw new Error('the syncer stopped');
          const watch = watches[index]!;
          for (const kv of kvs) {
            counts[index]!++;
            this.#view.present(batch, watch, this.#options.keys.path(kv.key), kv, pass);
            if (batch.updates.length + batch.failures.length >= CHUNK) {
              this.#sink.deliver(batch.take());
            }
          }
        },
        restart: () => {
          pass = picture.newPass();
          counts.fill(0);
          sweep = watches.map(() => true);
        },
      },
    );
    const revision = Number(header.revision);
    for (const [index, watch] of watches.entries()) {
      if (sweep[index]!) this.#view.sweep(batch, watch, pass);
      watch.held = counts[index]!;
      watch.next = revision + 1;
    }
    this.#sink.deliver(batch);
    return header;
  }

  /** One watch stream, from each watch's resume point, until it ends or a resync is needed. */
  async #session(client: Etcd3): Promise<SessionEnd> {
    const mailbox = (this.#mailbox = new Mailbox<Message>());
    let cancelProgress: (() => void) | undefined;
    let progressMs = PROGRESS_MS;
    let stream: WatchStream | undefined;
    try {
      if (this.#sink.stopped) return { reason: 'stopped' };
      stream = await WatchStream.open(client, (message) => mailbox.post(message));
      const creating = [...this.#watches];
      for (const watch of creating) {
        watch.reset();
        stream.create(watch.range, watch.next);
      }
      stream.requestProgress();
      for (;;) {
        const message = await mailbox.take();
        if (this.#sink.stopped) return { reason: 'stopped' };
        let end: SessionEnd | undefined;
        switch (message.kind) {
          case 'stop':
            return { reason: 'stopped' };
          case 'ended':
            return { reason: 'lost', error: message.error };
          case 'progress':
            cancelProgress = undefined;
            stream.requestProgress();
            break;
          case 'resync':
            end = await this.#periodicResync(client);
            break;
          case 'response':
            end = await this.#onResponse(client, message.response, creating);
        }
        if (end !== undefined) return end;
        if (this.#watches.every((watch) => watch.caughtUp)) {
          cancelProgress?.();
          cancelProgress = undefined;
          this.#inSync();
        } else if (cancelProgress === undefined && message.kind === 'response') {
          // Not there yet: ask again a little later (a reply may have come before the events).
          cancelProgress = this.#timers.after(progressMs, () => mailbox.post({ kind: 'progress' }));
          progressMs = Math.min(progressMs * 2, 1000);
        }
      }
    } catch (err) {
      return this.#sink.stopped ? { reason: 'stopped' } : { reason: 'lost', error: err };
    } finally {
      cancelProgress?.();
      this.#mailbox = undefined;
      stream?.close();
    }
  }

  /** What one watch response means; a SessionEnd when the session cannot go on. */
  async #onResponse(
    client: Etcd3,
    response: IWatchResponse,
    creating: PrefixWatch[],
  ): Promise<SessionEnd | undefined> {
    if (this.#identity.replaced(response.header)) return { reason: 'replaced' };
    if (response.created) {
      const watch = creating.shift();
      if (watch !== undefined) watch.id = response.watch_id;
      // etcd is behind what the consumer holds: it was restored from an older state.
      const revision = Number(response.header.revision);
      if (watch !== undefined && revision > 0 && revision < watch.next - 1) {
        return { reason: 'replaced' };
      }
    }
    if (response.canceled) return { reason: 'canceled', response };
    if (response.created) return undefined;
    const watch = this.#watches.find((w) => w.id !== undefined && w.id === response.watch_id);
    if (response.events.length > 0) {
      if (watch === undefined) return undefined;
      const batch = new Batch();
      const last = this.#view.fold(batch, watch, response.events);
      this.#sink.deliver(batch);
      watch.reflects(last);
    } else if (watch !== undefined) {
      // The watch's own progress notification: ordered with its events, a safe resume point.
      watch.reflects(Number(response.header.revision));
      watch.caughtUp = true;
    } else {
      await this.#progressReply(client, Number(response.header.revision));
    }
    return undefined;
  }

  /** A progress reply (watch id -1) with the store's revision: see catch-up.ts. */
  async #progressReply(client: Etcd3, revision: number): Promise<void> {
    for (const watch of this.#watches) {
      if (watch.caughtUp || watch.id === undefined) continue;
      if (watch.next > revision) {
        watch.caughtUp = true;
        continue;
      }
      watch.target = revision;
      try {
        if (await unchangedSince(client.kv, watch, revision)) watch.reflects(revision);
      } catch {
        // Compacted meanwhile (the watch is cancelled next) or etcd lost (the stream ends).
      }
    }
  }

  /** The periodic safety net: a full look, only differences sent, the stream kept. */
  async #periodicResync(client: Etcd3): Promise<SessionEnd | undefined> {
    const before = this.#watches.map((watch) => watch.next);
    let header: IWatchResponse['header'];
    try {
      header = await this.#scan(client);
    } catch (err) {
      return this.#sink.stopped ? { reason: 'stopped' } : { reason: 'lost', error: err };
    }
    // Another cluster, or a store behind the picture: the watches on this stream wait at
    // revisions it may not reach. The scan told the differences; watch again from it.
    const replaced = this.#identity.replaced(header);
    if (replaced || this.#watches.some((watch, i) => watch.next < before[i]!)) {
      this.#identity.accept(header);
      return { reason: 'restart' };
    }
    return undefined;
  }

  /** The stream broke: each watch resumes where it was; InSync ends after the grace period. */
  #lost(error: unknown): void {
    if (this.#told === SyncStatus.InSync && this.#cancelGrace === undefined) {
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
