import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../src/syncer/coalescer.js';
import { FakeClock } from '../helpers/fake-clock.js';

/** A coalescer whose releases are recorded and finish only when the test says so. */
function setup(quietWindowMs = 50, maxDelayMs = 500) {
  const clock = new FakeClock();
  const start = clock.now();
  const releases: Array<{ at: number; items: string[]; finish: () => void }> = [];
  let active = 0;
  let overlapped = false;
  const coalescer = new Coalescer<string>(clock, { quietWindowMs, maxDelayMs }, (items) => {
    active++;
    if (active > 1) overlapped = true;
    return new Promise<void>((resolve) => {
      releases.push({
        at: clock.now() - start,
        items: [...items],
        finish: () => {
          active--;
          resolve();
        },
      });
    });
  });
  return { clock, coalescer, releases, overlapped: () => overlapped };
}

/** Lets the promise callbacks of a finished release run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Coalescer', () => {
  it('releases once no event has arrived for the quiet window', () => {
    const { clock, coalescer, releases } = setup();
    coalescer.add('a');
    clock.advance(30);
    coalescer.add('b');
    clock.advance(49);
    expect(releases).toEqual([]);
    clock.advance(1);
    expect(releases.map((r) => [r.at, r.items])).toEqual([[80, ['a', 'b']]]);
  });

  it('merges duplicates into one item', () => {
    const { clock, coalescer, releases } = setup();
    coalescer.add('a');
    coalescer.add('a');
    clock.advance(50);
    expect(releases[0]!.items).toEqual(['a']);
  });

  it('releases after the max delay under continuous churn', () => {
    const { clock, coalescer, releases } = setup(50, 200);
    for (let t = 0; t < 300; t += 20) {
      coalescer.add(`e${t}`);
      clock.advance(20);
    }
    expect(releases[0]!.at).toBe(200);
    expect(releases[0]!.items).toHaveLength(10);
  });

  it('never overlaps releases: events during a release wait for the next one', async () => {
    const { clock, coalescer, releases, overlapped } = setup();
    coalescer.add('a');
    clock.advance(50);
    expect(releases).toHaveLength(1);
    coalescer.add('b');
    clock.advance(1000);
    expect(releases).toHaveLength(1);
    releases[0]!.finish();
    await flush();
    // 'b' has waited longer than the max delay: it goes out at once.
    clock.advance(0);
    expect(releases.map((r) => r.items)).toEqual([['a'], ['b']]);
    releases[1]!.finish();
    await flush();
    expect(overlapped()).toBe(false);
  });

  it('a release that started late still leaves a full quiet window for events after it', async () => {
    const { clock, coalescer, releases } = setup();
    coalescer.add('a');
    clock.advance(50);
    releases[0]!.finish();
    await flush();
    coalescer.add('b');
    clock.advance(49);
    expect(releases).toHaveLength(1);
    clock.advance(1);
    expect(releases[1]!.items).toEqual(['b']);
  });

  it('takePending hands over every pending item and cancels the timer', () => {
    const { clock, coalescer, releases } = setup();
    coalescer.add('a');
    coalescer.add('b');
    expect([...coalescer.takePending()]).toEqual(['a', 'b']);
    expect([...coalescer.takePending()]).toEqual([]);
    clock.advance(1000);
    expect(releases).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('close drops pending items, cancels timers and ignores later events', () => {
    const { clock, coalescer, releases } = setup();
    coalescer.add('a');
    coalescer.close();
    coalescer.add('b');
    expect(clock.pendingTimers).toBe(0);
    clock.advance(1000);
    expect(releases).toEqual([]);
    expect([...coalescer.takePending()]).toEqual([]);
  });

  it('close during a release: nothing is released after it', async () => {
    const { clock, coalescer, releases } = setup();
    coalescer.add('a');
    clock.advance(50);
    coalescer.add('b');
    coalescer.close();
    releases[0]!.finish();
    await flush();
    clock.advance(1000);
    expect(releases).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });
});
