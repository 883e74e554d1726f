/**
 * A first-in, first-out queue with one reader that awaits: the etcd source's session takes
 * everything that happens (stream responses, its end, timers, stop) from one mailbox, in
 * order, so that no two pieces of its logic ever run at once.
 */
export class Mailbox<T> {
  readonly #items: T[] = [];
  #head = 0;
  #waiting: ((item: T) => void) | undefined;

  post(item: T): void {
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      waiting(item);
      return;
    }
    this.#items.push(item);
  }

  /** The next item; waits for one when there is none. */
  take(): Promise<T> {
    if (this.#head < this.#items.length) {
      const item = this.#items[this.#head]!;
      this.#items[this.#head++] = undefined as T;
      if (this.#head === this.#items.length) {
        this.#items.length = 0;
        this.#head = 0;
      }
      return Promise.resolve(item);
    }
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  get size(): number {
    return this.#items.length - this.#head;
  }
}
