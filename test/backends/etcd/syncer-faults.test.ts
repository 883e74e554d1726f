/**
 * The etcd syncer under faults, against real etcd servers: a watch cut while it catches up, a
 * compaction while it is away, etcd killed and restarted, etcd replaced by another cluster at
 * the same address, and a write etcd refuses. Faults come from the TCP proxy and private
 * servers (compaction and restarts would hit every test on the shared one). Every wait is for
 * a condition, with generous timeouts; the periodic resync is off, so that it cannot hide a
 * lost event.
 */
import { rmSync } from 'node:fs';
import type { ITxnRequest } from 'etcd3';
import { KVClient } from 'etcd3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Recorder } from '../../../src/contract/index.js';
import type { Client, KvdirError, SyncerOptions, Update } from '../../../src/index.js';
import { PathKey, PathListOptions, SyncStatus, UpdateType } from '../../../src/index.js';
import type { EtcdStore } from '../../helpers/etcd.js';
import { etcdStore, hasEtcd } from '../../helpers/etcd.js';
import { loadKeys, manyPaths } from '../../helpers/etcd-load.js';
import { privateEtcd } from '../../helpers/etcd-server.js';
import { TcpProxy } from '../../helpers/tcp-proxy.js';

const MiB = 1024 * 1024;
const proxies: TcpProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

async function proxyTo(endpoint: string): Promise<TcpProxy> {
  const proxy = await TcpProxy.start(endpoint);
  proxies.push(proxy);
  return proxy;
}

/**
 * A recorder that can run something right after one batch (to cut the watch mid-stream), and
 * that notes how many keys it held each time it was told InSync.
 */
class HookedRecorder extends Recorder {
  afterNextBatch: ((updates: Update[]) => void) | undefined;
  readonly heldAtInSync: number[] = [];

  override onStatusUpdated(status: SyncStatus): void {
    super.onStatusUpdated(status);
    if (status === SyncStatus.InSync) this.heldAtInSync.push(this.picture.size);
  }

  override onUpdates(updates: Update[]): void {
    super.onUpdates(updates);
    const hook = this.afterNextBatch;
    this.afterNextBatch = undefined;
    hook?.(updates);
  }
}

/** A started syncer on `client` (stopped by the client's close after the test). */
function syncing(client: Client, options: SyncerOptions = {}) {
  const rec = new HookedRecorder();
  const warnings: KvdirError[] = [];
  client
    .syncer(rec, {
      keyFromPath: (path) => new PathKey(path),
      resyncIntervalMs: 0,
      onWarning: (warning) => warnings.push(warning),
      ...options,
    })
    .start();
  return { rec, warnings };
}

/** Waits until the recorder holds exactly what etcd lists below `prefix`, revisions included. */
async function converged(rec: Recorder, client: Client, prefix: string): Promise<void> {
  await rec.waitFor(async () => {
    const listed = await client.list(new PathListOptions({ prefix }));
    const want = listed.map((kv) => `${kv.key.defaultPath()}@${kv.revision}`);
    const held = [...rec.revisions()].map(([path, revision]) => `${path}@${revision}`);
    return held.sort().join(' ') === want.sort().join(' ');
  }, `the picture to equal what etcd lists below ${prefix}`);
}

function kinds(updates: Update[]): string[] {
  const name = ['?', 'new', 'updated', 'deleted'];
  return updates.map((u) => `${name[u.updateType]} ${u.key.defaultPath()}`).sort();
}

