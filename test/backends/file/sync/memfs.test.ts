import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PathKey, SyncStatus, UpdateType } from '../../../../src/index.js';
import { memfs } from 'memfs';
import type { FsLike } from '../../../../src/backends/file/fs-like.js';
import { loadFixtureIntoMemfs } from '../../../../src/testing.js';
import { listed, openSyncer, pictureDiff, waitForConvergence } from './harness.js';
import { settled } from './settle.js';
import { fixturePath } from '../../../helpers/paths.js';

const FIXTURE = fixturePath('calico');

async function memfsSyncer() {
  const { fs, vol, root } = await loadFixtureIntoMemfs(FIXTURE, { root: '/data/calico' });
  const opened = openSyncer(root, {}, { fs });
  await opened.rec.waitForStatus(SyncStatus.InSync);
  return { ...opened, vol, root };
}

describe('syncer: on memfs', () => {
  it('syncs the fixture tree and sees writes made through the client', async () => {
    const { client, rec } = await memfsSyncer();
    expect(pictureDiff(rec, await listed(client), false)).toEqual([]);
    expect(rec.picture.size).toBe(51);
    const key = new PathKey('/apps/one');
    const mark = rec.mark();
    const created = await client.create({ key, value: { a: 1 } });
    await rec.waitForUpdate('/apps/one', (u) => u.revision === created.revision, mark);
    const updated = await client.update({ key, value: { a: 2 } });
    await rec.waitForUpdate(
      '/apps/one',
      (u) => u.revision === updated.revision && u.updateType === UpdateType.KVUpdated,
      mark,
    );
    await client.delete({ key: new PathKey('/calico/v1/host/node-1') });
    await waitForConvergence(rec, client, { compareValues: false });
    expect(rec.violations).toEqual([]);
  });

  it('sees changes made directly to the volume: writes, deletes, rm -rf, directories moved out and in', async () => {
    const { client, rec, vol, root } = await memfsSyncer();
    const v1 = `${root}/calico/v1`;
    let mark = rec.mark();
    vol.writeFileSync(`${v1}/config/LogSeverityScreen.yaml`, '"Debug"\n');
    vol.mkdirSync(`${root}/extra/deep`, { recursive: true });
    vol.writeFileSync(`${root}/extra/deep/new.yaml`, 'x: 1\n');
    vol.unlinkSync(`${v1}/ipam/v4/pool/10.66.0.0-16.yaml`);
    await waitForConvergence(rec, client, { compareValues: false });
    const kinds = new Map(rec.updatesSince(mark).map((u) => [u.key.defaultPath(), u.updateType]));
    expect(kinds).toEqual(
      new Map([
        ['/calico/v1/config/LogSeverityScreen', UpdateType.KVUpdated],
        ['/extra/deep/new', UpdateType.KVNew],
        ['/calico/v1/ipam/v4/pool/10.66.0.0-16', UpdateType.KVDeleted],
      ]),
    );

    mark = rec.mark();
    const node2 = [...rec.picture.keys()].filter((path) =>
      path.startsWith('/calico/v1/host/node-2/'),
    );
    vol.rmSync(`${v1}/host/node-2`, { recursive: true });
    await rec.waitFor(() => node2.every((path) => !rec.picture.has(path)), 'node-2 deleted');
    const deletions = rec
      .batchesSince(mark)
      .filter((batch) => batch.some((u) => u.updateType === UpdateType.KVDeleted));
    expect(deletions).toHaveLength(1);
    expect(deletions[0]!.length).toBe(node2.length);

    vol.mkdirSync('/parked');
    vol.renameSync(`${v1}/host/node-3`, '/parked/node-3');
    await waitForConvergence(rec, client, { compareValues: false });
    vol.renameSync('/parked/node-3', `${v1}/host/node-3`);
    await waitForConvergence(rec, client, { compareValues: false });
    await settled(rec, client);
    expect(rec.violations).toEqual([]);
  });

  it('sees the root removed and re-created', async () => {
    const { client, rec, vol, root } = await memfsSyncer();
    const statusMark = rec.statuses.length;
    vol.rmSync(root, { recursive: true });
    await rec.waitFor(() => rec.picture.size === 0, 'every key deleted');
    await rec.waitForStatus(SyncStatus.WaitForDatastore, statusMark);
    vol.mkdirSync(`${root}/cfg`, { recursive: true });
    vol.writeFileSync(`${root}/cfg/a.yaml`, 'a: 1\n');
    await rec.waitForStatus(SyncStatus.InSync, statusMark);
    await waitForConvergence(rec, client, { compareValues: false });
    expect([...rec.picture.keys()]).toEqual(['/cfg/a']);
    expect(rec.violations).toEqual([]);
  });

  it('names the files it skips by their path below the root, also when the root is the volume root', async () => {
    const { fs, vol } = memfs({
      '/a/real.yaml': 'x: 1\n',
      '/a/big.yaml': `x: ${'y'.repeat(200)}\n`,
    });
    vol.symlinkSync('/a/real.yaml', '/a/l.yaml');
    const told: string[] = [];
    const { rec } = openSyncer(
      '/',
      { onWarning: (warning) => told.push(warning.message) },
      { fs: fs as unknown as FsLike, maxValueBytes: 100 },
    );
    await rec.waitForStatus(SyncStatus.InSync);
    expect(told.sort()).toEqual([
      'skipping /a/big.yaml: /a/big.yaml is 204 bytes, over the limit of 100 bytes (maxValueBytes)',
      'skipping /a/l.yaml: refusing to follow a symbolic link',
    ]);
    expect([...rec.picture.keys()]).toEqual(['/a/real']);
  });
});
