/**
 * Waits between attempts to reach etcd again: doubling from `minMs` up to `maxMs`, each wait
 * jittered down to half of it, so that many syncers that lost the same etcd do not all come
 * back at the same instant.
 */
import type { Timers } from '../../syncer/timers.js';

export class Backoff {
  readonly #timers: Timers;
  readonly #minMs: number;
  readonly #maxMs: number;
  #attempt = 0;

  constructor(timers: Timers, minMs = 100, maxMs = 5_000) {
    this.#timers = timers;
    this.#minMs = minMs;
    this.#maxMs = maxMs;
  }

  /** The next wait (resolves at once when the timers are closed). */
  wait(): Promise<void> {
    const ceiling = Math.min(this.#maxMs, this.#minMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return this.#timers.sleep(ceiling * (0.5 + Math.random() / 2));
  }

  /** Etcd answered as it should: the next failure waits the shortest time again. */
  reset(): void {
    this.#attempt = 0;
  }
}
