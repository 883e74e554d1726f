/**
 * Locks. Two layers:
 * - within one process, writers of a key queue on an in-memory mutex, so they run one at a time
 *   and in order; writers of keys in one directory run side by side, except while the
 *   directory is being removed (parent clean-up), which holds it alone;
 * - across processes (Node's fs only), a lock per directory of keys (`dir-lock.ts`, in
 *   `<root>/.kvdir-locks/`). Every key's revision changes only while the lock of its directory
 *   is held, and a write commits only after checking, synchronously, that it still is. A
 *   process holds that lock as a lease shared by all its writers in the directory and keeps it
 *   until the turn of the event loop after its last writer finished, so a loop of writes pays
 *   one lock round trip, not one per write. Once a lease is MAX_LEASE_MS old and another
 *   process is waiting for it, new local writers queue until it has been handed back and the
 *   other process has taken it (or YIELD_MAX_MS passed): a busy process cannot starve another.
 * On memfs no other process can see the volume, so the in-memory part is the whole lock.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DatastoreError } from '../../model/errors.js';
import { parentPath } from '../../model/key-path.js';
import { HeldLock, announceWaiting, isHeld, someoneElseWaits, stopWaiting } from './dir-lock.js';
import { LOCK_DIR } from './layout.js';
import { uniqueId } from './unique-id.js';

export interface LockOptions {
  /** ms after which a lock whose holder stopped refreshing it is taken over (min 2000). */
  stale: number;
  /** How long to keep trying for a held lock before failing with ERR_LOCKED, in ms. */
  wait: number;
}

export const defaultLockOptions: LockOptions = { stale: 10_000, wait: 20_000 };

/**
 * Throws `ERR_LOCK_COMPROMISED` unless the caller's lock is still safely held. A write calls it
 * right before its commit renames, with no `await` in between.
 */
export type CommitGuard = () => void;

/** A lease this old is handed back as soon as another process is seen waiting for it. */
const MAX_LEASE_MS = 100;
/**
 * After handing a lease back for fairness, the longest wait for the waiting process to take
 * it (the wait ends sooner once it has, or once nobody is marked as waiting).
 */
const YIELD_MAX_MS = 1000;
/** Longest pause between two attempts at a held lock: how late a waiter may notice a hand-back. */
const MAX_RETRY_MS = 10;

/** This process's state for one directory of keys. */
interface Dir {
  id: string;
  lockPath: string;
  /** Calls that use this entry (running or waiting): it is dropped when none do. */
  refs: number;
  /** Writers of keys in the directory running now. */
  writers: number;
  /** Set while the directory is held alone (its removal). */
  exclusive: boolean;
  /** The cross-process lock, while held. */
  lock: HeldLock | undefined;
  acquiring: Promise<void> | undefined;
  /** When the lease was taken, or last found wanted by nobody else. */
  since: number;
  /** No new writers: the lease is handed back once the running ones finish. */
  draining: boolean;
  /** Handed back for fairness: the next acquisition first lets the waiting process in. */
  yielding: boolean;
  idle: NodeJS.Immediate | undefined;
  wakers: Array<() => void>;
}

export class KeyLocks {
  readonly #root: string;
  readonly #crossProcess: boolean;
  readonly #options: LockOptions;
  /** Tells this instance's waiting mark from other processes' (and other instances'). */
  readonly #self = uniqueId();
  /** Key path -> the tail of its queue of in-process writers. */
  readonly #queues = new Map<string, Promise<void>>();
  /** Directory key path -> this process's state for it. */
  readonly #dirs = new Map<string, Dir>();

  constructor(root: string, crossProcess: boolean, options: LockOptions) {
    this.#root = root;
    this.#crossProcess = crossProcess;
    this.#options = { stale: Math.max(2000, options.stale), wait: Math.max(0, options.wait) };
  }

