import { describe, expect, it } from 'vitest';
import { LeaseManager } from '../../../src/backends/etcd/lease-manager.js';

/** A lease manager on a clock the test moves, with a fake etcd that grants what is asked. */
function setup(bucketMs = 1000, minSeconds = 1) {
  let now = 1_000;
  const grants: number[] = [];
  const leases = new LeaseManager(
    async (seconds) => {
      grants.push(seconds);
      return { id: String(grants.length), seconds: Math.max(seconds, minSeconds) };
    },
    bucketMs,
    () => now,
  );
  return { leases, grants, advance: (ms: number) => (now += ms) };
}

describe('LeaseManager', () => {
  it('shares a lease while it ends within [now + ttl, now + ttl + bucket], never before', async () => {
    const { leases, grants, advance } = setup();
    // 2 s + a 1 s bucket: a 3 s lease serves writes for the next second.
    expect(await leases.leaseFor(2000)).toBe('1');
    expect(grants).toEqual([3]);
    advance(999);
    expect(await leases.leaseFor(2000)).toBe('1');
    advance(2); // the lease now ends less than 2 s ahead: too early for a new 2 s key
    expect(await leases.leaseFor(2000)).toBe('2');
    expect(grants).toEqual([3, 3]);
  });

  it('keeps far-apart TTLs on their own leases and never extends a key beyond its bucket', async () => {
    const { leases, grants } = setup();
    expect(await leases.leaseFor(2000)).toBe('1');
    expect(await leases.leaseFor(60_000)).toBe('2');
    expect(await leases.leaseFor(2000)).toBe('1');
    expect(await leases.leaseFor(60_000)).toBe('2');
    expect(grants).toEqual([3, 61]);
  });

  it('rounds up when no whole second fits in the bucket: keys expire late, never early', async () => {
    const { leases, grants } = setup(200);
    await leases.leaseFor(2500);
    await leases.leaseFor(2000);
    expect(grants).toEqual([3, 2]);
  });

  it('asks once for writes that arrive together, and shares no lease beyond 1,000 keys', async () => {
    const { leases, grants } = setup();
    const ids = await Promise.all(Array.from({ length: 1001 }, () => leases.leaseFor(2000)));
    expect(new Set(ids.slice(0, 1000))).toEqual(new Set(['1']));
    expect(ids[1000]).toBe('2');
    expect(grants).toEqual([3, 3]);
  });

  it('uses the TTL etcd granted when etcd raised it to its minimum', async () => {
    const { leases, grants, advance } = setup(0, 5);
    expect(await leases.leaseFor(1000)).toBe('1');
    advance(3000); // 1 s asked, 5 s granted: 2 s left, enough for a 1 s key
    expect(await leases.leaseFor(1000)).toBe('2'); // but not within a bucket of 0
    expect(grants).toEqual([1, 1]);
  });

  it('forgets a lease etcd lost, a failed grant, and everything on clear', async () => {
    const { leases, grants } = setup();
    expect(await leases.leaseFor(2000)).toBe('1');
    leases.forget('1');
    expect(await leases.leaseFor(2000)).toBe('2');
    leases.clear();
    expect(await leases.leaseFor(2000)).toBe('3');
    let fail = true;
    const failing = new LeaseManager(async () => {
      if (fail) throw new Error('unavailable');
      return { id: 'ok', seconds: 3 };
    }, 1000);
    await expect(failing.leaseFor(2000)).rejects.toThrow('unavailable');
    fail = false;
    expect(await failing.leaseFor(2000)).toBe('ok');
    expect(grants).toHaveLength(3);
  });
});
