/**
 * The mirror live, against the run's etcd, on a real git checkout: edits reach etcd within a
 * second or so, `git checkout` of another branch makes the prefix equal that branch's tree,
 * `rm -rf` of a subtree deletes its keys, a broken file keeps the last good value; a foreign
 * write is set back (or only reported); and a syncer on etcd sees the same picture as a
 * syncer on the directory. Every wait is for a condition, with generous timeouts.
 */
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recorder } from '../../src/contract/index.js';
import type { Client } from '../../src/index.js';
import { SyncStatus } from '../../src/index.js';
import { etcdStore, hasEtcd } from '../helpers/etcd.js';
import {
  converged,
  directory,
  git,
  manyFiles,
  startMirror,
  waitFor,
  writeFiles,
} from '../helpers/mirror.js';
import { tempDir } from '../helpers/temp-dir.js';

const POLICY = 'calico/v1/policy/tier/default/policy';

/** A git repository with branch `main` (tree A) and branch `next` (a few changes), on main. */
async function repository(): Promise<string> {
  const dir = await tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  writeFiles(dir, {
    ...manyFiles('apps/web', 20),
    ...manyFiles('apps/db', 10),
    [`${POLICY}/allow-web.yaml`]: "order: 10\nselector: role == 'web'\n",
    [`${POLICY}/deny-all.yaml`]: 'order: 1000\nselector: all()\n',
  });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'tree A');
  git(dir, 'checkout', '-q', '-b', 'next');
  writeFiles(dir, {
    'apps/web/00.yaml': 'n: 100\n',
    'apps/db/1.yaml': 'n: 101\n',
    'apps/web/19.yaml': undefined,
    [`${POLICY}/deny-all.yaml`]: undefined,
    'apps/cache/a.yaml': 'size: 1\n',
    [`${POLICY}/allow-db.yaml`]: "order: 20\nselector: role == 'db'\n",
  });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'tree B');
  git(dir, 'checkout', '-q', 'main');
  return dir;
}

function recording(client: Client, prefix = '/'): Recorder {
  const rec = new Recorder();
  client.syncer(rec, { prefixes: [prefix], resyncIntervalMs: 0 }).start();
  return rec;
}

/** The recorder's picture as path -> value. */
function values(rec: Recorder): Record<string, unknown> {
  return Object.fromEntries([...rec.picture].map(([path, held]) => [path, held.value]).sort());
}

