/**
 * The cross-process lock of one directory of keys (Node's fs only): a file
 * `<root>/.kvdir-locks/<sha1>` created with O_EXCL (one process wins) that says who holds it
 * and with which settings:
 *
 *     {"token":"<random, new at every acquisition>","pid":1234,"stale":10000}
 *
 * The holder touches it every `stale / 4` ms. Another process takes the lock over only when it
 * has not been touched for longer than the larger of its own `stale` and the holder's, so
 * processes with different settings never take each other's live lock (a lock that does not
 * say, a holder between its create and its write or an older kvdir's lock directory, is judged
 * with at least the default 10 s). A takeover moves the lock aside with one rename and checks
 * that what it moved is what it judged stale; if not, it puts it back (by link, which never
 * replaces a lock made meanwhile).
 *
 * What makes a write safe is `check`, called synchronously right before the renames that
 * commit a write: the file at the lock's path is still the one we created (same inode; we keep
 * it open, so its inode number cannot pass to another file) and our last touch is younger than
 * `stale - stale / 4`. Nobody can judge the lock stale for at least `stale / 4` ms after such a
 * check, far longer than the synchronous renames that follow it; a holder whose event loop
 * stalled past that point never commits: its write is discarded.
 *
 * Waiters that find the lock held write their id to `<lock>.want`, so a holder that keeps the
 * lock busy can see that another process is waiting and let it have a turn (locks.ts).
 *
 * kvdir used proper-lockfile before: a directory made by mkdir, refreshed by its mtime. It
 * cannot hold the holder's settings (its removal is an rmdir), has no synchronous ownership
 * check, and takes over by remove-then-mkdir, which can remove a third process's fresh lock.
 * A file is also cheaper than a directory: on ext4 a create and unlink of a small file costs
 * a fraction of a mkdir and rmdir.
 */
import nodeFs from 'node:fs';
import { DatastoreError } from '../../model/errors.js';
import { dirname } from 'node:path';
import { errnoCode, isMissing } from './errno.js';
import { lstatSeen } from './fs-like.js';
import { uniqueId } from './unique-id.js';

/** What a lock is judged with when its holder did not say (a lock of an older kvdir). */
export const DEFAULT_STALE_MS = 10_000;
/**
 * A waiter's mark counts for this long: waiters write it at every attempt (10 ms apart at
 * most, far more on a loaded machine) and remove it once they have the lock.
 */
const WANT_FRESH_MS = 500;

interface OwnerRecord {
  token: string;
  pid: number;
  stale: number;
}

/** Why a held lock is no longer safe to write under, or undefined while it is. */
export type LockLoss = string | undefined;

/** A lock this process holds. */
export class HeldLock {
  readonly path: string;
  readonly stale: number;
  /**
   * The lock file, kept open while held: its inode cannot be freed and given to another file
   * meanwhile, so "the file at `path` has our inode" is a one-`lstat` ownership check.
   */
  readonly #fd: number;
  readonly #ino: number;
  readonly #dev: number;
  /**
   * When our last touch of the lock began, on the monotonic clock: our own view of its age must
   * not move with the wall clock (an NTP step, a test's clock), which only other processes'
   * judgement of the file's mtime has to use.
   */
  #touchedAt: number;
  #lost: LockLoss;
  #released = false;
  #timer: NodeJS.Timeout | undefined;

  private constructor(path: string, stale: number, fd: number, createdAt: number) {
    this.path = path;
    this.stale = stale;
    this.#fd = fd;
    const stats = nodeFs.fstatSync(fd);
    this.#ino = stats.ino;
    this.#dev = stats.dev;
    touch(fd, stats.mtimeMs, false);
    this.#touchedAt = createdAt;
    held.add(this);
    this.#schedule();
  }

  /**
   * One attempt to take the lock at `path` (synchronous: a free lock costs a create, a small
   * write and a stat). Takes over a stale lock. Undefined when someone else holds it.
   */
  static tryAcquire(path: string, stale: number): HeldLock | undefined {
    refuseLinkedLockFolder(dirname(path));
    const record: OwnerRecord = { token: uniqueId() + uniqueId(), pid: process.pid, stale };
    for (let attempt = 0; attempt < 3; attempt++) {
      const createdAt = performance.now();
      let fd: number;
      try {
        fd = nodeFs.openSync(path, 'wx');
      } catch (err) {
        if (isMissing(err)) nodeFs.mkdirSync(dirname(path), { recursive: true });
        else if (errnoCode(err) !== 'EEXIST') throw err;
        else if (!takeOverIfStale(path, stale)) return undefined;
        continue;
      }
      try {
        nodeFs.writeSync(fd, JSON.stringify(record));
        return new HeldLock(path, stale, fd, createdAt);
      } catch (err) {
        nodeFs.closeSync(fd);
        nodeFs.rmSync(path, { force: true });
        throw err;
      }
    }
    return undefined;
  }

