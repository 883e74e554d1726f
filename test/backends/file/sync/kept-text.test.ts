/**
 * The syncer and issue 16's writes: an edit of a hand-commented file, and a write of the value
 * a file holds (its bytes left as they are, only the sidecar replaced), are reported with the
 * revision the call returned, and nothing else is reported for them.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { memfs } from 'memfs';
import { describe, expect, it } from 'vitest';
import { PathKey, SyncStatus, UpdateType } from '../../../../src/index.js';
import type { FsLike } from '../../../../src/index.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { WATCHERS, openSyncer, pathKeys, waitForConvergence } from './harness.js';
import type { Opened, TestSyncerOptions } from './harness.js';
import { nonSentinel, settled } from './settle.js';

const COMMENTED = '# scaled by hand: see the runbook\nreplicas: 3 # peak\nimage: nginx\n';
const key = new PathKey('/apps/web');

interface Tree {
  root: string;
  fs?: FsLike;
  readFile(path: string): Promise<string>;
}

async function diskTree(): Promise<Tree> {
  const root = join(await tempDir(), 'store');
  await mkdir(join(root, 'apps'), { recursive: true });
  await writeFile(join(root, 'apps', 'web.yaml'), COMMENTED);
  return { root, readFile: (path) => readFile(path, 'utf8') };
}

function memfsTree(): Tree {
  const root = '/store';
  const { fs } = memfs({ [`${root}/apps/web.yaml`]: COMMENTED });
  const memory = fs as unknown as FsLike;
  return { root, fs: memory, readFile: async (path) => String(fs.readFileSync(path, 'utf8')) };
}

async function expectReportedAlone(
  { client, rec }: Opened,
  mark: number,
  revision: string | undefined,
): Promise<void> {
  const update = await rec.waitForUpdate(key.defaultPath(), (u) => u.revision === revision, mark);
  expect(update).toMatchObject({
    updateType: UpdateType.KVUpdated,
    value: { replicas: 4, image: 'nginx' },
  });
  await settled(rec, client, mark);
  expect(nonSentinel(rec.updatesSince(mark)).map((u) => u.revision)).toEqual([revision]);
}

const environments: Array<[string, () => Promise<Tree>, TestSyncerOptions]> = [
  ...WATCHERS.map((watcher): [string, () => Promise<Tree>, TestSyncerOptions] => [
    `disk, watcher ${watcher}`,
    diskTree,
    { watcher },
  ]),
  ['memfs', async () => memfsTree(), {}],
];

describe.each(environments)('syncer: writes that keep the text (%s)', (_name, tree, options) => {
  it('reports an edit of a commented file and a same-value write with the revisions returned', async () => {
    const { root, fs, readFile: read } = await tree();
    const opened = openSyncer(root, { ...pathKeys, ...options }, fs === undefined ? {} : { fs });
    const { client, rec } = opened;
    await rec.waitForStatus(SyncStatus.InSync);
    const file = join(root, 'apps', 'web.yaml');

    let mark = rec.mark();
    const edited = await client.update({ key, value: { replicas: 4, image: 'nginx' } });
    expect(await read(file)).toBe(COMMENTED.replace('replicas: 3', 'replicas: 4'));
    await expectReportedAlone(opened, mark, edited.revision);

    mark = rec.mark();
    const same = await client.apply({ key, value: { replicas: 4, image: 'nginx' } });
    expect(same.revision).not.toBe(edited.revision);
    await expectReportedAlone(opened, mark, same.revision);
    await waitForConvergence(rec, client);
    expect(rec.violations).toEqual([]);
  });
});
