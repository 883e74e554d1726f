/**
 * One session of a syncer: one watcher over one incarnation of the root, the timers that
 * belong to it, and how it ended. Ending a session closes its timers and aborts a watcher that
 * is still starting up.
 */
import type { Timers } from '../../../syncer/timers.js';
import type { WatchHandle } from './watch/port.js';

/** Why a session ended: the root was removed, replaced by another directory, a setup step failed, or stop(). */
export type EndReason = 'root-gone' | 'root-replaced' | 'error' | 'stopped';

/** One watcher over one incarnation of the root, and the timers that belong to it. */
export class Session {
  readonly timers: Timers;
  readonly ended: Promise<EndReason>;
  rootId: string | undefined;
  watch: WatchHandle | undefined;
  /** The directory the watcher watches: the store's root, or where a root that is a link leads. */
  watchedRoot: string | undefined;
  /** Directories polled for lack of a watch at the last warning about it. */
  toldUnwatched = 0;
  inSync = false;
  polling = false;
  cancelFollowUp: (() => void) | undefined;
  readonly #abort = new AbortController();
  #resolve!: (reason: EndReason) => void;
  #open = true;

  constructor(timers: Timers) {
    this.timers = timers;
    this.ended = new Promise((resolve) => (this.#resolve = resolve));
  }

  get open(): boolean {
    return this.#open;
  }

  /** Aborts when the session ends: a watcher still starting up gives up. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  end(reason: EndReason): void {
    if (!this.#open) return;
    this.#open = false;
    this.timers.close();
    this.#resolve(reason);
    this.#abort.abort(new Error(`syncer session ended: ${reason}`));
  }
}
