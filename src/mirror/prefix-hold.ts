/**
 * The mirror's hold on its prefix: the etcd election it must win before it writes (one mirror
 * per prefix; a second one waits), the fence every txn carries (the election key: a mirror
 * whose lease expired behind its back writes nothing), and what happens when the hold is lost
 * (no more writes at once; the mirror campaigns again, then reads everything anew).
 */
import type { EtcdMirrorTarget } from '../backends/etcd/mirror-target.js';
import type { Fence, Leadership } from '../backends/etcd/mirror-types.js';
import type { Timers } from '../syncer/timers.js';
import type { MirrorEvent } from './events.js';
import type { MirrorSettings } from './options.js';

export interface HoldContext {
  target: EtcdMirrorTarget;
  settings: MirrorSettings;
  timers: Timers;
  emit(event: MirrorEvent): void;
  /** Told once when a hold is lost (its lease expired): the mirror reads anew once it holds again. */
  onLost(error: Error): void;
}

export class PrefixHold {
  readonly #ctx: HoldContext;
  #leadership: Leadership | undefined;
  #heldBefore = false;

  constructor(ctx: HoldContext) {
    this.#ctx = ctx;
  }

  get held(): boolean {
    return this.#leadership !== undefined;
  }

  /** The fence of the current hold, for the next txn. */
  get fence(): Fence | undefined {
    return this.#leadership?.fence;
  }

  /**
   * Waits until this mirror holds the prefix; false when `signal` aborted first. A live mirror
   * tries again and again (etcd may come back); a `once` pass throws.
   */
  async take(signal: AbortSignal): Promise<boolean> {
    const { target, settings, timers, emit } = this.#ctx;
    let waited = false;
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        const leadership = await target.lead(settings.prefix, {
          holder: settings.holder,
          ttlSeconds: settings.lockTtlSeconds,
          signal,
          onWaiting: (holder) => {
            waited = true;
            emit({ type: 'waiting', holder });
          },
        });
        this.#leadership = leadership;
        void leadership.lost.then((error) => this.#lost(leadership, error));
        if (waited || this.#heldBefore) emit({ type: 'leading', waited });
        this.#heldBefore = true;
        return !signal.aborted;
      } catch (err) {
        if (signal.aborted) return false;
        // One pass must end: its step counts the failures and gives up after a few.
        if (settings.once) throw err;
        const message = err instanceof Error ? err.message : String(err);
        const text = `could not take ${settings.prefix} (${message}); trying again`;
        emit({ type: 'warning', message: text });
        await timers.sleep(Math.min(5_000, 100 * 2 ** Math.min(attempt, 10)));
      }
    }
    return false;
  }

  /** Gives the hold up (a txn found its fence gone): the next step campaigns again. */
  drop(): void {
    void this.#leadership?.resign();
    this.#leadership = undefined;
  }

  /** Resigns (the lease is revoked: a waiting mirror takes over at once). */
  async release(): Promise<void> {
    const leadership = this.#leadership;
    this.#leadership = undefined;
    await leadership?.resign();
  }

  /** At once, not through the mailbox: a commit loop under way checks before each txn. */
  #lost(leadership: Leadership, error: Error): void {
    if (this.#leadership !== leadership) return;
    this.#leadership = undefined;
    void leadership.resign();
    const message = `lost the hold on ${this.#ctx.settings.prefix} (${error.message}); not writing until it is taken again`;
    this.#ctx.emit({ type: 'warning', message });
    this.#ctx.onLost(error);
  }
}
