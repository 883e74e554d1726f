/**
 * kvdir updates a key's sidecar, then its value file, under the key's lock; a look between the
 * two reads the state before the write (revision.ts). A writer that renamed the value file
 * first (an older kvdir) left a moment where the new content sits beside the old sidecar: a
 * revision (`<old>.<fingerprint>`) that no client call returned. This tells such a half-done
 * write from an outside edit well enough to
 * wait for it: a key whose content does not match its sidecar is left for a later batch while
 * its cross-process lock is held (Node's fs), while it changed less than a quiet window ago
 * (memfs, where locks live in memory), or when its files changed again while they were read
 * (the write finished meanwhile), for at most `maxDelayMs`. An outside edit is then reported a
 * window later at most; a writer that never finishes, at the cap.
 */
import { wallNow } from '../../../core/clock.js';
import { falseIfMissing } from '../errno.js';
import { holdsWrittenBytes } from '../revision.js';
import { lockPathOf } from '../locks.js';
import type { StoredEntry, TreeStore } from '../store.js';
import type { Settings } from './settings.js';

export class WritesInFlight {
  readonly #store: TreeStore;
  readonly #settings: Settings;
  /** Key path -> when it was first left for later (syncer clock). */
  readonly #waiting = new Map<string, number>();

  constructor(store: TreeStore, settings: Settings) {
    this.#store = store;
    this.#settings = settings;
  }

  /**
   * True when the key should be looked at again in a later batch instead of reported now.
   * `changedAt`: when the value file last changed; `changedSince`: whether the key's files
   * changed since they were stat'ed before the read.
   */
  async shouldWait(
    path: string,
    entry: StoredEntry,
    changedAt: number,
    changedSince: () => boolean,
  ): Promise<boolean> {
    const matches = holdsWrittenBytes(entry.sidecar, entry.fingerprint);
    const since = this.#waiting.get(path);
    const now = this.#store.clock.now();
    if (matches || (since !== undefined && now - since >= this.#settings.maxDelayMs)) return false;
    const fresh = wallNow(this.#store.clock) - changedAt < this.#settings.quietWindowMs;
    if (!fresh && !(await this.#isLocked(path)) && !changedSince()) return false;
    if (since === undefined) this.#waiting.set(path, now);
    return true;
  }

  /** The key was looked at and not left for later: a next wait starts afresh. */
  forget(path: string): void {
    this.#waiting.delete(path);
  }

  async #isLocked(path: string): Promise<boolean> {
    return this.#store.fs.promises
      .lstat(lockPathOf(this.#store.root, path))
      .then(() => true, falseIfMissing);
  }
}
