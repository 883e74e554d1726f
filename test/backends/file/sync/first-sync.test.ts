import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PathKey,
  PolicyKey,
  ReadyFlagKey,
  SyncStatus,
  UpdateType,
  keyFromDefaultPath,
} from '../../../../src/index.js';
import { fixtureCopy, tempDir } from '../../../helpers/temp-dir.js';
import { listed, openClient, openSyncer, pathKeys, waitForConvergence } from './harness.js';

describe('syncer: the first sync', () => {
  it('reports every key of the fixture tree as KVNew, then InSync, with the revisions and values the client reads', async () => {
    const root = await fixtureCopy('calico');
    const started = performance.now();
    const { client, rec } = openSyncer(root);
    await rec.waitForStatus(SyncStatus.InSync);
    const inSyncAfter = rec.statusTimes.at(-1)! - started;
    console.log(
      `fixture tree: InSync after ${inSyncAfter.toFixed(0)} ms (${rec.picture.size} keys)`,
    );

    expect(rec.statuses).toEqual([
      SyncStatus.WaitForDatastore,
      SyncStatus.ResyncInProgress,
      SyncStatus.InSync,
    ]);
    const updates = rec.updatesSince(0);
    expect(updates.every((update) => update.updateType === UpdateType.KVNew)).toBe(true);
    const expected = await listed(client);
    expect(expected.size).toBe(51);
    expect(updates).toHaveLength(expected.size);
    expect([...rec.picture.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [path, held] of rec.picture) {
      expect(held.revision, path).toBe(expected.get(path)!.revision);
      // The default keyFromPath gives Calico keys where the path is one: values decode as get() decodes them.
      const got = await client.get(held.update.key);
      expect(held.value, path).toEqual(got.value);
      expect(held.update.key.toString()).toBe(
        (keyFromDefaultPath(path) ?? new PathKey(path)).toString(),
      );
    }
    expect(
      rec.picture.get('/calico/v1/policy/tier/default/policy/k8s%2fallow-kube-system')?.update.key,
    ).toBeInstanceOf(PolicyKey);
    expect(rec.failures).toEqual([]);
    expect(rec.violations).toEqual([]);
  });

  it('waits for a root that does not exist yet', async () => {
    const root = join(await tempDir(), 'later', 'store');
    const { rec } = openSyncer(root, pathKeys);
    await rec.waitForStatus(SyncStatus.WaitForDatastore);
    const writer = openClient({ root });
    await writer.create({ key: new PathKey('/a/b'), value: { n: 1 } });
    await rec.waitForStatus(SyncStatus.InSync);
    await waitForConvergence(rec, writer);
    expect(rec.statuses).toEqual([
      SyncStatus.WaitForDatastore,
      SyncStatus.ResyncInProgress,
      SyncStatus.InSync,
    ]);
    expect(rec.violations).toEqual([]);
  });

  it('with waitForReady, waits in WaitForDatastore until the Ready flag is true', async () => {
    const root = join(await tempDir(), 'store');
    const writer = openClient({ root });
    await writer.create({ key: new ReadyFlagKey(), value: false });
    const { rec } = openSyncer(root, { waitForReady: true });
    await rec.waitForStatus(SyncStatus.WaitForDatastore);
    // The flag is read at least twice (25 ms, then 50 ms apart) before it is set.
    await rec.waitFor(
      async () => (await writer.get(new ReadyFlagKey())).value === false,
      'the flag to read false',
    );
    expect(rec.statuses).toEqual([SyncStatus.WaitForDatastore]);
    await writer.update({ key: new ReadyFlagKey(), value: true });
    await rec.waitForStatus(SyncStatus.InSync);
    expect(rec.picture.get('/calico/v1/Ready')?.value).toBe(true);
  });

  it('syncs only the given prefixes', async () => {
    const root = await fixtureCopy('calico');
    await mkdir(join(root, 'other'), { recursive: true });
    await writeFile(join(root, 'other', 'x.yaml'), 'a: 1\n');
    const { client, rec } = openSyncer(root, {
      prefixes: ['/calico/v1/policy', '/calico/v1/config'],
    });
    await rec.waitForStatus(SyncStatus.InSync);
    const expected = new Map([
      ...(await listed(client, '/calico/v1/policy')),
      ...(await listed(client, '/calico/v1/config')),
    ]);
    expect([...rec.picture.keys()].sort()).toEqual([...expected.keys()].sort());
    const mark = rec.mark();
    // A change outside the prefixes is not reported; one inside is.
    await client.create({ key: new PathKey('/other/y'), value: { b: 2 } });
    const policy = await client.create({
      key: new PolicyKey({ name: 'late' }),
      value: { order: 1, selector: 'all()', inbound_rules: [], outbound_rules: [] },
    });
    await rec.waitForUpdate(
      policy.key.defaultPath(),
      (update) => update.revision === policy.revision,
      mark,
    );
    expect(rec.updatesSince(mark).map((update) => update.key.defaultPath())).toEqual([
      policy.key.defaultPath(),
    ]);
  });
});
