import { mkdir, rename, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PathKey, SyncStatus, UpdateType, keyFromDefaultPath } from '../../../../src/index.js';
import type { FileBackend } from '../../../../src/index.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { WATCHERS, listed, openSyncer, pathKeys, waitForConvergence } from './harness.js';
import type { Watcher } from './harness.js';
import type { Recorder } from '../../../../src/contract/recorder.js';
import { calicoSentinel, nonSentinel, settled } from './settle.js';

const kinds = (rec: Recorder, mark: number) =>
  nonSentinel(rec.updatesSince(mark)).map((u) => [u.updateType, u.key.defaultPath()]);

async function started(
  watcher: Watcher,
  options = pathKeys,
): Promise<{ root: string; client: FileBackend; rec: Recorder }> {
  const root = join(await tempDir(), 'store');
  await mkdir(root);
  const { client, rec } = openSyncer(root, { ...options, watcher });
  await rec.waitForStatus(SyncStatus.InSync);
  return { root, client, rec };
}

describe.each(WATCHERS)('syncer: live changes on disk (watcher: %s)', (watcher) => {
  it('reports creates, updates and deletes made through the client, with the revisions it returned', async () => {
    const { client, rec } = await started(watcher);
    const key = new PathKey('/apps/web/config');
    let mark = rec.mark();
    const created = await client.create({ key, value: { replicas: 1 } });
    const onNew = await rec.waitForUpdate(
      key.defaultPath(),
      (u) => u.revision === created.revision,
      mark,
    );
    expect(onNew).toMatchObject({ updateType: UpdateType.KVNew, value: { replicas: 1 } });

    mark = rec.mark();
    const updated = await client.update({ key, value: { replicas: 2 } });
    const onUpdate = await rec.waitForUpdate(
      key.defaultPath(),
      (u) => u.revision === updated.revision,
      mark,
    );
    expect(onUpdate).toMatchObject({ updateType: UpdateType.KVUpdated, value: { replicas: 2 } });

    mark = rec.mark();
    await client.delete({ key });
    const onDelete = await rec.waitForUpdate(
      key.defaultPath(),
      (u) => u.updateType === UpdateType.KVDeleted,
      mark,
    );
    expect(onDelete.value).toBeUndefined();
    await settled(rec, client, mark);
    expect(rec.picture.has(key.defaultPath())).toBe(false);
    expect(rec.violations).toEqual([]);
  });

  it('reports a recursive Client.delete as one batch with a KVDeleted for every leaf', async () => {
    const { client, rec } = await started(watcher);
    const leaves = ['/tree', '/tree/a/1', '/tree/a/2', '/tree/b/c/3', '/tree/b/4'];
    for (const path of leaves) await client.create({ key: new PathKey(path), value: { path } });
    await waitForConvergence(rec, client);
    const mark = rec.mark();
    await client.delete({ key: new PathKey('/tree') });
    await rec.waitFor(() => !leaves.some((path) => rec.picture.has(path)), 'every leaf deleted');
    const batches = rec
      .batchesSince(mark)
      .filter((batch) => batch.some((u) => u.updateType === UpdateType.KVDeleted));
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((u) => u.key.defaultPath()).sort()).toEqual([...leaves].sort());
    expect(batches[0]!.every((u) => u.updateType === UpdateType.KVDeleted)).toBe(true);
    expect(rec.violations).toEqual([]);
  });

  it('reports an editor-style save (temp file renamed over, swap file and 4913 around) as exactly one KVUpdated', async () => {
    const { root, client, rec } = await started(watcher);
    const key = new PathKey('/cfg/app');
    await client.create({ key, value: { level: 'info' } });
    await waitForConvergence(rec, client);
    const dir = join(root, 'cfg');
    const mark = rec.mark();
    // What vim does around a save: a swap file, a 4913 probe, a backup, then the new file.
    await writeFile(join(dir, '.app.yaml.swp'), 'swap');
    await writeFile(join(dir, '4913'), '');
    await unlink(join(dir, '4913'));
    await writeFile(join(dir, 'app.yaml~'), 'level: info\n');
    await writeFile(join(dir, 'app.yaml.tmp'), 'level: debug\n');
    await rename(join(dir, 'app.yaml.tmp'), join(dir, 'app.yaml'));
    await unlink(join(dir, 'app.yaml~'));
    await writeFile(join(dir, '.app.yaml.swp'), 'swap 2');
    await settled(rec, client, mark);
    const expected = (await listed(client)).get('/cfg/app')!;
    expect(kinds(rec, mark)).toEqual([[UpdateType.KVUpdated, '/cfg/app']]);
    expect(rec.picture.get('/cfg/app')).toMatchObject({
      revision: expected.revision,
      value: { level: 'debug' },
    });
    expect(rec.failures).toEqual([]);
    expect(rec.violations).toEqual([]);
  });

  it('sends nothing for a touch without a change of content', async () => {
    const { root, client, rec } = await started(watcher);
    await client.create({ key: new PathKey('/t/x'), value: { a: 1 } });
    await waitForConvergence(rec, client);
    const mark = rec.mark();
    const later = new Date(Date.now() + 5000);
    await utimes(join(root, 't', 'x.yaml'), later, later);
    await settled(rec, client, mark);
    expect(kinds(rec, mark)).toEqual([]);
  });

  it('sends nothing for a file created and deleted within one quiet window', async () => {
    const { root, client, rec } = await started(watcher);
    const mark = rec.mark();
    await writeFile(join(root, 'brief.yaml'), 'a: 1\n');
    await unlink(join(root, 'brief.yaml'));
    await settled(rec, client, mark);
    expect(kinds(rec, mark)).toEqual([]);
    expect(rec.failures).toEqual([]);
  });

  it('ignores kvdir files, dotfiles, editor droppings and non-YAML files', async () => {
    const { root, client, rec } = await started(watcher);
    const mark = rec.mark();
    await mkdir(join(root, '.git', 'objects'), { recursive: true });
    await writeFile(join(root, '.git', 'objects', 'x.yaml'), 'a: 1\n');
    await writeFile(join(root, '.hidden.yaml'), 'a: 1\n');
    await writeFile(join(root, 'notes.txt'), 'hello');
    await writeFile(join(root, 'x.yaml~'), 'a: 1\n');
    await writeFile(join(root, '.x.yaml.swp'), 'swap');
    await writeFile(join(root, '4913'), '');
    await writeFile(join(root, '.kvdir-x.yaml.tmp-123'), 'a: 1\n');
    await settled(rec, client, mark);
    expect(kinds(rec, mark)).toEqual([]);
    expect(rec.failures).toEqual([]);
  });

  it('sends a value that does not parse as undefined with parseFailed, then a normal update once fixed', async () => {
    const { root, client, rec } = await started(watcher);
    const key = new PathKey('/cfg/broken');
    await client.create({ key, value: { ok: true } });
    await waitForConvergence(rec, client);
    let mark = rec.mark();
    const broken = 'ok: [true\n';
    await writeFile(join(root, 'cfg', 'broken.yaml'), broken);
    // writeFile truncates first: a look in between may see the empty file (a valid null value),
    // an intermediate state the syncer does not promise to skip. Wait for the broken one.
    const onBroken = await rec.waitForUpdate(
      '/cfg/broken',
      (u) => u.updateType === UpdateType.KVUpdated && u.value === undefined,
      mark,
    );
    expect(onBroken.value).toBeUndefined();
    expect(onBroken.revision).toBeDefined();
    expect(rec.failures).toEqual([{ rawKey: '/cfg/broken', rawValue: broken }]);

    mark = rec.mark();
    await writeFile(join(root, 'cfg', 'broken.yaml'), 'ok: false\n');
    const onFixed = await rec.waitForUpdate(
      '/cfg/broken',
      (u) => isDeepStrictEqual(u.value, { ok: false }),
      mark,
    );
    expect(onFixed).toMatchObject({ updateType: UpdateType.KVUpdated, value: { ok: false } });
    await waitForConvergence(rec, client);
    expect(rec.failures).toHaveLength(1);
    expect(rec.violations).toEqual([]);
  });

  it('reports a file whose path is not a key to parseFailed only, and again with "" once it is gone', async () => {
    const { root, client, rec } = await started(watcher);
    const mark = rec.mark();
    await writeFile(join(root, '%zz.yaml'), 'a: 1\n');
    await rec.waitFor(() => rec.failures.length === 1, 'a parse failure');
    expect(rec.failures).toEqual([{ rawKey: '/%zz.yaml', rawValue: 'a: 1\n' }]);
    await unlink(join(root, '%zz.yaml'));
    await rec.waitFor(() => rec.failures.length === 2, 'a second parse failure');
    expect(rec.failures[1]).toEqual({ rawKey: '/%zz.yaml', rawValue: '' });
    await settled(rec, client, mark);
    expect(kinds(rec, mark)).toEqual([]);
  });

  it('reports a path that keyFromPath refuses to parseFailed only', async () => {
    const { root, client, rec } = await started(watcher, { keyFromPath: keyFromDefaultPath });
    const mark = rec.mark();
    await mkdir(join(root, 'calico', 'v1', 'unknown'), { recursive: true });
    await writeFile(join(root, 'calico', 'v1', 'unknown', 'thing.yaml'), 'x: 1\n');
    await rec.waitFor(() => rec.failures.length === 1, 'a parse failure');
    expect(rec.failures).toEqual([{ rawKey: '/calico/v1/unknown/thing', rawValue: 'x: 1\n' }]);
    await settled(rec, client, mark, calicoSentinel);
    expect(kinds(rec, mark)).toEqual([]);
    expect(rec.violations).toEqual([]);
  });

  it('never reports a revision no client call returned, even under continuous writes', async () => {
    // A look between a write's value file and its sidecar would see `<old revision>~<new content>`.
    const { client, rec } = await started(watcher, { ...pathKeys, maxDelayMs: 2000 });
    const mark = rec.mark();
    const returned = new Set<string>();
    for (let i = 0; i < 200; i++)
      returned.add(
        (await client.apply({ key: new PathKey(`/busy/${i % 4}`), value: { i } })).revision!,
      );
    await waitForConvergence(rec, client);
    const foreign = rec
      .updatesSince(mark)
      .filter((u) => u.revision !== undefined && !returned.has(u.revision));
    expect(foreign.map((u) => `${u.key.defaultPath()} ${u.revision}`)).toEqual([]);
    expect(rec.violations).toEqual([]);
  });

  it('tells of a link made while it watches at once, with no walk, and never reads through it', async () => {
    // Made before the start, so that no second look at a new directory walks it.
    const root = join(await tempDir(), 'store');
    await mkdir(join(root, 'cfg'), { recursive: true });
    await writeFile(join(root, 'cfg', 'a.yaml'), 'a: 1\n');
    const told: string[] = [];
    const { client, rec } = openSyncer(root, {
      ...pathKeys,
      watcher,
      resyncIntervalMs: 0,
      onWarning: (warning) => told.push(warning.message),
    });
    await rec.waitForStatus(SyncStatus.InSync);
    const outside = await tempDir();
    await writeFile(join(outside, 'secret.yaml'), 's: 1\n');
    await symlink(outside, join(root, 'cfg', 'sub'), 'dir');
    await rec.waitFor(() => told.length > 0, 'a warning about the link');
    expect(told).toEqual(['skipping /cfg/sub: refusing to follow a symbolic link']);
    const written = await client.create({ key: new PathKey('/cfg/b'), value: { b: 2 } });
    await rec.waitForUpdate('/cfg/b', (u) => u.revision === written.revision);
    expect(told).toHaveLength(1);
    expect([...rec.picture.keys()].sort()).toEqual(['/cfg/a', '/cfg/b']);
  });

  it('watches a root reached through a symbolic link', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'real'));
    await symlink('real', join(dir, 'store'));
    const { client, rec } = openSyncer(join(dir, 'store'), { ...pathKeys, watcher });
    await rec.waitForStatus(SyncStatus.InSync);
    await mkdir(join(dir, 'real', 'cfg'));
    await writeFile(join(dir, 'real', 'cfg', 'a.yaml'), 'a: 1\n');
    await rec.waitForUpdate('/cfg/a', (u) => u.updateType === UpdateType.KVNew);
    const written = await client.create({ key: new PathKey('/cfg/b'), value: { b: 2 } });
    await rec.waitForUpdate('/cfg/b', (u) => u.revision === written.revision);
    expect(rec.violations).toEqual([]);
  });

  it('sends KVDeleted when a key with a TTL expires', async () => {
    const { client, rec } = await started(watcher);
    const key = new PathKey('/lease/holder');
    const mark = rec.mark();
    const written = await client.create({ key, value: { who: 'me' }, ttl: 400 });
    const expiresAt = Date.now() + 400;
    const onNew = await rec.waitForUpdate(
      key.defaultPath(),
      (u) => u.revision === written.revision,
      mark,
    );
    expect(onNew.ttl).toBeGreaterThan(0);
    expect(onNew.ttl).toBeLessThanOrEqual(400);
    await rec.waitForUpdate(key.defaultPath(), (u) => u.updateType === UpdateType.KVDeleted, mark);
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt - 5);
    await waitForConvergence(rec, client);
    expect(rec.violations).toEqual([]);
  });
});
