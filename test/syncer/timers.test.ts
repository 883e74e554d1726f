import { describe, expect, it } from 'vitest';
import { ExpiryTimers, MAX_TIMER_MS, Timers } from '../../src/syncer/timers.js';
import { FakeClock } from '../helpers/fake-clock.js';

describe('Timers', () => {
  it('runs after(), and not once cancelled', () => {
    const clock = new FakeClock();
    const timers = new Timers(clock);
    const ran: string[] = [];
    timers.after(10, () => ran.push('a'));
    const cancel = timers.after(10, () => ran.push('b'));
    cancel();
    clock.advance(10);
    expect(ran).toEqual(['a']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('repeats every() after each run finished, until closed', async () => {
    const clock = new FakeClock();
    const timers = new Timers(clock);
    let runs = 0;
    timers.every(100, async () => void runs++);
    for (let i = 0; i < 3; i++) {
      clock.advance(100);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(runs).toBe(3);
    timers.close();
    clock.advance(1000);
    expect(runs).toBe(3);
    expect(clock.pendingTimers).toBe(0);
  });

  it('wakes sleepers on close, and ignores timers asked for after it', async () => {
    const clock = new FakeClock();
    const timers = new Timers(clock);
    const slept = timers.sleep(1_000_000);
    timers.close();
    await slept;
    timers.after(1, () => {
      throw new Error('must not run');
    });
    await timers.sleep(1_000_000);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('ExpiryTimers', () => {
  it('fires once a key is due (one ms late, so it reads as expired), and can be moved or cancelled', () => {
    const clock = new FakeClock();
    const expired: string[] = [];
    const expiries = new ExpiryTimers(clock, (path) => expired.push(`${path}@${clock.now()}`));
    const now = clock.now();
    expiries.set('/a', now + 100);
    expiries.set('/b', now + 100);
    expiries.set('/b', now + 300);
    expiries.set('/c', now + 100);
    expiries.set('/c', undefined);
    expect(clock.pendingTimers).toBe(2);
    clock.advance(100);
    expect(expired).toEqual([]);
    clock.advance(1);
    expect(expired).toEqual([`/a@${now + 101}`]);
    clock.advance(200);
    expect(expired).toEqual([`/a@${now + 101}`, `/b@${now + 301}`]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('clear cancels every timer', () => {
    const clock = new FakeClock();
    const expiries = new ExpiryTimers(clock, () => {
      throw new Error('must not fire');
    });
    expiries.set('/a', clock.now() + 10);
    expiries.clear();
    clock.advance(100);
    expect(clock.pendingTimers).toBe(0);
  });
});

/** A fake clock that treats a delay as Node's setTimeout does: over 2^31-1 ms it fires after 1 ms. */
class NodeLikeClock extends FakeClock {
  readonly delays: number[] = [];
  override setTimeout(fn: () => void, ms: number): unknown {
    this.delays.push(ms);
    return super.setTimeout(fn, ms > 2 ** 31 - 1 ? 1 : ms);
  }
}

describe('long waits (P28)', () => {
  const DAY = 24 * 60 * 60 * 1000;

  it('a TTL of 30 days fires once, after 30 days, never asking setTimeout for more than 2^31-1 ms', () => {
    const clock = new NodeLikeClock();
    const expired: number[] = [];
    const expiries = new ExpiryTimers(clock, () => expired.push(clock.now()));
    const due = clock.now() + 30 * DAY;
    expiries.set('/a', due);
    clock.advance(1);
    clock.advance(25 * DAY);
    expect(expired).toEqual([]);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(5 * DAY);
    expect(expired).toEqual([due + 1]);
    expect(Math.max(...clock.delays)).toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(clock.delays.length).toBeLessThan(5);
  });

  it('a TTL of 1e308 ms waits without firing', () => {
    const clock = new NodeLikeClock();
    const expiries = new ExpiryTimers(clock, () => {
      throw new Error('must not fire');
    });
    expiries.set('/a', clock.now() + 1e308);
    clock.advance(100 * DAY);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.delays.length).toBeLessThan(10);
  });

  it('Timers.after() waits longer than 2^31-1 ms in steps, and can be cancelled meanwhile', () => {
    const clock = new NodeLikeClock();
    const timers = new Timers(clock);
    const ran: string[] = [];
    timers.after(40 * DAY, () => ran.push('long'));
    const cancel = timers.after(40 * DAY, () => ran.push('cancelled'));
    clock.advance(30 * DAY);
    cancel();
    expect(ran).toEqual([]);
    clock.advance(10 * DAY);
    expect(ran).toEqual(['long']);
    expect(Math.max(...clock.delays)).toBeLessThanOrEqual(MAX_TIMER_MS);
  });
});
