/**
 * Locks. Two layers:
 * - within one process, writers of a key queue on an in-memory mutex, so they run one at a time
 *   and in order;
 * - across processes (Node's fs only), a lock file per directory of keys, taken with
 *   proper-lockfile (a directory in `<root>/.kvdir-locks/`). Every key's revision changes only
 *   while the lock of its directory is held. A process holds that lock as a lease shared by
 *   all its writers in the directory and keeps it until the turn of the event loop after its
 *   last writer finished, so a loop of writes pays one lock round trip, not one per write. A
 *   lease held longer than MAX_LEASE_MS is handed back at the next pause, and the process then
 *   waits COOLDOWN_MS before taking it again, so other processes get their turn.
 * On memfs no other process can see the volume, so the in-memory mutex is the whole lock.
 */
import { createHash } from 'node:crypto';
import nodeFs from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { DatastoreError } from '../../model/errors.js';
import { parentPath } from '../../model/key-path.js';
import { LOCK_DIR } from './layout.js';

export interface LockOptions {
  /** ms after which a lock whose holder stopped refreshing it is taken over (min 2000). */
  stale: number;
  /** How long to keep trying for a held lock before failing with ERR_LOCKED, in ms. */
  wait: number;
}

export const defaultLockOptions: LockOptions = { stale: 10_000, wait: 20_000 };

/** Longest a lease is kept across pauses before it is handed back. */
const MAX_LEASE_MS = 100;
/** Pause before a process takes back a lease it handed back for fairness. */
const COOLDOWN_MS = 10;

type Release = () => Promise<void>;

/** One process's hold on the lock of one directory. */
interface Lease {
  release: Release | undefined;
  acquiring: Promise<void> | undefined;
  holders: number;
  since: number;
  cooldownUntil: number;
  idle: NodeJS.Immediate | undefined;
  compromised: Error | undefined;
}

export class KeyLocks {
  readonly #root: string;
  readonly #crossProcess: boolean;
  readonly #options: LockOptions;
  /** Key path -> the tail of its queue of in-process writers. */
  readonly #queues = new Map<string, Promise<void>>();
  /** Lock id (directory path) -> this process's lease. */
  readonly #leases = new Map<string, Lease>();

  constructor(root: string, crossProcess: boolean, options: LockOptions) {
    this.#root = root;
    this.#crossProcess = crossProcess;
    this.#options = { stale: Math.max(2000, options.stale), wait: Math.max(0, options.wait) };
  }

