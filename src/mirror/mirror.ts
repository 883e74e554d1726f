/**
 * `mirror(source, target, options)`: keeps the etcd keys at or below a prefix equal to what a
 * source Client (a FileBackend on a GitOps directory) holds there, and keeps them so.
 *
 * - It first takes the prefix (an etcd election: one mirror per prefix; another one waits),
 *   and runs the source's syncer.
 * - Once the source is InSync: a full pass. etcd is read at one revision, the difference is
 *   planned (mirror-state.ts, plan.ts) and, unless the safety valves refuse it (safety.ts),
 *   committed in guarded txns.
 * - Then live: each source batch is planned and committed the same way; a drift watch on the
 *   prefix tells foreign changes, which are set back (or reported, `heal: false`).
 * - While the source is not InSync (root replaced, watcher recovering) nothing is written.
 * - Any failure (etcd lost, a watch cancelled, guards failing again and again) is answered by
 *   a full pass after a backoff: the mirror keeps no state of its own, so every recovery, like
 *   every start, is a full diff.
 * Everything it reacts to comes through one mailbox, so its steps never overlap.
 */
import type { EtcdBackend } from '../backends/etcd/etcd-backend.js';
import { Mailbox } from '../backends/etcd/mailbox.js';
import type { EtcdMirrorTarget } from '../backends/etcd/mirror-target.js';
import type { MirrorChange, MirrorWatch } from '../backends/etcd/mirror-types.js';
import { systemClock } from '../core/clock.js';
import type { Client, Syncer } from '../model/api.js';
import { DatastoreError, KvdirError } from '../model/errors.js';
import type { Update } from '../model/kv.js';
import { SyncStatus, syncStatusToString } from '../model/kv.js';
import { Timers } from '../syncer/timers.js';
import type { MirrorEvent, MirrorOutcome, PassCounts } from './events.js';
import type { Committer } from './mirror-state.js';
import { MirrorState } from './mirror-state.js';
import type { MirrorOptions, MirrorSettings } from './options.js';
import { settingsOf } from './options.js';
import { PrefixHold } from './prefix-hold.js';

type Message =
  | { kind: 'status'; status: SyncStatus }
  | { kind: 'updates'; updates: Update[] }
  | { kind: 'parse-failed'; rawKey: string; rawValue: string }
  | { kind: 'changes'; changes: MirrorChange[]; watch: number }
  | { kind: 'watch-ended'; error: Error; watch: number }
  | { kind: 'retry' | 'resync' | 'stop' };

/** Attempts of a `once` pass before its error is final. */
const ONCE_ATTEMPTS = 3;

/** Starts a mirror from `source` to `target`'s etcd; see MirrorOptions. */
export function mirror(
  source: Client,
  target: Pick<EtcdBackend, 'openMirrorTarget'>,
  options: MirrorOptions = {},
): Mirror {
  return new Mirror(source, target, options);
}

export class Mirror {
  /** Resolves when a `once` pass is done, or after `close()`; rejects if a `once` pass fails. */
  readonly done: Promise<MirrorOutcome>;
  readonly #settings: MirrorSettings;
  readonly #target: EtcdMirrorTarget;
  /** The target's commit, fenced by the election key: a mirror that lost its hold writes nothing. */
  readonly #committer: Committer;
  readonly #state: MirrorState;
  readonly #syncer: Syncer;
  readonly #mailbox = new Mailbox<Message>();
  readonly #timers = new Timers(systemClock);
  readonly #abort = new AbortController();
  #sourceInSync = false;
  #needRead = true;
  readonly #hold: PrefixHold;
  #watch: MirrorWatch | undefined;
  #watchGeneration = 0;
  #failures = 0;
  #stopped = false;
  #closing: Promise<void> | undefined;

