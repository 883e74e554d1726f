import {
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeldLock } from '../../../src/backends/file/dir-lock.js';
import { tempDir } from '../../helpers/temp-dir.js';

/**
 * A lock as another process would have left it, last touched `ageMs` ago: a lock file with
 * the holder's settings, or (without `owner`) the directory an older kvdir made.
 */
function foreignLock(path: string, ageMs: number, owner?: { stale: number }): void {
  const touched = (Date.now() - ageMs) / 1000;
  if (owner === undefined) mkdirSync(path, { recursive: true });
  else writeFileSync(path, JSON.stringify({ token: 'theirs', pid: 1, stale: owner.stale }));
  utimesSync(path, touched, touched);
}

const ownerToken = (path: string) =>
  (JSON.parse(readFileSync(path, 'utf8')) as { token: string }).token;

/** Blocks the event loop (not the CPU) for `ms`, as a stalled holder would. */
const block = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe('the cross-process directory lock', () => {
  it('takes a free lock and hands it back', async () => {
    const path = join(await tempDir(), 'locks', 'a');
    const lock = HeldLock.tryAcquire(path, 2000)!;
    expect(lock).toBeDefined();
    expect(lock.check()).toBeUndefined();
    expect(HeldLock.tryAcquire(path, 2000)).toBeUndefined();
    lock.release();
    const again = HeldLock.tryAcquire(path, 2000)!;
    expect(again).toBeDefined();
    again.release();
  });

  it("judges a lock by the larger of the taker's lock.stale and the holder's", async () => {
    const dir = await tempDir();
    // Held by a process with lock.stale 10 s, touched 3 s ago: live, even to a taker with 2 s.
    foreignLock(join(dir, 'live'), 3000, { stale: 10_000 });
    expect(HeldLock.tryAcquire(join(dir, 'live'), 2000)).toBeUndefined();
    expect(ownerToken(join(dir, 'live'))).toBe('theirs');
    // Untouched for 11 s: stale to anyone.
    foreignLock(join(dir, 'dead'), 11_000, { stale: 10_000 });
    const taken = HeldLock.tryAcquire(join(dir, 'dead'), 2000)!;
    expect(taken).toBeDefined();
    expect(ownerToken(join(dir, 'dead'))).not.toBe('theirs');
    taken.release();
    // A holder with 2 s, untouched for 3 s, is stale even to a taker with 2 s.
    foreignLock(join(dir, 'quick'), 3000, { stale: 2000 });
    HeldLock.tryAcquire(join(dir, 'quick'), 2000)!.release();
  });

  it("judges an older kvdir's lock directory with at least 10 s", async () => {
    const dir = await tempDir();
    foreignLock(join(dir, 'old'), 3000);
    expect(HeldLock.tryAcquire(join(dir, 'old'), 2000)).toBeUndefined();
    foreignLock(join(dir, 'older'), 11_000);
    HeldLock.tryAcquire(join(dir, 'older'), 2000)!.release();
  });

  it('check() reports a lock taken over by another process, and release() leaves it to them', async () => {
    const path = join(await tempDir(), 'a');
    const lock = HeldLock.tryAcquire(path, 2000)!;
    // What a taker does: moves the lock aside and makes its own.
    renameSync(path, `${path}.gone`);
    rmSync(`${path}.gone`);
    foreignLock(path, 0, { stale: 2000 });
    expect(lock.check()).toMatch(/process 1 took it over/);
    lock.release();
    expect(ownerToken(path)).toBe('theirs');
  });

  it('check() reports a lock whose holder stalled past lock.stale - lock.stale/4, even if nobody took it', async () => {
    const path = join(await tempDir(), 'a');
    const lock = HeldLock.tryAcquire(path, 2000)!;
    block(1600);
    expect(lock.check()).toMatch(/last refresh is \d+ ms old/);
    // Lost for good, and handed back (ours by token, so it is removed).
    expect(lock.check()).toBeDefined();
    lock.release();
    HeldLock.tryAcquire(path, 2000)!.release();
  });

  it('refreshes a held lock every lock.stale / 4 ms', async () => {
    const path = join(await tempDir(), 'a');
    const lock = HeldLock.tryAcquire(path, 2000)!;
    const first = statSync(path).mtimeMs;
    const started = Date.now();
    while (statSync(path).mtimeMs === first && Date.now() - started < 5000)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statSync(path).mtimeMs).toBeGreaterThan(first);
    expect(lock.check()).toBeUndefined();
    lock.release();
  });
});
