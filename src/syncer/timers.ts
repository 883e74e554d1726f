/**
 * The syncer's timers, all on the clock port, owned so that one call cancels them: `Timers`
 * for one-shot, repeating and sleeping waits (a sleep resolves early when its owner closes),
 * `ExpiryTimers` for the TTL of each key.
 */
import type { Clock } from '../core/clock.js';

/**
 * The longest delay setTimeout takes (2^31-1 ms, 24.8 days): Node runs a longer one after 1 ms,
 * with a warning, so a TTL of 30 days would fire, re-arm and fire again forever (P28). Longer
 * waits are made of waits this long.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export class Timers {
  readonly #clock: Clock;
  readonly #handles = new Set<unknown>();
  readonly #sleepers = new Set<() => void>();
  #closed = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Runs `fn` once after `ms`, unless closed or cancelled before; returns the cancel. */
  after(ms: number, fn: () => void): () => void {
    if (this.#closed) return () => undefined;
    if (ms > MAX_TIMER_MS) {
      let cancel = this.after(MAX_TIMER_MS, () => {
        cancel = this.after(ms - MAX_TIMER_MS, fn);
      });
      return () => cancel();
    }
    const handle = this.#clock.setTimeout(() => {
      this.#handles.delete(handle);
      if (!this.#closed) fn();
    }, ms);
    this.#handles.add(handle);
    return () => {
      if (this.#handles.delete(handle)) this.#clock.clearTimeout(handle);
    };
  }

  /** Runs `fn` every `ms` after the previous run finished, until closed. */
  every(ms: number, fn: () => Promise<void>): void {
    this.after(ms, () => {
      void fn()
        .catch(() => undefined)
        .then(() => this.every(ms, fn));
    });
  }

  /** Waits `ms`; resolves at once when closed. */
  sleep(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.#sleepers.delete(wake);
        resolve();
      };
      this.#sleepers.add(wake);
      this.after(ms, wake);
    });
  }

  /** Cancels every timer for good and wakes every sleeper. */
  close(): void {
    this.#closed = true;
    for (const handle of this.#handles) this.#clock.clearTimeout(handle);
    this.#handles.clear();
    for (const wake of [...this.#sleepers]) wake();
  }
}

/** One timer per key path that has a TTL; `onExpired` runs once it is due. */
export class ExpiryTimers {
  readonly #clock: Clock;
  readonly #onExpired: (path: string) => void;
  readonly #timers = new Map<string, { at: number; handle: unknown }>();

  constructor(clock: Clock, onExpired: (path: string) => void) {
    this.#clock = clock;
    this.#onExpired = onExpired;
  }

  /** Sets when `path` expires (ms since the epoch); undefined cancels. */
  set(path: string, expiresAt: number | undefined): void {
    const current = this.#timers.get(path);
    if (current !== undefined && current.at === expiresAt) return;
    this.cancel(path);
    if (expiresAt === undefined) return;
    this.#arm(path, expiresAt);
  }

  #arm(path: string, expiresAt: number): void {
    // One ms late, so that the key reads as expired (expiry <= now) when the timer fires.
    const due = Math.max(0, expiresAt - this.#clock.now()) + 1;
    const capped = due > MAX_TIMER_MS;
    const handle = this.#clock.setTimeout(
      () => {
        if (capped) return this.#arm(path, expiresAt);
        this.#timers.delete(path);
        this.#onExpired(path);
      },
      Math.min(due, MAX_TIMER_MS),
    );
    this.#timers.set(path, { at: expiresAt, handle });
  }

  cancel(path: string): void {
    const current = this.#timers.get(path);
    if (current !== undefined) this.#clock.clearTimeout(current.handle);
    this.#timers.delete(path);
  }

  clear(): void {
    for (const { handle } of this.#timers.values()) this.#clock.clearTimeout(handle);
    this.#timers.clear();
  }
}
