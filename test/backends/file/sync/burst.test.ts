import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SyncStatus } from '../../../../src/index.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { fingerprint, revisionOf } from '../../../../src/backends/file/revision.js';
import { listed, openSyncer, pathKeys, pictureDiff } from './harness.js';
import type { Expected } from './harness.js';

const DIRS = 100;
const PER_DIR = 200;
const FILES = DIRS * PER_DIR;
const round2 = (index: number) => `n: ${index}\nround: 2\n`;

function eachFile(root: string, fn: (file: string, dir: string, index: number) => void): void {
  for (let d = 0; d < DIRS; d++) {
    const dir = join(root, `d${String(d).padStart(3, '0')}`);
    for (let f = 0; f < PER_DIR; f++)
      fn(join(dir, `f${String(f).padStart(3, '0')}.yaml`), dir, d * PER_DIR + f);
  }
}

describe('syncer: bursts the kernel cannot queue', () => {
  it('converges after 20,000 files are rewritten by rename while the event loop is blocked', async () => {
    const root = join(await tempDir(), 'store');
    const creating = performance.now();
    eachFile(root, (file, dir, index) => {
      if (index % PER_DIR === 0) mkdirSync(dir, { recursive: true });
      writeFileSync(file, `n: ${index}\nround: 1\n`);
    });
    const started = performance.now();
    console.log(`created ${FILES} files in ${(started - creating).toFixed(0)} ms`);
    const { client, rec } = openSyncer(root, pathKeys);
    await rec.waitForStatus(SyncStatus.InSync, 0, 60_000);
    console.log(
      `${FILES} files: InSync after ${(rec.statusTimes.at(-1)! - started).toFixed(0)} ms`,
    );
    expect(rec.picture.size).toBe(FILES);

    // Synchronous: the event loop is blocked for the whole rewrite, so inotify's queue overflows.
    const rewriteStart = performance.now();
    eachFile(root, (file, _dir, index) => {
      writeFileSync(`${file}.tmp`, round2(index));
      renameSync(`${file}.tmp`, file);
    });
    const rewritten = performance.now();
    const isRound2 = (value: unknown) => (value as { round?: number } | undefined)?.round === 2;
    await rec.waitFor(
      () =>
        rec.picture.size === FILES &&
        [...rec.picture.values()].every((held) => isRound2(held.value)),
      'every file at round 2',
      60_000,
    );
    console.log(
      `rewrite of ${FILES} files by rename: ${(rewritten - rewriteStart).toFixed(0)} ms blocked; picture complete ${(performance.now() - rewritten).toFixed(0)} ms later, ${rec.batches.length} batches`,
    );
    // The tree is exactly what was written (no sidecars: revisions are content fingerprints);
    // list() of all 20,000 files takes ~10 s here, so it checks one directory of them.
    const tree = new Map<string, Expected>();
    eachFile(root, (_file, _dir, index) => {
      const path = `/d${String(Math.floor(index / PER_DIR)).padStart(3, '0')}/f${String(index % PER_DIR).padStart(3, '0')}`;
      tree.set(path, {
        revision: revisionOf(undefined, fingerprint(Buffer.from(round2(index)))),
        value: { n: index, round: 2 },
      });
    });
    expect(pictureDiff(rec, tree)).toEqual([]);
    const sample = await listed(client, '/d042');
    expect(sample.size).toBe(PER_DIR);
    for (const [path, want] of sample) expect(tree.get(path)).toEqual(want);
    expect(rec.violations).toEqual([]);
  }, 120_000);
});
