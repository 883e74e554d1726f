/**
 * Per-key locks. Within one process, writers of a key queue on an in-memory mutex; on Node's
 * fs the head of the queue also takes a cross-process lock with proper-lockfile (a directory
 * in `<root>/.kvdir-locks/`) and hands it down the queue, so a process pays one lock-file
 * round trip per burst of its own writers, not one per write. On memfs no other process can
 * see the volume, so the in-memory mutex is the whole lock.
 */
import { createHash } from 'node:crypto';
import nodeFs from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { DatastoreError } from '../model/errors.js';
import { LOCK_DIR } from './layout.js';

export interface LockOptions {
  /** ms after which a lock whose holder stopped refreshing it is taken over (min 2000). */
  stale: number;
  /** How long to keep trying for a held lock before failing with ERR_LOCKED, in ms. */
  wait: number;
}

export const defaultLockOptions: LockOptions = { stale: 10_000, wait: 20_000 };

/** Writers of one process that take the file lock in turn before handing it back. */
const MAX_HANDOVERS = 32;

type Release = () => Promise<void>;

interface Entry {
  tail: Promise<void>;
  waiters: number;
  handovers: number;
  release: Release | undefined;
  compromised: Error | undefined;
}

export class KeyLocks {
  readonly #root: string;
  readonly #crossProcess: boolean;
  readonly #options: LockOptions;
  readonly #entries = new Map<string, Entry>();

  constructor(root: string, crossProcess: boolean, options: LockOptions) {
    this.#root = root;
    this.#crossProcess = crossProcess;
    this.#options = { stale: Math.max(2000, options.stale), wait: Math.max(0, options.wait) };
  }

  /** The lock directory for a key path (hashed: key paths can be long). */
  lockPath(keyPath: string): string {
    return lockPathOf(this.#root, keyPath);
  }

  /** Runs `fn` while holding the key's lock. */
  async withLock<T>(keyPath: string, fn: () => Promise<T>): Promise<T> {
    const entry = this.#entry(keyPath);
    entry.waiters++;
    const previous = entry.tail;
    let done!: () => void;
    entry.tail = new Promise((resolve) => (done = resolve));
    await previous;
    try {
      if (this.#crossProcess && entry.release === undefined) {
        entry.release = await this.#acquire(keyPath, entry);
        entry.handovers = 0;
      }
      const result = await fn();
      if (entry.compromised !== undefined) {
        throw new DatastoreError(`lock on ${keyPath} was compromised`, entry.compromised, undefined, 'ERR_LOCK_COMPROMISED');
      }
      return result;
    } finally {
      entry.waiters--;
      entry.handovers++;
      if (entry.release !== undefined && (entry.waiters === 0 || entry.handovers >= MAX_HANDOVERS)) {
        const release = entry.release;
        entry.release = undefined;
        await release().catch(() => undefined);
      }
      if (entry.waiters === 0) this.#entries.delete(keyPath);
      done();
    }
  }

  /** One synchronous attempt; creates the lock folder the first time (or after it was removed). */
  #lockSync(lockPath: string, options: lockfile.LockOptions): () => void {
    try {
      return lockfile.lockSync(lockPath, options);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
      nodeFs.mkdirSync(join(this.#root, LOCK_DIR), { recursive: true });
      return lockfile.lockSync(lockPath, options);
    }
  }

  #entry(keyPath: string): Entry {
    let entry = this.#entries.get(keyPath);
    if (entry === undefined) {
      entry = { tail: Promise.resolve(), waiters: 0, handovers: 0, release: undefined, compromised: undefined };
      this.#entries.set(keyPath, entry);
    }
    return entry;
  }

  /**
   * Takes the file lock: first one synchronous attempt (a free lock costs a mkdir and a stat),
   * then, if another process holds it, asynchronous retries for up to `wait` ms.
   */
  async #acquire(keyPath: string, entry: Entry): Promise<Release> {
    const lockPath = this.lockPath(keyPath);
    entry.compromised = undefined;
    const options = {
      lockfilePath: lockPath,
      realpath: false,
      fs: nodeFs,
      stale: this.#options.stale,
      update: Math.floor(this.#options.stale / 2),
      onCompromised: (err: Error) => {
        entry.compromised = err;
      },
    };
    try {
      const release = this.#lockSync(lockPath, options);
      return async () => release();
    } catch (err) {
      if ((err as { code?: string }).code !== 'ELOCKED') throw err;
    }
    try {
      return await lockfile.lock(lockPath, { ...options, retries: retrySchedule(this.#options.wait) });
    } catch (err) {
      if ((err as { code?: string }).code === 'ELOCKED') {
        throw new DatastoreError(
          `timed out after ${this.#options.wait} ms waiting for the lock on ${keyPath} (${lockPath})`,
          err,
          undefined,
          'ERR_LOCKED',
        );
      }
      throw err;
    }
  }
}

/**
 * The cross-process lock directory of a key path under `root` (it exists while a process
 * holds the key's lock; the syncer looks at it to tell a kvdir write half done).
 */
export function lockPathOf(root: string, keyPath: string): string {
  return join(root, LOCK_DIR, createHash('sha1').update(keyPath).digest('hex'));
}

/** Short, capped retries adding up to about `wait` ms. */
function retrySchedule(wait: number): lockfile.LockOptions['retries'] {
  const maxTimeout = 50;
  return { retries: Math.ceil(wait / maxTimeout) + 10, minTimeout: 2, maxTimeout, factor: 1.5 };
}
