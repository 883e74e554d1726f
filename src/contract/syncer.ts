/**
 * The syncer contract: statuses, the first resync, batches of changes made by clients and by
 * foreign writers, deletions, parse failures, stop, and convergence: applying every update in
 * order gives exactly what `list()` returns. Every batch is checked by the Recorder (no empty
 * batch, no KVNew for a key already sent, nothing after stop); a test fails on any violation.
 */
import assert from 'node:assert/strict';
import { PathKey, PathListOptions, ReadyFlagKey, SyncStatus, UpdateType } from '../index.js';
import { converged } from './convergence-check.js';
import { convergenceTests } from './syncer-convergence.js';
import { inSession } from './session.js';
import type { ContractOptions } from './types.js';
import { broken, stored } from './values.js';

const pathKeys = { keyFromPath: (path: string) => new PathKey(path) };

export function runSyncerContract(contract: ContractOptions): void {
  const { describe, it } = contract.test;
  const { format } = contract.supports;

  describe(`Syncer contract: ${contract.name}`, () => {
    it(
      'goes WaitForDatastore, ResyncInProgress, InSync, reporting every key as KVNew first',
      inSession(contract, async (session) => {
        const { client } = session;
        for (const path of ['/a/x', '/a/y/z', '/b']) {
          await client.create({ key: new PathKey(path), value: { path } });
        }
        const { rec } = session.syncer(pathKeys);
        await rec.waitForStatus(SyncStatus.InSync);
        assert.deepEqual(rec.statuses.slice(0, 3), [
          SyncStatus.WaitForDatastore,
          SyncStatus.ResyncInProgress,
          SyncStatus.InSync,
        ]);
        const firstSync = rec.batches.flat();
        assert.ok(firstSync.every((update) => update.updateType === UpdateType.KVNew));
        assert.deepEqual(firstSync.map((update) => update.key.defaultPath()).sort(), [
          '/a/x',
          '/a/y/z',
          '/b',
        ]);
        await converged(rec, client);
        assert.deepEqual(rec.violations, []);
      }),
    );

    it(
      "reports a client's writes with the revisions the calls returned",
      inSession(contract, async (session) => {
        // The datastore exists (a file backend waits for a missing root in WaitForDatastore).
        await session.client.ensureInitialized();
        const { client } = session;
        const { rec } = session.syncer(pathKeys);
        await rec.waitForStatus(SyncStatus.InSync);
        const key = new PathKey('/apps/web');
        const created = await client.create({ key, value: { replicas: 1 } });
        const seenNew = await rec.waitForUpdate(
          '/apps/web',
          (u) => u.updateType === UpdateType.KVNew,
        );
        assert.equal(seenNew.revision, created.revision);
        assert.deepEqual(seenNew.value, { replicas: 1 });
        const mark = rec.mark();
        const updated = await client.update({
          key,
          value: { replicas: 2 },
          revision: created.revision,
        });
        const seenUpdate = await rec.waitForUpdate(
          '/apps/web',
          (u) => u.updateType === UpdateType.KVUpdated && u.revision === updated.revision,
          mark,
        );
        assert.deepEqual(seenUpdate.value, { replicas: 2 });
        assert.deepEqual(rec.violations, []);
      }),
    );

    it(
      'reports a recursive delete as one batch with KVDeleted for every key below',
      inSession(contract, async (session) => {
        const { client } = session;
        for (const path of ['/r/a', '/r/a/b', '/r/a/b/c', '/r/ab']) {
          await client.create({ key: new PathKey(path), value: { path } });
        }
        const { rec } = session.syncer(pathKeys);
        await rec.waitForStatus(SyncStatus.InSync);
        await converged(rec, client);
        const mark = rec.mark();
        await client.delete({ key: new PathKey('/r/a') });
        await rec.waitFor(() => !rec.picture.has('/r/a/b/c'), 'the subtree to be deleted');
        const batches = rec.batchesSince(mark);
        assert.equal(batches.length, 1, `batches: ${rec.describe()}`);
        assert.deepEqual(batches[0]?.map((u) => [u.updateType, u.key.defaultPath()]).sort(), [
          [UpdateType.KVDeleted, '/r/a'],
          [UpdateType.KVDeleted, '/r/a/b'],
          [UpdateType.KVDeleted, '/r/a/b/c'],
        ]);
        assert.ok(rec.picture.has('/r/ab'));
        assert.deepEqual(rec.violations, []);
      }),
    );

    it(
      "reports a foreign writer's values, and one that does not parse with value undefined and parseFailed",
      inSession(contract, async (session) => {
        // The datastore exists (a file backend waits for a missing root in WaitForDatastore).
        await session.client.ensureInitialized();
        const { client, raw } = session;
        const { rec } = session.syncer({ ...pathKeys, prefixes: ['/f'] });
        await rec.waitForStatus(SyncStatus.InSync);
        await raw.put('/f/good', stored(format, { a: 1 }));
        const good = await rec.waitForUpdate('/f/good', (u) => u.updateType === UpdateType.KVNew);
        assert.deepEqual(good.value, { a: 1 });
        assert.equal(good.revision, (await client.get(new PathKey('/f/good'))).revision);
        const mark = rec.mark();
        await raw.put('/f/good', broken(format));
        const bad = await rec.waitForUpdate(
          '/f/good',
          (u) => u.updateType === UpdateType.KVUpdated,
          mark,
        );
        assert.equal(bad.value, undefined);
        await rec.waitFor(
          () => rec.failures.some((f) => f.rawKey === '/f/good' && f.rawValue === broken(format)),
          'parseFailed for /f/good',
        );
        const fixed = rec.mark();
        await raw.put('/f/good', stored(format, { a: 2 }));
        const repaired = await rec.waitForUpdate('/f/good', (u) => u.value !== undefined, fixed);
        assert.deepEqual(repaired.value, { a: 2 });
        await raw.remove('/f/good');
        await rec.waitFor(() => !rec.picture.has('/f/good'), 'the foreign delete');
        assert.deepEqual(rec.violations, []);
      }),
    );

    it(
      'syncs only its prefixes',
      inSession(contract, async (session) => {
        const { client } = session;
        await client.create({ key: new PathKey('/in/a'), value: { a: 1 } });
        await client.create({ key: new PathKey('/out/b'), value: { b: 1 } });
        const { rec } = session.syncer({ ...pathKeys, prefixes: ['/in'] });
        await rec.waitForStatus(SyncStatus.InSync);
        await client.create({ key: new PathKey('/out/c'), value: { c: 1 } });
        await client.create({ key: new PathKey('/in/d'), value: { d: 1 } });
        await rec.waitForUpdate('/in/d', (u) => u.updateType === UpdateType.KVNew);
        assert.deepEqual([...rec.picture.keys()].sort(), ['/in/a', '/in/d']);
        assert.deepEqual(rec.violations, []);
      }),
    );

    it(
      'with waitForReady, waits until the Ready flag is true',
      inSession(contract, async (session) => {
        const { client } = session;
        await client.create({ key: new PathKey('/w/a'), value: { a: 1 } });
        const { rec } = session.syncer({ waitForReady: true });
        // A second syncer without waitForReady reaches InSync: proof the first had its chance.
        const { rec: control } = session.syncer({});
        await control.waitForStatus(SyncStatus.InSync);
        assert.deepEqual(rec.statuses, [SyncStatus.WaitForDatastore]);
        await client.create({ key: new ReadyFlagKey(), value: true });
        await rec.waitForStatus(SyncStatus.InSync);
        assert.deepEqual(rec.violations, []);
      }),
    );

    it(
      'calls nothing once stop() has resolved, and stop() is the same promise every time',
      inSession(contract, async (session) => {
        // The datastore exists (a file backend waits for a missing root in WaitForDatastore).
        await session.client.ensureInitialized();
        const { client } = session;
        const { syncer, rec } = session.syncer(pathKeys);
        await rec.waitForStatus(SyncStatus.InSync);
        const stopping = syncer.stop();
        assert.equal(syncer.stop(), stopping);
        await stopping;
        rec.stopped = true;
        await client.create({ key: new PathKey('/after/stop'), value: { a: 1 } });
        // A sentinel syncer sees the write: had the stopped one sent it, it would have by now.
        const { rec: sentinel } = session.syncer(pathKeys);
        await sentinel.waitForUpdate('/after/stop', (u) => u.updateType === UpdateType.KVNew);
        assert.deepEqual(rec.violations, []);
        assert.ok(!rec.picture.has('/after/stop'));
      }),
    );

    convergenceTests(contract);
  });
}