  constructor(
    source: Client,
    target: Pick<EtcdBackend, 'openMirrorTarget'>,
    options: MirrorOptions,
  ) {
    this.#settings = settingsOf(options);
    this.#target = target.openMirrorTarget();
    this.#hold = new PrefixHold({
      target: this.#target,
      settings: this.#settings,
      timers: this.#timers,
      emit: (event) => this.#emit(event),
      // The mailbox wakes the loop; the next step campaigns again and reads everything anew.
      onLost: () => this.#mailbox.post({ kind: 'retry' }),
    });
    this.#committer = {
      limits: this.#target.limits,
      writeBytes: (write) => this.#target.writeBytes(write),
      commit: (writes) => {
        const fence = this.#hold.fence;
        if (fence === undefined) {
          const error = 'the mirror does not hold its prefix';
          throw new DatastoreError(error, { code: 'ERR_LOCK_COMPROMISED' });
        }
        return this.#target.commit(writes, fence);
      },
    };
    this.#state = new MirrorState(this.#settings, this.#target, (event) => this.#emit(event));
    try {
      this.#syncer = source.syncer(
        {
          onStatusUpdated: (status) => this.#mailbox.post({ kind: 'status', status }),
          onUpdates: (updates) => this.#mailbox.post({ kind: 'updates', updates }),
          parseFailed: (rawKey, rawValue) =>
            this.#mailbox.post({ kind: 'parse-failed', rawKey, rawValue }),
        },
        {
          onWarning: (warning) => this.#emit({ type: 'warning', message: warning.message }),
          ...this.#settings.syncerOptions,
          prefixes: [this.#settings.prefix],
        },
      );
    } catch (err) {
      this.#target.close();
      throw err;
    }
    this.done = this.#run();
    // `done` may never be awaited by a caller that only closes: its rejection is theirs to see.
    this.done.catch(() => undefined);
  }

  /** Stops mirroring: the source's syncer, the watch, the lock (resigned), the connections. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#stopped = true;
      this.#abort.abort();
      this.#mailbox.post({ kind: 'stop' });
      await this.done.catch(() => undefined);
    })();
    return this.#closing;
  }

  async #run(): Promise<MirrorOutcome> {
    this.#syncer.start();
    try {
      if (!this.#settings.once && this.#settings.heal && this.#settings.resyncIntervalMs > 0) {
        this.#timers.every(this.#settings.resyncIntervalMs, async () =>
          this.#mailbox.post({ kind: 'resync' }),
        );
      }
      for (;;) {
        this.#handle(await this.#mailbox.take());
        while (this.#mailbox.size > 0) this.#handle(await this.#mailbox.take());
        if (this.#stopped) break;
        if (!this.#sourceInSync) continue;
        if (await this.#step()) break;
      }
      return this.#state.outcome();
    } finally {
      await this.#shutdown();
    }
  }

  #handle(message: Message): void {
    const state = this.#state;
    switch (message.kind) {
      case 'status':
        return this.#onStatus(message.status);
      case 'updates':
        return state.onUpdates(message.updates);
      case 'parse-failed':
        return state.onParseFailed(message.rawKey, message.rawValue);
      case 'changes':
        if (message.watch === this.#watchGeneration) state.onChanges(message.changes);
        return;
      case 'watch-ended':
        if (message.watch !== this.#watchGeneration || this.#needRead) return;
        this.#emit({ type: 'warning', message: `${message.error.message}; reading etcd again` });
        this.#needRead = true;
        return;
      case 'resync':
        this.#needRead = true;
        return;
      case 'stop':
        this.#stopped = true;
        return;
      case 'retry':
        return;
    }
  }

  #onStatus(status: SyncStatus): void {
    const was = this.#sourceInSync;
    this.#sourceInSync = status === SyncStatus.InSync;
    if (was && !this.#sourceInSync) {
      const reason = `the source is ${syncStatusToString(status)} (its root replaced or gone, or its watcher recovering): nothing is written until it is in sync again`;
      this.#emit({ type: 'paused', reason });
    }
  }

  /** One step: the lock, a full read where needed, then the plan. True when the run is over. */
  async #step(): Promise<boolean> {
    try {
      if (!this.#settings.dryRun && !this.#hold.held) {
        if (!(await this.#hold.take(this.#abort.signal))) return true;
        this.#needRead = true;
      }
      const full = this.#needRead;
      if (full) await this.#readAll();
      const counts = await this.#state.reconcile(this.#committer, () => this.#mayWrite());
      if (full) this.#passDone(counts);
      this.#failures = 0;
      return this.#settings.once;
    } catch (err) {
      if (this.#stopped) return true;
      this.#needRead = true;
      if (err instanceof KvdirError && err.code === 'ERR_LOCK_COMPROMISED') {
        this.#hold.drop();
      }
      this.#failures++;
      if (this.#settings.once && this.#failures >= ONCE_ATTEMPTS) throw err;
      const message = err instanceof Error ? err.message : String(err);
      this.#emit({ type: 'warning', message: `${message}; trying again` });
      const ceiling = Math.min(5_000, 100 * 2 ** Math.min(this.#failures, 10));
      this.#timers.after(ceiling * (0.5 + Math.random() / 2), () =>
        this.#mailbox.post({ kind: 'retry' }),
      );
      return false;
    }
  }

  /** Reads the prefix at one revision and, when live, watches it from the next one. */
  async #readAll(): Promise<void> {
    this.#closeWatch();
    const read = await this.#target.read(this.#settings.prefix);
    this.#state.onRead(read);
    this.#needRead = false;
    if (this.#settings.once) return;
    const generation = ++this.#watchGeneration;
    const from = String(BigInt(read.revision) + 1n);
    this.#watch = await this.#target.watch(this.#settings.prefix, from, {
      changes: (changes) => this.#mailbox.post({ kind: 'changes', changes, watch: generation }),
      ended: (error) => this.#mailbox.post({ kind: 'watch-ended', error, watch: generation }),
    });
  }

  #passDone(counts: PassCounts): void {
    const outcome = this.#state.outcome();
    this.#emit({
      type: 'pass',
      revision: this.#state.revision,
      keys: this.#state.actual.size,
      ...counts,
      refused: outcome.refused,
      inSync: outcome.inSync,
      dryRun: this.#settings.dryRun,
    });
  }

  #mayWrite(): boolean {
    return !this.#stopped && (this.#settings.dryRun || this.#hold.held);
  }

  #closeWatch(): void {
    this.#watch?.close();
    this.#watch = undefined;
    this.#watchGeneration++;
  }

  async #shutdown(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    this.#timers.close();
    this.#closeWatch();
    await this.#syncer.stop();
    await this.#hold.release();
    this.#target.close();
  }

  /** A consumer's onEvent that throws is its bug: rethrown outside the mirror's loop. */
  #emit(event: MirrorEvent): void {
    try {
      this.#settings.onEvent(event);
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    }
  }
}