  /** Runs `fn` while holding the key's lock. */
  async withLock<T>(keyPath: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(keyPath) ?? Promise.resolve();
    let done!: () => void;
    const tail = new Promise<void>((resolve) => (done = resolve));
    this.#queues.set(keyPath, tail);
    await previous;
    try {
      if (!this.#crossProcess) return await fn();
      const id = parentPath(keyPath);
      const lease = await this.#hold(id);
      try {
        const result = await fn();
        if (lease.compromised !== undefined) {
          throw new DatastoreError(`the lock on ${id} was taken over while held`, {
            code: 'ERR_LOCK_COMPROMISED',
            cause: lease.compromised,
          });
        }
        return result;
      } finally {
        this.#letGo(id, lease);
      }
    } finally {
      if (this.#queues.get(keyPath) === tail) this.#queues.delete(keyPath);
      done();
    }
  }

  /** Hands back every lease now. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.#leases.entries()].map(([id, lease]) =>
        lease.holders === 0 ? this.#handBack(id, lease) : undefined,
      ),
    );
  }

  async #hold(id: string): Promise<Lease> {
    let lease = this.#leases.get(id);
    if (lease === undefined) {
      lease = {
        release: undefined,
        acquiring: undefined,
        holders: 0,
        since: 0,
        cooldownUntil: 0,
        idle: undefined,
        compromised: undefined,
      };
      this.#leases.set(id, lease);
    }
    if (lease.idle !== undefined) clearImmediate(lease.idle);
    lease.idle = undefined;
    lease.holders++;
    try {
      while (lease.release === undefined) {
        lease.acquiring ??= this.#acquire(id, lease).finally(() => (lease.acquiring = undefined));
        await lease.acquiring;
      }
    } catch (err) {
      lease.holders--;
      if (lease.holders === 0 && lease.release === undefined) this.#leases.delete(id);
      throw err;
    }
    return lease;
  }

  #letGo(id: string, lease: Lease): void {
    lease.holders--;
    if (lease.holders > 0) return;
    if (lease.compromised !== undefined || Date.now() - lease.since >= MAX_LEASE_MS) {
      lease.cooldownUntil = Date.now() + COOLDOWN_MS;
      void this.#handBack(id, lease);
      return;
    }
    lease.idle = setImmediate(() => void this.#handBack(id, lease));
  }

  async #handBack(id: string, lease: Lease): Promise<void> {
    if (lease.idle !== undefined) clearImmediate(lease.idle);
    lease.idle = undefined;
    const release = lease.release;
    lease.release = undefined;
    if (lease.holders === 0 && lease.cooldownUntil <= Date.now()) this.#leases.delete(id);
    await release?.().catch(() => undefined);
  }

  /**
   * Takes the file lock: after a cooldown, one synchronous attempt (a free lock costs a mkdir
   * and a stat), then, if another process holds it, asynchronous retries for up to `wait` ms.
   */
  async #acquire(id: string, lease: Lease): Promise<void> {
    const cooldown = lease.cooldownUntil - Date.now();
    if (cooldown > 0) await new Promise((resolve) => setTimeout(resolve, cooldown));
    const lockPath = lockPathOfId(this.#root, id);
    lease.compromised = undefined;
    const options = {
      lockfilePath: lockPath,
      realpath: false,
      fs: nodeFs,
      stale: this.#options.stale,
      update: Math.floor(this.#options.stale / 2),
      onCompromised: (err: Error) => {
        lease.compromised = err;
      },
    };
    lease.release = await this.#lock(lockPath, options).catch((err: unknown) => {
      if ((err as { code?: string }).code !== 'ELOCKED') throw err;
      throw new DatastoreError(
        `timed out after ${this.#options.wait} ms waiting for the lock on ${id} (${lockPath})`,
        { code: 'ERR_LOCKED', cause: err },
      );
    });
    lease.since = Date.now();
  }

  async #lock(lockPath: string, options: lockfile.LockOptions): Promise<Release> {
    try {
      const release = this.#lockSync(lockPath, options);
      return async () => release();
    } catch (err) {
      if ((err as { code?: string }).code !== 'ELOCKED') throw err;
    }
    return lockfile.lock(lockPath, { ...options, retries: retrySchedule(this.#options.wait) });
  }

  /** One synchronous attempt; creates the lock folder the first time (or after it was removed). */
  #lockSync(lockPath: string, options: lockfile.LockOptions): () => void {
    refuseLinkedLockFolder(this.#root);
    try {
      return lockfile.lockSync(lockPath, options);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
      nodeFs.mkdirSync(join(this.#root, LOCK_DIR), { recursive: true });
      return lockfile.lockSync(lockPath, options);
    }
  }
}

/**
 * kvdir never writes through a link below the root: a lock folder that is a link (a hostile
 * checkout, P31) would put lock directories wherever it points. Refused, not followed.
 */
function refuseLinkedLockFolder(root: string): void {
  const folder = join(root, LOCK_DIR);
  if (nodeFs.lstatSync(folder, { throwIfNoEntry: false })?.isSymbolicLink() === true) {
    throw new DatastoreError(`refusing to follow a symbolic link: ${folder}`, {
      code: 'ERR_SYMLINK',
    });
  }
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

/** Short, capped retries adding up to about `wait` ms. */
function retrySchedule(wait: number): lockfile.LockOptions['retries'] {
  const maxTimeout = 50;
  return { retries: Math.ceil(wait / maxTimeout) + 10, minTimeout: 2, maxTimeout, factor: 1.5 };
}
