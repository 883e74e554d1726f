/**
 * What one look at the tree found: the updates to send in one onUpdates call and the parse
 * failures to report beside them; and a loop over many files that lets the event loop breathe.
 */
import type { Update } from '../model/kv.js';

export interface ParseFailure {
  rawKey: string;
  /** '' once the file is gone. */
  rawValue: string;
}

export class Batch {
  updates: Update[] = [];
  failures: ParseFailure[] = [];
  /** Key paths of the deletions among `updates`. */
  deleted: string[] = [];

  append(other: Batch): this {
    for (const update of other.updates) this.updates.push(update);
    for (const failure of other.failures) this.failures.push(failure);
    for (const path of other.deleted) this.deleted.push(path);
    return this;
  }

  /** Moves everything out into a new batch. */
  take(): Batch {
    const taken = new Batch();
    taken.updates = this.updates;
    taken.failures = this.failures;
    taken.deleted = this.deleted;
    this.updates = [];
    this.failures = [];
    this.deleted = [];
    return taken;
  }
}

/** Longest stretch of synchronous file work before the event loop gets a turn, in ms. */
const SLICE_MS = 10;

/**
 * Lets the event loop breathe during long synchronous file work. The store reads synchronously
 * (microseconds per file), so a walk over many files would hold the event loop: `breathe()`
 * yields a turn to I/O callbacks and timers (watcher events, stop()) every SLICE_MS.
 */
export class Breather {
  #sliceStart = performance.now();

  /** Whether the event loop is due a turn: `breathe()` would yield now. */
  due(): boolean {
    return performance.now() - this.#sliceStart > SLICE_MS;
  }

  async breathe(): Promise<void> {
    if (!this.due()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#sliceStart = performance.now();
  }
}

/** Runs `fn` over `items` one at a time, letting the event loop breathe. */
export async function forEachYielding<T>(
  items: readonly T[],
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const breather = new Breather();
  for (const item of items) {
    await fn(item);
    await breather.breathe();
  }
}
