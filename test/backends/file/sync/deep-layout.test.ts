/**
 * The syncer on Calico's deep layout when it cannot watch every directory (issue 19): an
 * injected `fs.watch` fails with ENOSPC after a few watches. The syncer polls only what it could
 * not watch (no watcher error, no polling rescans of the whole tree), says so in one
 * ERR_WATCH_LIMIT warning, and still reports every change: edits, in-place rewrites, new and
 * removed workloads, and an entry beside a workload's only subdirectory.
 */
import { watch as fsWatch } from 'node:fs';
import { mkdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KvdirError } from '../../../../src/index.js';
import { SyncStatus } from '../../../../src/index.js';
import { directoryWatchSource } from '../../../../src/backends/file/sync/watch/directories.js';
import type { WatchOne } from '../../../../src/backends/file/sync/watch/directories.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { openSyncer, pathKeys, waitForConvergence } from './harness.js';

const endpointDir = (root: string, h: number, w: number): string =>
  join(root, 'calico/v1/host', `h${h}`, 'workload/k8s', `w${h}-${w}`, 'endpoint');

async function deepTree(root: string, hosts: number, per: number): Promise<void> {
  for (let h = 0; h < hosts; h++) {
    for (let w = 0; w < per; w++) {
      await mkdir(endpointDir(root, h, w), { recursive: true });
      await writeFile(join(endpointDir(root, h, w), 'eth0.yaml'), `name: cali${h}${w}\n`);
    }
  }
}

describe('syncer on the deep layout with watches running out', () => {
  it('polls only the directories it could not watch, warns once, and reports every change', async () => {
    const root = join(await tempDir(), 'store');
    await deepTree(root, 3, 4);
    let watches = 0;
    const limited: WatchOne = (dir, options, listener) => {
      if (++watches > 10)
        throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
          code: 'ENOSPC',
        });
      return fsWatch(dir, options, listener);
    };
    const warnings: KvdirError[] = [];
    const { client, rec } = openSyncer(root, {
      ...pathKeys,
      watchSource: directoryWatchSource(limited),
      pollMs: 50,
      onWarning: (warning) => void warnings.push(warning),
    });
    await rec.waitForStatus(SyncStatus.InSync);
    await waitForConvergence(rec, client);
    expect(warnings.map((w) => w.code)).toEqual(['ERR_WATCH_LIMIT']);
    expect(warnings[0]?.message).toMatch(
      /^watching 10 directories, at most \d+.*; polling \d+ directories that have no watch/,
    );

    // Edits everywhere: in watched and in polled directories.
    for (let h = 0; h < 3; h++) {
      for (let w = 0; w < 4; w++)
        await writeFile(join(endpointDir(root, h, w), 'eth0.yaml'), `name: edited${h}${w}\n`);
    }
    await waitForConvergence(rec, client);
    // A same-size rewrite in place, its mtime put back: only the ctime tells.
    const file = join(endpointDir(root, 2, 3), 'eth0.yaml');
    const before = await stat(file);
    await writeFile(file, 'name: EDITED23\n');
    await utimes(file, before.atime, before.mtime);
    await waitForConvergence(rec, client);
    // A new workload, a removed one, and a key beside a workload's only subdirectory.
    await mkdir(endpointDir(root, 2, 9), { recursive: true });
    await writeFile(join(endpointDir(root, 2, 9), 'eth0.yaml'), 'name: new\n');
    await rm(join(endpointDir(root, 1, 1), '..'), { recursive: true });
    await writeFile(join(endpointDir(root, 0, 2), '..', 'extra.yaml'), 'x: 1\n');
    await waitForConvergence(rec, client);
    expect(rec.picture.has('/calico/v1/host/h0/workload/k8s/w0-2/extra')).toBe(true);
    expect(warnings.every((w) => w.code === 'ERR_WATCH_LIMIT')).toBe(true);
    expect(rec.statuses.filter((s) => s === SyncStatus.ResyncInProgress)).toHaveLength(1);
  });
});
