/**
 * The etcd test harness itself: a private server that is killed and restarted on its data, and
 * the TCP proxy that cuts, holds and refuses connections. Later suites (the syncer's) rely on
 * both behaving exactly so.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DatastoreError, PathKey } from '../../../src/index.js';
import { etcdStore, hasEtcd } from '../../helpers/etcd.js';
import { privateEtcd } from '../../helpers/etcd-server.js';
import { TcpProxy } from '../../helpers/tcp-proxy.js';

const key = new PathKey('/harness/a');

describe.runIf(hasEtcd)('etcd test harness', () => {
  it('starts a private etcd on loopback ports other than 2379/2380, restarts it on its data, and stops it', async () => {
    const server = await privateEtcd();
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect([2379, 2380]).not.toContain(server.clientPort);
    expect(server.dataDir.startsWith('/dev/shm/') || !existsSync('/dev/shm')).toBe(true);
    const client = etcdStore(server.endpoint).open({ requestTimeoutMs: 2000 });
    const written = await client.create({ key, value: { n: 1 } });

    const firstPid = server.pid;
    await server.kill();
    expect(server.pid).toBeUndefined();
    expect(() => process.kill(firstPid!, 0)).toThrow();
    await expect(client.get(key)).rejects.toThrow(DatastoreError);

    await server.restart();
    expect(server.pid).not.toBe(firstPid);
    await expect
      .poll(() => client.get(key).then((kv) => kv.revision, String), { timeout: 5000 })
      .toBe(written.revision);

    await server.stop();
    expect(existsSync(server.base)).toBe(false);
  });

  it('proxies to etcd, cuts connections, refuses them while down, and comes back on the same port', async () => {
    const store = etcdStore();
    const proxy = await TcpProxy.start(store.endpoint);
    try {
      const client = store.open({ endpoints: proxy.endpoint, requestTimeoutMs: 2000 });
      await client.create({ key, value: { n: 1 } });
      expect(proxy.connections).toBeGreaterThan(0);

      proxy.cut();
      expect(proxy.connections).toBe(0);
      await expect
        .poll(() => client.get(key).then((kv) => kv.value, String), { timeout: 5000 })
        .toEqual({ n: 1 });

      const endpoint = proxy.endpoint;
      await proxy.down();
      const refused = await client.get(key).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DatastoreError);
      expect((refused as Error).message).toContain('is unavailable');
      await proxy.up();
      expect(proxy.endpoint).toBe(endpoint);
      await expect
        .poll(() => client.get(key).then((kv) => kv.value, String), { timeout: 5000 })
        .toEqual({ n: 1 });
    } finally {
      await proxy.close();
    }
  });

  it('holds replies: a write reaches etcd, its answer never comes, and forwarding resumes', async () => {
    const store = etcdStore();
    const proxy = await TcpProxy.start(store.endpoint);
    try {
      const client = store.open({ endpoints: proxy.endpoint, requestTimeoutMs: 500 });
      const direct = store.open();
      await client.get(key).catch(() => undefined); // connected before the pause
      proxy.pause('replies');
      const held = new PathKey('/held');
      const err = await client.create({ key: held, value: {} }).catch((e: unknown) => e);
      expect((err as DatastoreError).code).toBe('ERR_OUTCOME_UNKNOWN');
      expect((err as Error).message).toContain('the write may have landed');
      // It reached etcd: it lands there, although its client never heard back.
      await expect.poll(() => direct.get(held).then((kv) => kv.value, String)).toEqual({});
      proxy.resume();
      await expect
        .poll(() => client.get(held).then((kv) => kv.value, String), { timeout: 5000 })
        .toEqual({});
    } finally {
      await proxy.close();
    }
  });
});