describe.runIf(hasEtcd)('EtcdBackend syncer under faults', () => {
  it('loses nothing when its watch is cut while catching up, and resumes without a resync', async () => {
    const store = etcdStore();
    const proxy = await proxyTo(store.endpoint);
    const client = store.open({ endpoints: proxy.endpoint });
    const { rec, warnings } = syncing(client, { prefixes: ['/cut'] });
    await rec.waitForStatus(SyncStatus.InSync);
    const statuses = rec.statuses.length;

    await proxy.down();
    // One revision per key: the catch-up takes several responses of at most 1,000 revisions.
    const paths = manyPaths('/cut', 3000);
    for (let i = 0; i < paths.length; i += 100) {
      await Promise.all(paths.slice(i, i + 100).map((path) => store.rawPut(path, '{}')));
    }
    // Out of InSync once the grace period is over.
    await rec.waitForStatus(SyncStatus.ResyncInProgress, statuses);
    let firstCatchUp = 0;
    rec.afterNextBatch = (updates) => {
      firstCatchUp = updates.length;
      proxy.cut();
    };
    await proxy.up();
    await converged(rec, client, '/cut');
    await rec.waitForStatus(SyncStatus.InSync, statuses);
    // InSync again only once caught up (etcd 3.4.23 answers a progress request at once,
    // before the catch-up it is about to send).
    expect(rec.heldAtInSync).toEqual([0, paths.length]);
    expect(firstCatchUp).toBeGreaterThan(0);
    expect(firstCatchUp).toBeLessThan(paths.length);
    expect(rec.updatesSince(0).every((u) => u.updateType === UpdateType.KVNew)).toBe(true);
    expect(rec.violations).toEqual([]);
    // Lost and resumed, never cancelled or resynced.
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^lost the watch/)]);
  });

  it('answers a compaction while it was away with a resync that sends only the differences', async () => {
    const server = await privateEtcd();
    const store = etcdStore(server.endpoint);
    const proxy = await proxyTo(server.endpoint);
    const paths = manyPaths('/k', 20);
    await loadKeys(store.raw, store.namespace, paths, '{"v":0}');
    const client = store.open({ endpoints: proxy.endpoint });
    const { rec, warnings } = syncing(client, { prefixes: ['/k'] });
    await rec.waitForStatus(SyncStatus.InSync);
    await converged(rec, client, '/k');
    const statuses = rec.statuses.length;
    const mark = rec.mark();

    await proxy.down();
    const writer = store.open();
    for (const path of paths.slice(0, 5)) await store.rawPut(path, '{"v":1}');
    for (const path of paths.slice(5, 8)) await writer.delete({ key: new PathKey(path) });
    for (const path of ['/k/new1', '/k/new2']) await store.rawPut(path, '{"v":2}');
    const { header } = await store.raw.kv.range({ key: Buffer.from('/') });
    await store.raw.kv.compact({ revision: header.revision, physical: true });
    await proxy.up();

    await rec.waitForStatus(SyncStatus.InSync, statuses);
    await converged(rec, client, '/k');
    expect(rec.statuses.slice(statuses)).toContain(SyncStatus.ResyncInProgress);
    expect(kinds(rec.updatesSince(mark))).toEqual([
      ...paths.slice(5, 8).map((path) => `deleted ${path}`),
      'new /k/new1',
      'new /k/new2',
      ...paths.slice(0, 5).map((path) => `updated ${path}`),
    ]);
    expect(rec.violations).toEqual([]);
    expect(warnings.some((w) => /compacted at revision \d+/.test(w.message))).toBe(true);
  });

  it('leaves InSync when etcd is killed, and converges once it is back', async () => {
    const server = await privateEtcd();
    const store = etcdStore(server.endpoint);
    const client = store.open({ requestTimeoutMs: 2000 });
    await client.create({ key: new PathKey('/r/a'), value: { a: 1 } });
    const { rec } = syncing(client, { prefixes: ['/r'] });
    await rec.waitForStatus(SyncStatus.InSync);
    await converged(rec, client, '/r');
    const statuses = rec.statuses.length;

    await server.kill();
    await rec.waitForStatus(SyncStatus.ResyncInProgress, statuses);
    await server.restart();
    await retry(() => client.apply({ key: new PathKey('/r/b'), value: { b: 1 } }));
    await rec.waitForStatus(SyncStatus.InSync, statuses);
    await rec.waitForUpdate('/r/b', (u) => u.updateType === UpdateType.KVNew);
    await converged(rec, client, '/r');
    expect(rec.violations).toEqual([]);
  });

  it('notices another cluster at the same address and sends what differs, even at equal revisions', async () => {
    const server = await privateEtcd();
    const store = etcdStore(server.endpoint);
    const proxy = await proxyTo(server.endpoint);
    // A fresh etcd: the first put gets revision 2.
    for (const [path, value] of [
      ['/r/a', '{"v":1}'],
      ['/r/b', '{"v":1}'],
      ['/r/c', '{"v":1}'],
      ['/r/d', '{"v":1}'],
    ] as const) {
      await store.rawPut(path, value);
    }
    const client = store.open({ endpoints: proxy.endpoint });
    const { rec, warnings } = syncing(client, { prefixes: ['/r'] });
    await converged(rec, client, '/r');
    const mark = rec.mark();

    // The same address, a new cluster (an empty data dir): its revisions start again.
    await proxy.down();
    await server.kill();
    rmSync(server.dataDir, { recursive: true, force: true });
    await server.restart();
    await freshPut(store, '/r/a', '{"v":2}', '2'); // the revision /r/a had before, other bytes
    await freshPut(store, '/r/b', '{"v":1}', '3'); // the revision /r/b had before, same bytes
    await proxy.up();

    await converged(rec, client, '/r');
    expect(kinds(rec.updatesSince(mark))).toEqual([
      'deleted /r/a',
      'deleted /r/c',
      'deleted /r/d',
      'new /r/a',
    ]);
    expect(rec.picture.get('/r/a')?.value).toEqual({ v: 2 });
    expect(rec.violations).toEqual([]);
    expect(warnings.some((w) => /etcd was replaced/.test(w.message))).toBe(true);
  });

  it('runs periodic resyncs beside a stream of writes without a spurious or a missed update', async () => {
    const store = etcdStore();
    const client = store.open();
    // A snapshot of `/p` starts with one txn that reads the key `/p` and the first page below.
    const root = `${store.namespace}/p`;
    let snapshots = 0;
    const txn = KVClient.prototype.txn;
    const spy = vi.spyOn(KVClient.prototype, 'txn').mockImplementation(function (
      this: KVClient,
      request: ITxnRequest,
    ) {
      if (request.success?.[0]?.request_range?.key?.toString() === root) snapshots++;
      return txn.call(this, request);
    });
    try {
      const { rec, warnings } = syncing(client, { prefixes: ['/p'], resyncIntervalMs: 20 });
      await rec.waitForStatus(SyncStatus.InSync);
      const first = snapshots;
      const mark = rec.mark();
      const paths = manyPaths('/p', 50);
      for (let round = 0; round < 4; round++) {
        for (const path of paths) await store.rawPut(path, `{"round":${round}}`);
      }
      await rec.waitFor(() => snapshots >= first + 3, 'three periodic resyncs');
      await converged(rec, client, '/p');
      // Each put is one update, sent once (a resync sends only what the watch has not).
      const updates = rec.updatesSince(mark);
      expect(updates.length).toBeLessThanOrEqual(4 * paths.length);
      expect(rec.violations).toEqual([]);
      expect(warnings).toEqual([]);
      expect(rec.statuses.at(-1)).toBe(SyncStatus.InSync);
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps syncing when a write fails alone on a value etcd refuses, and the next call works', async () => {
    const store = etcdStore();
    // Told a higher limit than the server's, the client sends the value and etcd refuses it;
    // etcd3 then closes every service of that connection.
    const client = store.open({ maxValueBytes: 8 * MiB });
    const { rec, warnings } = syncing(client, { prefixes: ['/v'] });
    await rec.waitForStatus(SyncStatus.InSync);
    const huge = { b: 'x'.repeat(2 * MiB) };
    const refused = await client
      .create({ key: new PathKey('/v/huge'), value: huge })
      .catch((e: unknown) => e);
    expect((refused as KvdirError).code).toBe('ERR_TOO_LARGE');
    await client.create({ key: new PathKey('/v/small'), value: {} });
    await rec.waitForUpdate('/v/small', (u) => u.updateType === UpdateType.KVNew);
    expect(rec.statuses).toEqual([
      SyncStatus.WaitForDatastore,
      SyncStatus.ResyncInProgress,
      SyncStatus.InSync,
    ]);
    expect(warnings).toEqual([]);
    expect(rec.picture.has('/v/huge')).toBe(false);
  });
});

/** A raw put that must get `revision` (in the new cluster, the one the key had in the old). */
async function freshPut(store: EtcdStore, path: string, value: string, revision: string) {
  const { header } = await store.raw.kv.put({
    key: Buffer.from(store.namespace + path),
    value: Buffer.from(value),
  });
  expect(header.revision).toBe(revision);
}

/** Tries `call` until it succeeds (etcd is coming back), for at most 20 s. */
async function retry<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
