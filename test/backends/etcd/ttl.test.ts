/**
 * TTLs on a real etcd, in real time (etcd's lessor runs on its own clock: no FakeClock). Keys
 * must expire late, never early: an expiry seen at time t proves nothing early happened only if
 * t >= write start + ttl, which holds however slow the machine is; the late bound is loose.
 */
import { describe, expect, it, vi } from 'vitest';
import type { KVPair } from '../../../src/index.js';
import { PathKey, PathListOptions, ResourceDoesNotExistError } from '../../../src/index.js';
import type { EtcdStore } from '../../helpers/etcd.js';
import { etcdStore, hasEtcd } from '../../helpers/etcd.js';

const BUCKET_MS = 1000;

/** The etcd lease id of a key path, '0' for none. */
async function leaseOf(store: EtcdStore, path: string): Promise<string> {
  const { kvs } = await store.raw.kv.range({ key: Buffer.from(store.namespace + path) });
  return kvs[0]!.lease;
}

describe.runIf(hasEtcd)('EtcdBackend TTL (real time)', () => {
  it('expires keys late but never early, shows the time left, shares leases, and detaches on a rewrite', async () => {
    const store = etcdStore();
    const client = store.open({ ttlBucketMs: BUCKET_MS });
    const ttl = 2000;
    const [a, b, kept] = ['/ttl/a', '/ttl/b', '/ttl/kept'].map((path) => new PathKey(path));
    const started = Date.now();
    const written = await client.create({ key: a!, value: { a: 1 }, ttl });
    expect(written.ttl).toBe(ttl);
    await client.create({ key: b!, value: {}, ttl });
    await client.create({ key: kept!, value: {}, ttl });
    const wroteAt = Date.now();
    await client.update({ key: kept!, value: { kept: true } });

    expect(await leaseOf(store, '/ttl/a')).not.toBe('0');
    expect(await leaseOf(store, '/ttl/b')).toBe(await leaseOf(store, '/ttl/a'));
    expect(await leaseOf(store, '/ttl/kept')).toBe('0');
    const got = await client.get(a!);
    expect(got.ttl).toBeGreaterThan(0);
    expect(got.ttl).toBeLessThanOrEqual(ttl + BUCKET_MS);
    const listed = await client.list(new PathListOptions({ prefix: '/ttl' }));
    expect(listed.map((kv: KVPair) => [kv.key.defaultPath(), kv.ttl !== undefined])).toEqual([
      ['/ttl/a', true],
      ['/ttl/b', true],
      ['/ttl/kept', false],
    ]);

    await vi.waitFor(() => expect(client.get(a!)).rejects.toThrow(ResourceDoesNotExistError), {
      timeout: 15_000,
      interval: 50,
    });
    const goneAt = Date.now();
    expect(goneAt - started).toBeGreaterThanOrEqual(ttl);
    expect(goneAt - wroteAt).toBeLessThanOrEqual(ttl + BUCKET_MS + 1500);
    expect(
      (await client.list(new PathListOptions({ prefix: '/ttl' }))).map((kv) => kv.value),
    ).toEqual([{ kept: true }]);
  });

  it('writes on a new lease when the shared one was revoked, and leaves leases alive on close', async () => {
    const store = etcdStore();
    // A wide bucket: the second write surely picks the revoked lease, and must recover.
    const client = store.open({ ttlBucketMs: 30_000 });
    const ttl = 60_000;
    await client.create({ key: new PathKey('/l/a'), value: {}, ttl });
    const first = await leaseOf(store, '/l/a');
    await store.raw.leaseClient.leaseRevoke({ ID: first });
    expect(await store.rawGet('/l/a')).toBeUndefined();

    await client.create({ key: new PathKey('/l/b'), value: { b: 1 }, ttl });
    const second = await leaseOf(store, '/l/b');
    expect(second).not.toBe(first);
    expect((await client.get(new PathKey('/l/b'))).ttl).toBeGreaterThan(ttl - 5000);

    await client.close();
    const lease = await store.raw.leaseClient.leaseTimeToLive({ ID: second });
    expect(Number(lease.TTL)).toBeGreaterThan(0);
    expect(await store.rawGet('/l/b')).toBe('{"b":1}');
  });
});