  /** Why the lock may no longer be ours (no I/O), or undefined. */
  get lost(): LockLoss {
    if (this.#lost !== undefined) return this.#lost;
    const age = Math.round(performance.now() - this.#touchedAt);
    if (age >= this.#safeAge())
      return `its last refresh is ${age} ms old (lock.stale ${this.stale} ms)`;
    return undefined;
  }

  /**
   * Undefined while the lock is still ours and will stay ours for at least `stale / 4` ms;
   * otherwise why not (and the lock stays lost). Call right before the synchronous renames that
   * commit a write: one `lstat`.
   */
  check(): LockLoss {
    this.#lost ??= this.lost ?? this.#foreignOwner();
    return this.#lost;
  }

  /**
   * Hands the lock back; never throws (a lock that cannot be removed is taken over once stale).
   * A lock that may have been taken over is left to its new holder.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    clearTimeout(this.#timer);
    held.delete(this);
    try {
      this.#remove();
    } catch {
      // See above.
    } finally {
      nodeFs.closeSync(this.#fd);
    }
  }

  /** Whether a process other than `self` marked itself as waiting for this lock just now. */
  someoneElseWaits(self: string): boolean {
    return someoneElseWaits(this.path, self);
  }

  #remove(): void {
    if (this.#foreignOwner() !== undefined) return;
    if (this.lost === undefined) {
      // Fresh: nobody can be taking it over now.
      nodeFs.unlinkSync(this.path);
      return;
    }
    // Ours but old: another process may be taking it over right now. Move it aside first, then
    // look at what was moved, and put back what turns out not to be ours.
    const grave = graveName(this.path);
    if (!renamed(this.path, grave)) return;
    if (this.#isOurs(grave)) nodeFs.unlinkSync(grave);
    else putBack(grave, this.path);
  }

  #safeAge(): number {
    return this.stale - Math.floor(this.stale / 4);
  }

  /** Undefined while the file at `path` is our lock; otherwise what became of it. */
  #foreignOwner(): LockLoss {
    if (this.#isOurs(this.path)) return undefined;
    const owner = readOwner(this.path);
    return owner === undefined ? 'it was removed' : `process ${owner.pid} took it over`;
  }

  #isOurs(path: string): boolean {
    const stats = lstatSeen(path);
    return stats !== undefined && stats.ino === this.#ino && stats.dev === this.#dev;
  }

  #schedule(): void {
    this.#timer = setTimeout(() => this.#refresh(), Math.floor(this.stale / 4));
    // A held lock does not keep the process alive: the writes that hold it do.
    this.#timer.unref();
  }

  /** Touches the lock, unless it is already lost (then it stays lost). */
  #refresh(): void {
    if (this.#released || this.lost !== undefined) return;
    this.#lost = this.#foreignOwner();
    if (this.#lost !== undefined) return;
    try {
      const startedAt = performance.now();
      touch(this.#fd, Date.now(), true);
      this.#touchedAt = startedAt;
    } catch (err) {
      this.#lost = `refreshing it failed: ${errnoCode(err) ?? String(err)}`;
      return;
    }
    this.#schedule();
  }
}

/** Marks `self` as waiting for the lock at `path`. */
export function announceWaiting(path: string, self: string): void {
  try {
    nodeFs.writeFileSync(`${path}.want`, self);
  } catch {
    // Only fairness depends on it.
  }
}

/** `self` has the lock: its mark goes, unless another waiter has written its own since. */
export function stopWaiting(path: string, self: string): void {
  try {
    if (nodeFs.readFileSync(`${path}.want`, 'utf8') === self) nodeFs.unlinkSync(`${path}.want`);
  } catch {
    // Only fairness depends on it.
  }
}

/** Whether anyone holds the lock at `path` now (a holder that has written its record). */
export function isHeld(path: string): boolean {
  return readOwner(path) !== undefined;
}

/** Whether a process other than `self` marked itself as waiting for the lock at `path` just now. */
export function someoneElseWaits(path: string, self: string): boolean {
  const want = `${path}.want`;
  try {
    const stats = nodeFs.statSync(want);
    if (Date.now() - stats.mtimeMs > WANT_FRESH_MS) return false;
    return nodeFs.readFileSync(want, 'utf8') !== self;
  } catch {
    return false;
  }
}

/** What a taker saw of a lock it judged stale. */
interface Judged {
  token: string | undefined;
  mtimeMs: number;
}

/** Moves a stale lock aside (true: try again), or leaves a live one (false). */
function takeOverIfStale(path: string, stale: number): boolean {
  const judged = lockState(path);
  if (judged === undefined) return true; // gone meanwhile
  if (Date.now() - judged.mtimeMs <= Math.max(stale, judged.stale)) return false;
  const grave = graveName(path);
  if (!renamed(path, grave)) return true;
  const moved = lockState(grave);
  if (moved !== undefined && moved.token === judged.token && moved.mtimeMs === judged.mtimeMs) {
    nodeFs.rmSync(grave, { recursive: true, force: true });
    return true;
  }
  // Another taker replaced the stale lock between our look and our rename: that one is live.
  putBack(grave, path);
  return false;
}

/** The token, touch time and staleness of the lock at `path`; undefined if there is none. */
function lockState(path: string): (Judged & { stale: number }) | undefined {
  const stats = lstatSeen(path);
  if (stats === undefined) return undefined;
  const owner = stats.isFile() ? readOwner(path) : undefined;
  return {
    token: owner?.token,
    mtimeMs: stats.mtimeMs,
    stale: owner?.stale ?? DEFAULT_STALE_MS,
  };
}

function readOwner(path: string): OwnerRecord | undefined {
  let text: string;
  try {
    text = nodeFs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const data = JSON.parse(text) as Partial<OwnerRecord>;
    if (typeof data.token !== 'string') return undefined;
    return {
      token: data.token,
      pid: typeof data.pid === 'number' ? data.pid : 0,
      stale: typeof data.stale === 'number' && data.stale > 0 ? data.stale : DEFAULT_STALE_MS,
    };
  } catch {
    return undefined; // being written, or not ours
  }
}

/**
 * Sets the lock file's mtime to `now` (when `again`; a new file has it already) and returns it
 * as the file system stores it. A file system that keeps whole seconds would round it down,
 * making the lock look older to others than to us: then the next whole second is set instead,
 * so the lock looks younger to everyone, never older to anyone.
 */
function touch(fd: number, now: number, again: boolean): number {
  if (again) nodeFs.futimesSync(fd, now / 1000, now / 1000);
  let stored = again ? nodeFs.fstatSync(fd).mtimeMs : now;
  if (stored % 1000 === 0 && stored < Date.now()) {
    const ceiling = Math.ceil(Date.now() / 1000);
    nodeFs.futimesSync(fd, ceiling, ceiling);
    stored = nodeFs.fstatSync(fd).mtimeMs;
  }
  return stored;
}

function graveName(path: string): string {
  return `${path}.stale-${uniqueId()}`;
}

function renamed(from: string, to: string): boolean {
  try {
    nodeFs.renameSync(from, to);
    return true;
  } catch (err) {
    if (isMissing(err)) return false;
    throw err;
  }
}

/**
 * Puts back a lock moved aside by mistake. A link never replaces a lock made meanwhile (a
 * rename would); if one was, the lock we moved is dropped and its holder finds out at its next
 * check.
 */
function putBack(grave: string, path: string): void {
  try {
    nodeFs.linkSync(grave, path);
  } catch {
    // Its place was taken (or it is an old-format directory): see above.
  }
  nodeFs.rmSync(grave, { recursive: true, force: true });
}

/** Locks held by this process: handed back if it exits without closing its clients. */
const held = new Set<HeldLock>();
process.on('exit', () => {
  for (const lock of held) lock.release();
});

/**
 * kvdir never writes through a link below the root: a lock folder that is a link (a hostile
 * checkout, P31) would put lock files wherever it points. Refused, not followed.
 */
function refuseLinkedLockFolder(folder: string): void {
  if (nodeFs.lstatSync(folder, { throwIfNoEntry: false })?.isSymbolicLink() === true) {
    throw new DatastoreError(`refusing to follow a symbolic link: ${folder}`, {
      code: 'ERR_SYMLINK',
    });
  }
}
