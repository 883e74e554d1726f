/**
 * The etcd syncer at scale and over time: a prefix delete of 100,000 keys (a 7 MB watch
 * response, over grpc-js's default 4 MiB limit) arrives as one batch, a TTL expires into a
 * KVDeleted in real time, and a process whose client had a syncer exits once it is closed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Recorder } from '../../../src/contract/index.js';
import { PathKey, SyncStatus, UpdateType } from '../../../src/index.js';
import { Child, childScript } from '../../helpers/child.js';
import { etcdStore, hasEtcd } from '../../helpers/etcd.js';
import { loadKeys, manyPaths } from '../../helpers/etcd-load.js';
import { privateEtcd } from '../../helpers/etcd-server.js';
import { REPO } from '../../helpers/paths.js';

const dist = join(REPO, 'dist', 'src');

describe.runIf(hasEtcd)('EtcdBackend syncer at scale and over time', () => {
  beforeAll(() => {
    if (!existsSync(join(dist, 'backends', 'etcd', 'index.js')))
      throw new Error('dist/ is missing: run `npm run build` first');
  });

  it('sends a recursive delete of 100,000 keys as one batch', async () => {
    // A server of its own: 100,000 keys would weigh on every other test's etcd.
    const store = etcdStore((await privateEtcd()).endpoint);
    const paths = manyPaths('/big', 100_000);
    await loadKeys(store.raw, store.namespace, paths, '{}', 16);
    const client = store.open();
    const rec = new Recorder();
    client.syncer(rec, { prefixes: ['/big'], keyFromPath: (p) => new PathKey(p) }).start();
    await rec.waitForStatus(SyncStatus.InSync, 0, 60_000);
    expect(rec.picture.size).toBe(paths.length);
    const mark = rec.mark();
    await client.delete({ key: new PathKey('/big') });
    await rec.waitFor(() => rec.picture.size === 0, 'the delete', 60_000);
    const batches = rec.batchesSince(mark);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(paths.length);
    expect(batches[0]!.every((u) => u.updateType === UpdateType.KVDeleted)).toBe(true);
    expect(rec.violations).toEqual([]);
    // Closed before the server goes (after the test), which the syncer would report as lost.
    await client.close();
  });

  it('sends KVDeleted when a TTL expires, in real time', async () => {
    const store = etcdStore();
    const client = store.open();
    const rec = new Recorder();
    client.syncer(rec, { prefixes: ['/t'], keyFromPath: (p) => new PathKey(p) }).start();
    await rec.waitForStatus(SyncStatus.InSync);
    const written = await client.create({ key: new PathKey('/t/a'), value: { a: 1 }, ttl: 1000 });
    const started = Date.now();
    const created = await rec.waitForUpdate('/t/a', (u) => u.updateType === UpdateType.KVNew);
    expect(created.revision).toBe(written.revision);
    await rec.waitForUpdate('/t/a', (u) => u.updateType === UpdateType.KVDeleted);
    // Late, never early.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(rec.picture.has('/t/a')).toBe(false);
    expect(rec.violations).toEqual([]);
  });

  it('lets a process with a syncer exit once its client is closed', async () => {
    const store = etcdStore();
    const child = new Child(childScript('etcd-syncer-close.mjs'), [
      dist,
      store.endpoint,
      store.namespace,
    ]);
    // A process that something keeps alive would never exit: give up long before the test does.
    const hung = new Promise((resolve) => setTimeout(resolve, 20_000, 'still running').unref());
    const code = await Promise.race([child.exited, hung]);
    expect(code, child.stderr).toBe(0);
    expect(child.lines).toEqual(['closed']);
  });
});
