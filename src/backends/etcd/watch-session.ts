/**
 * One watch stream of the etcd syncer: a watch per prefix from its resume point, until the
 * stream ends or a resync is needed. Everything it reacts to (responses, the stream's end,
 * progress timers, the periodic resync, stop) comes through one mailbox, so its logic never
 * runs twice at once.
 * - Events: one response is one batch, folded per key (etcd-view.ts); the watch resumes after
 *   the last event's revision, never after a response header's (etcd-notes §3.6).
 * - Catching up: a progress request, and again later while any watch is behind (catch-up.ts);
 *   `onCaughtUp` once every watch has caught up.
 * - A cancelled watch (compaction) or another cluster ends the session for a full resync.
 */
import type { Etcd3, IWatchResponse } from 'etcd3';
import { Batch } from '../../syncer/batch.js';
import type { ChangeSink } from '../../syncer/syncer.js';
import type { Timers } from '../../syncer/timers.js';
import { unchangedSince } from './catch-up.js';
import type { ClusterIdentity } from './cluster-identity.js';
import type { EtcdView, InvalidState, KeyState } from './etcd-view.js';
import { Mailbox } from './mailbox.js';
import type { PrefixWatch } from './prefix-watch.js';
import type { StreamMessage } from './watch-stream.js';
import { WatchStream } from './watch-stream.js';

export type SessionMessage = StreamMessage | { kind: 'progress' | 'resync' | 'stop' };

/** Why a session ended. */
export type SessionEnd =
  | { reason: 'stopped' | 'restart' | 'replaced' }
  | { reason: 'lost'; error: unknown }
  | { reason: 'canceled'; response: IWatchResponse };

export interface SessionContext {
  client: Etcd3;
  watches: readonly PrefixWatch[];
  view: EtcdView;
  sink: ChangeSink<KeyState, InvalidState>;
  identity: ClusterIdentity;
  timers: Timers;
  /** The periodic resync, run inline (the stream's responses wait in the mailbox). */
  resync(): Promise<SessionEnd | undefined>;
  /** Every watch has caught up with the store (after each message, while it holds). */
  onCaughtUp(): void;
}

/** Progress requests while a watch catches up: from this delay, doubling to 1 s. */
const PROGRESS_MS = 50;

export class WatchSession {
  readonly #ctx: SessionContext;
  readonly #mailbox = new Mailbox<SessionMessage>();
  /** Watches whose `created` has not come yet, in the order they were asked for. */
  readonly #creating: PrefixWatch[] = [];
  #cancelProgress: (() => void) | undefined;
  #progressMs = PROGRESS_MS;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /** Tells the session something from outside (stop, the periodic resync). */
  post(message: SessionMessage): void {
    this.#mailbox.post(message);
  }

  async run(): Promise<SessionEnd> {
    const { client, watches, sink } = this.#ctx;
    let stream: WatchStream | undefined;
    try {
      if (sink.stopped) return { reason: 'stopped' };
      stream = await WatchStream.open(client, (message) => this.#mailbox.post(message));
      for (const watch of watches) {
        watch.reset();
        this.#creating.push(watch);
        stream.create(watch.range, watch.next);
      }
      stream.requestProgress();
      for (;;) {
        const message = await this.#mailbox.take();
        if (sink.stopped) return { reason: 'stopped' };
        const end = await this.#handle(message, stream);
        if (end !== undefined) return end;
        this.#afterMessage(message);
      }
    } catch (err) {
      return sink.stopped ? { reason: 'stopped' } : { reason: 'lost', error: err };
    } finally {
      this.#cancelProgress?.();
      stream?.close();
    }
  }

  async #handle(message: SessionMessage, stream: WatchStream): Promise<SessionEnd | undefined> {
    switch (message.kind) {
      case 'stop':
        return { reason: 'stopped' };
      case 'ended':
        return { reason: 'lost', error: message.error };
      case 'progress':
        this.#cancelProgress = undefined;
        stream.requestProgress();
        return undefined;
      case 'resync':
        return await this.#ctx.resync();
      case 'response':
        return await this.#onResponse(message.response);
    }
  }

  /** InSync once every watch has caught up; until then, progress requests now and then. */
  #afterMessage(message: SessionMessage): void {
    if (this.#ctx.watches.every((watch) => watch.caughtUp)) {
      this.#cancelProgress?.();
      this.#cancelProgress = undefined;
      this.#ctx.onCaughtUp();
    } else if (this.#cancelProgress === undefined && message.kind === 'response') {
      // Not there yet: ask again a little later (a reply may have come before the events).
      this.#cancelProgress = this.#ctx.timers.after(this.#progressMs, () =>
        this.#mailbox.post({ kind: 'progress' }),
      );
      this.#progressMs = Math.min(this.#progressMs * 2, 1000);
    }
  }

  /** What one watch response means; a SessionEnd when the session cannot go on. */
  async #onResponse(response: IWatchResponse): Promise<SessionEnd | undefined> {
    const { watches, view, sink, identity } = this.#ctx;
    if (identity.replaced(response.header)) return { reason: 'replaced' };
    if (response.created) {
      const watch = this.#creating.shift();
      if (watch !== undefined) watch.id = response.watch_id;
      // etcd is behind what the consumer holds: it was restored from an older state.
      const revision = Number(response.header.revision);
      if (watch !== undefined && revision > 0 && revision < watch.next - 1) {
        return { reason: 'replaced' };
      }
    }
    if (response.canceled) return { reason: 'canceled', response };
    if (response.created) return undefined;
    const watch = watches.find((w) => w.id !== undefined && w.id === response.watch_id);
    if (response.events.length > 0) {
      if (watch === undefined) return undefined;
      const batch = new Batch();
      const last = view.fold(batch, watch, response.events);
      sink.deliver(batch);
      watch.reflects(last);
    } else if (watch !== undefined) {
      // The watch's own progress notification: ordered with its events, a safe resume point.
      watch.reflects(Number(response.header.revision));
      watch.caughtUp = true;
    } else {
      await this.#progressReply(Number(response.header.revision));
    }
    return undefined;
  }

  /** A progress reply (watch id -1) with the store's revision: see catch-up.ts. */
  async #progressReply(revision: number): Promise<void> {
    for (const watch of this.#ctx.watches) {
      if (watch.caughtUp || watch.id === undefined) continue;
      if (watch.next > revision) {
        watch.caughtUp = true;
        continue;
      }
      watch.target = revision;
      try {
        if (await unchangedSince(this.#ctx.client.kv, watch, revision)) watch.reflects(revision);
      } catch {
        // Compacted meanwhile (the watch is cancelled next) or etcd lost (the stream ends).
      }
    }
  }
}