describe.runIf(hasEtcd)('kvdir mirror, live, against etcd', () => {
  it('follows edits, git checkout of another branch and rm -rf; a syncer on etcd sees what one on the directory sees', async () => {
    const store = etcdStore();
    const dir = await repository();
    const source = directory(dir);
    const target = store.open();
    const { event } = startMirror(source, target);
    await event((e) => e.type === 'pass' && e.inSync);
    await converged(source, target);

    // An edit: in etcd within a second or so (generous here: the machine is shared).
    const started = performance.now();
    writeFiles(dir, { 'apps/web/05.yaml': 'n: 555\n' });
    await waitFor(async () => (await store.rawGet('/apps/web/05')) === '{"n":555}', 'the edit');
    expect(performance.now() - started).toBeLessThan(10_000);

    git(dir, 'checkout', '-q', 'next');
    const treeB = await converged(source, target);
    expect(treeB).toMatchObject({ '/apps/web/00': { n: 100 }, '/apps/cache/a': { size: 1 } });
    expect(treeB['/apps/web/19']).toBeUndefined();
    expect(treeB[`/${POLICY}/deny-all`]).toBeUndefined();

    rmSync(join(dir, 'apps/cache'), { recursive: true });
    writeFiles(dir, { 'apps/web/extra.yaml': 'n: 1\n' });
    await waitFor(async () => (await store.rawGet('/apps/web/extra')) !== undefined, 'a new file');
    expect(await store.rawPaths()).not.toContain('/apps/cache/a');
    await converged(source, target);

    // The same picture through two syncers: one on the directory, one on etcd.
    const onDir = recording(source);
    const onEtcd = recording(target);
    await onDir.waitForStatus(SyncStatus.InSync);
    await onEtcd.waitForStatus(SyncStatus.InSync);
    writeFiles(dir, { 'apps/db/2.yaml': 'n: 202\n', 'apps/db/3.yaml': undefined });
    await onDir.waitFor(() => onDir.picture.get('/apps/db/3') === undefined, 'the delete on files');
    await onEtcd.waitFor(
      () => JSON.stringify(values(onEtcd)) === JSON.stringify(values(onDir)),
      'the syncer on etcd to see the directory syncer picture',
    );
    expect(values(onEtcd)).toEqual(values(onDir));
    expect(Object.keys(values(onDir))).toHaveLength(31);
    expect([...onEtcd.violations, ...onDir.violations]).toEqual([]);
  });

  it('keeps the last good value of a file that breaks, and takes it again once fixed', async () => {
    const store = etcdStore();
    const dir = await tempDir();
    writeFiles(dir, manyFiles('k', 10));
    const source = directory(dir);
    const target = store.open();
    const { event, events } = startMirror(source, target);
    await event((e) => e.type === 'pass' && e.inSync);
    const mark = events.length;
    writeFiles(dir, { 'k/3.yaml': 'n: [\n', 'k/4.yaml': 'n: 44\n' });
    await event((e) => e.type === 'skipped' && e.path === '/k/3', mark);
    await waitFor(async () => (await store.rawGet('/k/4')) === '{"n":44}', 'the good edit');
    expect(await store.rawGet('/k/3')).toBe('{"n":3}');
    writeFiles(dir, { 'k/3.yaml': 'n: 33\n' });
    await waitFor(async () => (await store.rawGet('/k/3')) === '{"n":33}', 'the fixed file');
  });

  it('writes nothing while the directory is gone (the source not in sync), and converges once it is back', async () => {
    const store = etcdStore();
    const config = join(await tempDir(), 'config');
    writeFiles(config, manyFiles('k', 12));
    const source = directory(config);
    const target = store.open();
    const { event, events } = startMirror(source, target);
    await event((e) => e.type === 'pass' && e.inSync);
    const mark = events.length;
    rmSync(config, { recursive: true });
    await event((e) => e.type === 'paused', mark);
    expect(await store.rawPaths()).toHaveLength(12);
    // Back all at once (a clone moved into place), so that no half-written tree is read.
    const staging = `${config}.new`;
    writeFiles(staging, { ...manyFiles('k', 12), 'k/00.yaml': 'n: 100\n', 'k/05.yaml': undefined });
    renameSync(staging, config);
    await event((e) => e.type === 'updated' && e.path === '/k/00', mark);
    await converged(source, target);
    const deleted = events.slice(mark).filter((e) => e.type === 'deleted');
    expect(deleted).toEqual([expect.objectContaining({ path: '/k/05' })]);
  });

  it('sets a foreign write back and deletes a foreign key with no file; without heal it only reports them', async () => {
    for (const heal of [true, false]) {
      const store = etcdStore();
      const dir = await tempDir();
      writeFiles(dir, manyFiles('k', 12));
      const source = directory(dir);
      const target = store.open();
      const { event, events } = startMirror(source, target, { heal });
      await event((e) => e.type === 'pass' && e.inSync);
      const mark = events.length;
      await store.rawPut('/k/02', '{"n":-1}');
      await store.rawPut('/k/foreign', '{}');
      if (heal) {
        await event((e) => e.type === 'deleted' && e.healed && e.path === '/k/foreign', mark);
        await event((e) => e.type === 'updated' && e.healed && e.path === '/k/02', mark);
        expect(await store.rawGet('/k/02')).toBe('{"n":2}');
        expect(await store.rawGet('/k/foreign')).toBeUndefined();
      } else {
        await event((e) => e.type === 'drift' && e.path === '/k/foreign', mark);
        await event((e) => e.type === 'drift' && e.path === '/k/02', mark);
        expect(await store.rawGet('/k/02')).toBe('{"n":-1}');
        // A later edit of the file still wins.
        writeFiles(dir, { 'k/02.yaml': 'n: 22\n' });
        await waitFor(async () => (await store.rawGet('/k/02')) === '{"n":22}', 'the edit');
      }
    }
  });
});