  /** Runs `fn` while holding the key's lock; `fn` calls the guard right before it commits. */
  async withLock<T>(keyPath: string, fn: (guard: CommitGuard) => Promise<T>): Promise<T> {
    const previous = this.#queues.get(keyPath) ?? Promise.resolve();
    let done!: () => void;
    const tail = new Promise<void>((resolve) => (done = resolve));
    this.#queues.set(keyPath, tail);
    await previous;
    const dir = this.#ref(parentPath(keyPath));
    try {
      const lock = await this.#enter(dir);
      try {
        return await fn(guardOf(dir.id, lock));
      } finally {
        this.#leave(dir);
      }
    } finally {
      this.#unref(dir);
      if (this.#queues.get(keyPath) === tail) this.#queues.delete(keyPath);
      done();
    }
  }

  /**
   * Runs `fn` holding the directory `dirPath` alone (no writer of a key in it runs, here or in
   * another process) if that can be had at once; resolves undefined without running it
   * otherwise. For clean-up that may skip a busy directory.
   */
  async withDirectoryIfFree<T>(
    dirPath: string,
    fn: (guard: CommitGuard) => Promise<T>,
  ): Promise<T | undefined> {
    const dir = this.#ref(dirPath);
    try {
      if (dir.writers > 0 || dir.exclusive || dir.draining || dir.acquiring !== undefined)
        return undefined;
      if (this.#crossProcess && (dir.lock === undefined || dir.lock.lost !== undefined)) {
        this.#handBack(dir);
        dir.lock = HeldLock.tryAcquire(dir.lockPath, this.#options.stale);
        if (dir.lock === undefined) return undefined;
        dir.since = Date.now();
      }
      this.#keep(dir);
      dir.exclusive = true;
      try {
        return await fn(guardOf(dir.id, dir.lock));
      } finally {
        dir.exclusive = false;
        this.#leave(dir, false);
      }
    } finally {
      this.#unref(dir);
    }
  }

  /** Hands back every lease no writer is using now. */
  async close(): Promise<void> {
    for (const dir of this.#dirs.values()) {
      if (dir.writers === 0 && !dir.exclusive) this.#handBack(dir);
    }
  }

  #ref(id: string): Dir {
    let dir = this.#dirs.get(id);
    if (dir === undefined) {
      dir = {
        id,
        lockPath: lockPathOfId(this.#root, id),
        refs: 0,
        writers: 0,
        exclusive: false,
        lock: undefined,
        acquiring: undefined,
        since: 0,
        draining: false,
        yielding: false,
        idle: undefined,
        wakers: [],
      };
      this.#dirs.set(id, dir);
    }
    dir.refs++;
    return dir;
  }

  #unref(dir: Dir): void {
    dir.refs--;
    if (dir.refs === 0 && dir.lock === undefined && dir.acquiring === undefined)
      this.#dirs.delete(dir.id);
  }

  /** Waits for the directory to admit a writer; returns the lease's lock (none on memfs). */
  async #enter(dir: Dir): Promise<HeldLock | undefined> {
    for (;;) {
      if (dir.exclusive || dir.draining) {
        await new Promise<void>((resolve) => dir.wakers.push(resolve));
        continue;
      }
      if (!this.#crossProcess) break;
      if (dir.lock === undefined) {
        dir.acquiring ??= this.#acquire(dir).finally(() => (dir.acquiring = undefined));
        await dir.acquiring;
        continue;
      }
      if (dir.lock.lost !== undefined) {
        this.#drain(dir);
        continue;
      }
      if (Date.now() - dir.since >= MAX_LEASE_MS) {
        if (dir.lock.someoneElseWaits(this.#self)) {
          dir.yielding = true;
          this.#drain(dir);
          continue;
        }
        dir.since = Date.now();
      }
      break;
    }
    this.#keep(dir);
    dir.writers++;
    return dir.lock;
  }

  /** The lease is in use again: no hand-back at the next turn of the event loop. */
  #keep(dir: Dir): void {
    if (dir.idle !== undefined) clearImmediate(dir.idle);
    dir.idle = undefined;
  }

  /** A writer (or, with `writer` false, the directory's sole holder) is done. */
  #leave(dir: Dir, writer = true): void {
    if (writer) dir.writers--;
    if (dir.writers > 0) return;
    if (dir.draining || dir.lock?.lost !== undefined) this.#handBack(dir);
    else if (dir.lock !== undefined) dir.idle ??= setImmediate(() => this.#handBack(dir));
    for (const wake of dir.wakers.splice(0)) wake();
  }

  /** No new writers; the lease goes back once the running ones finish. */
  #drain(dir: Dir): void {
    dir.draining = true;
    if (dir.writers === 0 && !dir.exclusive) this.#handBack(dir);
  }

  #handBack(dir: Dir): void {
    this.#keep(dir);
    dir.lock?.release();
    dir.lock = undefined;
    dir.draining = false;
    for (const wake of dir.wakers.splice(0)) wake();
    if (dir.refs === 0 && dir.acquiring === undefined) this.#dirs.delete(dir.id);
  }

  /**
   * Takes the directory's lock: one synchronous attempt (a free lock costs a mkdir, a small
   * write and a stat), then, while another process holds it, attempts with short pauses for up
   * to `wait` ms, marked as waiting so that a busy holder lets this process have a turn.
   */
  async #acquire(dir: Dir): Promise<void> {
    if (dir.yielding) {
      dir.yielding = false;
      await this.#letOtherProcessIn(dir.lockPath);
    }
    const deadline = Date.now() + this.#options.wait;
    for (let pause = 1; ; pause = Math.min(pause * 1.5, MAX_RETRY_MS)) {
      const lock = HeldLock.tryAcquire(dir.lockPath, this.#options.stale);
      if (lock !== undefined) {
        if (pause > 1) stopWaiting(dir.lockPath, this.#self);
        dir.lock = lock;
        dir.since = Date.now();
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new DatastoreError(
          `timed out after ${this.#options.wait} ms waiting for the lock on ${dir.id} (${dir.lockPath})`,
          { code: 'ERR_LOCKED' },
        );
      }
      announceWaiting(dir.lockPath, this.#self);
      await sleep(Math.min(pause, left));
    }
  }

  /**
   * After a hand-back for fairness: waits until another process holds the lock at `path`, or
   * nobody else is marked as waiting for it any more, for at most YIELD_MAX_MS.
   */
  async #letOtherProcessIn(path: string): Promise<void> {
    const until = Date.now() + YIELD_MAX_MS;
    while (!isHeld(path) && someoneElseWaits(path, this.#self) && Date.now() < until)
      await sleep(2);
  }
}

/** The guard of a write under `lock` (none on memfs: nothing to check). */
function guardOf(id: string, lock: HeldLock | undefined): CommitGuard {
  return () => {
    const lost = lock?.check();
    if (lost === undefined) return;
    throw new DatastoreError(
      `the lock on ${id} was lost before the write committed (${lost}); nothing was written`,
      { code: 'ERR_LOCK_COMPROMISED' },
    );
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The cross-process lock directory that covers a key path under `root` (it exists while a
 * process holds the lock; the syncer looks at it to tell a kvdir write half done).
 */
export function lockPathOf(root: string, keyPath: string): string {
  return lockPathOfId(root, parentPath(keyPath));
}

function lockPathOfId(root: string, id: string): string {
  return join(root, LOCK_DIR, createHash('sha1').update(id).digest('hex'));
}
