import { describe, expect, it } from 'vitest';
import { ExpiryTimers, Timers } from '../../src/syncer/timers.js';
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
    expect(timers.closed).toBe(true);
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
    expect(expiries.size).toBe(2);
    clock.advance(100);
    expect(expired).toEqual([]);
    clock.advance(1);
    expect(expired).toEqual([`/a@${now + 101}`]);
    clock.advance(200);
    expect(expired).toEqual([`/a@${now + 101}`, `/b@${now + 301}`]);
    expect(expiries.size).toBe(0);
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
