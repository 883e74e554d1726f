import { execFileSync } from 'node:child_process';
import { cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SyncStatus, UpdateType } from '../../../../src/index.js';
import { keyPathOfFile } from '../../../../src/backends/file/layout.js';
import { fixtureCopy, tempDir } from '../../../helpers/temp-dir.js';
import { WATCHERS, openSyncer, pathKeys, waitForConvergence } from './harness.js';
import type { Recorder } from '../../../../src/contract/recorder.js';
import { nonSentinel, settled } from './settle.js';
import { fixturePath } from '../../../helpers/paths.js';

const deletionBatches = (rec: Recorder, mark: number) =>
  rec
    .batchesSince(mark)
    .filter((batch) => batch.some((update) => update.updateType === UpdateType.KVDeleted));

const pathsUnder = (rec: Recorder, prefix: string) =>
  [...rec.picture.keys()].filter((path) => path.startsWith(`${prefix}/`)).sort();

describe.each(WATCHERS)('syncer: whole subtrees on disk (watcher: %s)', (watcher) => {
  it('reports rm -rf of a subtree as one batch with a KVDeleted for every leaf', async () => {
    const root = await fixtureCopy('calico');
    const { client, rec } = openSyncer(root, { watcher });
    await rec.waitForStatus(SyncStatus.InSync);
    const leaves = pathsUnder(rec, '/calico/v1/host/node-2');
    expect(leaves.length).toBeGreaterThan(5);
    const mark = rec.mark();
    execFileSync('rm', ['-rf', join(root, 'calico', 'v1', 'host', 'node-2')]);
    await rec.waitFor(
      () => pathsUnder(rec, '/calico/v1/host/node-2').length === 0,
      'every leaf deleted',
    );
    const batches = deletionBatches(rec, mark);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((update) => update.key.defaultPath()).sort()).toEqual(leaves);
    await waitForConvergence(rec, client, { compareValues: false });
    expect(rec.violations).toEqual([]);
  });

  it('reports a directory moved out as deletions and moved back in as KVNew for every key', async () => {
    const root = await fixtureCopy('calico');
    const outside = join(await tempDir(), 'parked');
    const { client, rec } = openSyncer(root, { watcher });
    await rec.waitForStatus(SyncStatus.InSync);
    const before = new Map(
      pathsUnder(rec, '/calico/v1/host/node-3').map((path) => [
        path,
        rec.picture.get(path)!.revision,
      ]),
    );
    expect(before.size).toBeGreaterThan(3);

    let mark = rec.mark();
    await rename(join(root, 'calico', 'v1', 'host', 'node-3'), outside);
    await rec.waitFor(
      () => pathsUnder(rec, '/calico/v1/host/node-3').length === 0,
      'the moved keys deleted',
    );
    const deletions = deletionBatches(rec, mark);
    expect(deletions).toHaveLength(1);
    expect(deletions[0]!.map((update) => update.key.defaultPath()).sort()).toEqual([
      ...before.keys(),
    ]);

    mark = rec.mark();
    await rename(outside, join(root, 'calico', 'v1', 'host', 'node-3'));
    await rec.waitFor(
      () => pathsUnder(rec, '/calico/v1/host/node-3').length === before.size,
      'the moved keys back',
    );
    const news = rec.updatesSince(mark);
    expect(news.every((update) => update.updateType === UpdateType.KVNew)).toBe(true);
    expect(new Map(news.map((update) => [update.key.defaultPath(), update.revision]))).toEqual(
      before,
    );
    await waitForConvergence(rec, client, { compareValues: false });
    expect(rec.violations).toEqual([]);
  });

  it('keeps watching a directory replaced under its name (renamed over an empty one)', async () => {
    const root = join(await tempDir(), 'store');
    const parking = join(await tempDir(), 'parked');
    await mkdir(join(root, 'b'), { recursive: true });
    await writeFile(join(root, 'b', 'x.yaml'), 'n: 1\n');
    // A second look at a new directory comes at once, so it cannot be what finds y.yaml below.
    const { client, rec } = openSyncer(root, { ...pathKeys, settleMs: 1, watcher });
    await rec.waitForStatus(SyncStatus.InSync);
    await rename(join(root, 'b'), parking);
    await rec.waitFor(() => !rec.picture.has('/b/x'), '/b/x deleted');
    // An empty b/ appears (a writer's mkdir -p), is seen, then the old b/ is renamed over it.
    await mkdir(join(root, 'b'));
    await settled(rec, client);
    await rename(parking, join(root, 'b'));
    await rec.waitFor(() => rec.picture.has('/b/x'), '/b/x back');
    await settled(rec, client);
    // Files created in the directory now in place are seen (the watch on the empty one is dead).
    await writeFile(join(root, 'b', 'y.yaml'), 'n: 2\n');
    await rec.waitForUpdate('/b/y', (update) => update.updateType === UpdateType.KVNew);
    await waitForConvergence(rec, client);
    expect(rec.violations).toEqual([]);
  });

  it('reports the root removed (deletions, WaitForDatastore) and re-created (new content, InSync)', async () => {
    const root = await fixtureCopy('calico');
    const { client, rec } = openSyncer(root, { watcher });
    await rec.waitForStatus(SyncStatus.InSync);
    const keys = rec.picture.size;
    const statusMark = rec.statuses.length;
    execFileSync('rm', ['-rf', root]);
    await rec.waitFor(() => rec.picture.size === 0, 'every key deleted');
    await rec.waitForStatus(SyncStatus.WaitForDatastore, statusMark);

    // Made complete beside it, then moved into place: a copy made in place could be caught
    // half-written (a file seen empty, then updated), which is correct but not this test's point.
    const mark = rec.mark();
    const staged = `${root}.staged`;
    await cp(fixturePath('calico'), staged, {
      recursive: true,
    });
    await rename(staged, root);
    await rec.waitForStatus(SyncStatus.InSync, statusMark);
    await waitForConvergence(rec, client, { compareValues: false });
    expect(rec.picture.size).toBe(keys);
    expect(rec.updatesSince(mark).every((update) => update.updateType === UpdateType.KVNew)).toBe(
      true,
    );
    expect(rec.statuses.slice(statusMark)).toEqual([
      SyncStatus.WaitForDatastore,
      SyncStatus.ResyncInProgress,
      SyncStatus.InSync,
    ]);
    expect(rec.violations).toEqual([]);
  });

  it('reports a git checkout between two branches as exactly the diff', async () => {
    const root = await fixtureCopy('calico');
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    git('init', '-q', '-b', 'main');
    git('config', 'user.name', 'kvdir tests');
    git('config', 'user.email', 'tests@kvdir.invalid');
    git('config', 'commit.gpgsign', 'false');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    git('checkout', '-q', '-b', 'change');
    const v1 = join(root, 'calico', 'v1');
    await writeFile(join(v1, 'config', 'LogSeverityScreen.yaml'), '"Debug"\n');
    await writeFile(join(v1, 'config', 'IpInIpMtu.yaml'), '"1400"\n');
    await rm(join(v1, 'ipam', 'v4', 'pool', '10.66.0.0-16.yaml'));
    await rm(join(v1, 'host', 'node-3'), { recursive: true });
    await mkdir(join(v1, 'host', 'node-4', 'config'), { recursive: true });
    await writeFile(join(v1, 'host', 'node-4', 'bird_ip.yaml'), '"10.0.0.4"\n');
    await writeFile(join(v1, 'host', 'node-4', 'config', 'ReportingIntervalSecs.yaml'), '"30"\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'change');
    git('checkout', '-q', 'main');

    const { client, rec } = openSyncer(root, { watcher });
    await rec.waitForStatus(SyncStatus.InSync);
    await waitForConvergence(rec, client, { compareValues: false });

    for (const [from, to] of [
      ['main', 'change'],
      ['change', 'main'],
    ] as const) {
      const expected = diffOf(git('diff', '--name-status', '--no-renames', from, to));
      const mark = rec.mark();
      git('checkout', '-q', to);
      await waitForConvergence(rec, client, { compareValues: false });
      await settled(rec, client, mark);
      const updates = nonSentinel(rec.updatesSince(mark));
      expect(
        new Map(updates.map((update) => [update.key.defaultPath(), update.updateType])),
      ).toEqual(expected);
      expect(updates).toHaveLength(expected.size);
    }
    expect(rec.failures).toEqual([]);
    expect(rec.violations).toEqual([]);
  });
});

/** `git diff --name-status` as key path -> the update it must cause. */
function diffOf(nameStatus: string): Map<string, number> {
  const types: Record<string, number> = {
    A: UpdateType.KVNew,
    M: UpdateType.KVUpdated,
    D: UpdateType.KVDeleted,
  };
  const diff = new Map<string, number>();
  for (const line of nameStatus.trim().split('\n')) {
    const [status, file] = line.split('\t') as [string, string];
    const path = keyPathOfFile(file);
    if (path !== undefined) diff.set(path, types[status]!);
  }
  return diff;
}
