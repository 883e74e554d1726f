/**
 * Convergence: whatever mix of client writes, outside writes, deletes and directory moves
 * happens, once things settle the picture built by applying every update in order equals
 * list(), revisions included, and the syncer never sent a duplicate or an impossible update.
 */
import { mkdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PathKey, SyncStatus } from '../../../../src/index.js';
import type { FileBackend } from '../../../../src/index.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { listed, openSyncer, pathKeys, pictureDiff, waitForConvergence } from './harness.js';
import { settled } from './settle.js';

const KEYS = ['/a', '/a/b', '/a/c', '/a/b/d', '/b/x', '/b/y/z', '/c'];
const DIRS = ['/a', '/a/b', '/b', '/b/y', '/c', '/d', '/d/e'];

type Op =
  | { op: 'clientWrite'; path: string; n: number }
  | { op: 'outsideWrite'; path: string; n: number; viaRename: boolean }
  | { op: 'clientDelete'; path: string }
  | { op: 'outsideDelete'; path: string }
  | { op: 'removeDir'; dir: string }
  | { op: 'moveDir'; from: string; to: string }
  | { op: 'moveOutAndBack'; dir: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('clientWrite' as const),
      path: fc.constantFrom(...KEYS),
      n: fc.nat(5),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('outsideWrite' as const),
      path: fc.constantFrom(...KEYS),
      n: fc.nat(5),
      viaRename: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('clientDelete' as const),
      path: fc.constantFrom(...KEYS),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('outsideDelete' as const),
      path: fc.constantFrom(...KEYS),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('removeDir' as const), dir: fc.constantFrom(...DIRS) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('moveDir' as const),
      from: fc.constantFrom(...DIRS),
      to: fc.constantFrom(...DIRS),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('moveOutAndBack' as const),
      dir: fc.constantFrom(...DIRS),
    }),
  },
);

const ignoreMissing = (err: unknown) => {
  const code = (err as { code?: string }).code;
  // Expected outcomes of random operations: nothing there, a target in the way, a move into itself.
  if (
    code === 'ENOENT' ||
    code === 'ENOTEMPTY' ||
    code === 'EEXIST' ||
    code === 'EINVAL' ||
    code === 'ENOTDIR'
  )
    return;
  if ((err as { code?: string }).code === 'ERR_RESOURCE_DOES_NOT_EXIST') return;
  throw err;
};

async function run(op: Op, root: string, client: FileBackend, parking: string): Promise<void> {
  const fileOf = (path: string) => join(root, `${path.slice(1)}.yaml`);
  const dirOf = (path: string) => join(root, path.slice(1));
  switch (op.op) {
    case 'clientWrite':
      await client.apply({ key: new PathKey(op.path), value: { n: op.n, by: 'client' } });
      return;
    case 'outsideWrite': {
      const file = fileOf(op.path);
      await mkdir(dirname(file), { recursive: true });
      const text = `n: ${op.n}\nby: outside\n`;
      if (!op.viaRename) return writeFile(file, text);
      await writeFile(`${file}.tmp`, text);
      return rename(`${file}.tmp`, file);
    }
    case 'clientDelete':
      return client.delete({ key: new PathKey(op.path) }).catch(ignoreMissing);
    case 'outsideDelete':
      return unlink(fileOf(op.path)).catch(ignoreMissing);
    case 'removeDir':
      return rm(dirOf(op.dir), { recursive: true, force: true });
    case 'moveDir':
      if (op.from === op.to) return;
      await mkdir(dirname(dirOf(op.to)), { recursive: true });
      return rename(dirOf(op.from), dirOf(op.to)).catch(ignoreMissing);
    case 'moveOutAndBack': {
      const parked = join(parking, 'dir');
      await rename(dirOf(op.dir), parked).catch(ignoreMissing);
      await rename(parked, dirOf(op.dir)).catch(ignoreMissing);
      return;
    }
  }
}

describe('syncer: convergence', () => {
  it('the picture always converges to list(), revisions included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 25 }),
        fc.boolean(),
        async (ops, concurrent) => {
          const root = join(await tempDir(), 'store');
          const parking = await tempDir();
          // Some keys exist before the syncer starts.
          const seeder = await import('../../../../src/index.js').then(
            ({ FileBackend }) => new FileBackend({ root, fsync: false }),
          );
          await seeder.apply({ key: new PathKey('/a/b'), value: { n: 0, by: 'seed' } });
          await seeder.apply({ key: new PathKey('/b/x'), value: { n: 0, by: 'seed' } });
          await seeder.close();
          const { client, syncer, rec } = openSyncer(root, pathKeys);
          await rec.waitForStatus(SyncStatus.InSync);
          if (concurrent) {
            // Operations race with each other (and with the syncer's reads). Racing client calls on
            // overlapping paths may fail (a write under a directory being deleted): only what the
            // tree ends up holding matters here.
            await Promise.all(
              ops.map((op) => run(op, root, client, parking).catch(() => undefined)),
            );
          } else {
            for (const op of ops) await run(op, root, client, parking);
          }
          await waitForConvergence(rec, client, { timeoutMs: 10_000 });
          // Nothing late undoes it: after a sentinel went through, the picture still equals list().
          await settled(rec, client);
          expect(pictureDiff(rec, await listed(client))).toEqual([]);
          expect(rec.violations).toEqual([]);
          // A watcher error (the machine's inotify watches used up) adds a resync: allowed here.
          expect(rec.statuses.slice(0, 3)).toEqual([
            SyncStatus.WaitForDatastore,
            SyncStatus.ResyncInProgress,
            SyncStatus.InSync,
          ]);
          expect(rec.status).toBe(SyncStatus.InSync);
          await syncer.stop();
          await client.close();
        },
      ),
      // No shrinking: every attempt at a smaller case would wait for convergence again; the
      // report shows the operations as generated.
      { numRuns: 25, endOnFailure: true },
    );
  }, 120_000);
});
