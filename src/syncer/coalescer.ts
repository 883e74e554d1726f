/**
 * Coalescing of watcher events into batches, driven by the clock port. A batch is released
 * once no event has arrived for the quiet window, or once the first pending event is
 * `maxDelayMs` old under continuous churn. Releases never overlap: while the consumer of a
 * batch is working, new events wait for the next one.
 */
import type { Clock } from '../core/clock.js';

export interface CoalescerOptions {
  quietWindowMs: number;
  maxDelayMs: number;
}

export class Coalescer<T> {
  readonly #clock: Clock;
  readonly #options: CoalescerOptions;
  readonly #release: (items: Set<T>) => Promise<void>;
  #pending = new Set<T>();
  #firstAt: number | undefined;
  #lastAt = 0;
  #timer: unknown;
  #busy = false;
  #closed = false;

  constructor(clock: Clock, options: CoalescerOptions, release: (items: Set<T>) => Promise<void>) {
    this.#clock = clock;
    this.#options = options;
    this.#release = release;
  }

  add(item: T): void {
    if (this.#closed) return;
    const now = this.#clock.now();
    this.#pending.add(item);
    this.#firstAt ??= now;
    this.#lastAt = now;
    if (!this.#busy) this.#schedule();
  }

  /** Takes every pending item now (the caller handles them), cancelling the timer. */
  takePending(): Set<T> {
    const items = this.#pending;
    this.#pending = new Set();
    this.#firstAt = undefined;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    return items;
  }

  /** Stops timers; pending items are dropped. */
  close(): void {
    this.#closed = true;
    this.#pending.clear();
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size === 0 || this.#firstAt === undefined) return;
    const due = Math.min(
      this.#lastAt + this.#options.quietWindowMs,
      this.#firstAt + this.#options.maxDelayMs,
    );
    this.#timer = this.#clock.setTimeout(
      () => void this.#fire(),
      Math.max(0, due - this.#clock.now()),
    );
  }

  async #fire(): Promise<void> {
    this.#timer = undefined;
    if (this.#closed || this.#busy) return;
    const items = this.#pending;
    this.#pending = new Set();
    this.#firstAt = undefined;
    this.#busy = true;
    try {
      await this.#release(items);
    } finally {
      this.#busy = false;
      if (!this.#closed) this.#schedule();
    }
  }
}
