import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileBackend, PathKey, PathListOptions } from '../../src/index.js';
import { Child, childScript } from '../helpers/child.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * A revision of content changed outside kvdir since its last write, or never written by it
 * (revision.ts: `0.<fingerprint>`, or `<incarnation>.<generation>.<fingerprint>`).
 */
function isOutsideRevision(revision: string): boolean {
  return revision.startsWith('0.') || revision.split('.').length === 3;
}

const TRIALS = 30;
const AT_ONCE = 3;

interface Trial {
  keys: number;
  tornSidecars: number;
  tempFilesLeft: number;
  lockWaitMs: number;
}

async function hiddenTempFiles(dir: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) count += await hiddenTempFiles(join(dir, entry.name));
    else if (entry.name.startsWith('.kvdir-') && entry.name.includes('.tmp-')) count++;
  }
  return count;
}

/** One writer killed with SIGKILL at a random moment, then the tree checked and written again. */
async function trial(seed: number): Promise<Trial> {
  const root = await tempDir();
  const writer = new Child(childScript('crash-writer.mjs'), [root, String(seed)]);
  await writer.line((l) => l === 'ready');
  await new Promise((resolve) => setTimeout(resolve, (seed * 37) % 150));
  writer.process.kill('SIGKILL');
  await writer.exited;

  const client = new FileBackend({ root, lock: { stale: 2000 } });
  expect(await client.check('/')).toEqual([]);
  const listed = await client.list(new PathListOptions({ prefix: '/' }));
  for (const kv of listed) {
    expect(kv.key.defaultPath()).toMatch(/^\/crash\/(a|b|c|dir\/d|dir\/e|dir\/deep\/f)$/);
    const value = kv.value as { n: number; len: number; pad: string };
    expect(value.pad).toHaveLength(value.len);
  }
  const tornSidecars = listed.filter((kv) => isOutsideRevision(kv.revision!)).length;
  const started = Date.now();
  for (const kv of listed) {
    const written = await client.update({
      key: kv.key,
      value: { repaired: true },
      revision: kv.revision!,
    });
    expect(isOutsideRevision(written.revision!)).toBe(false);
    expect((await client.get(kv.key)).revision).toBe(written.revision);
  }
  await client.create({ key: new PathKey('/crash/after'), value: { ok: true } });
  const lockWaitMs = Date.now() - started;
  // Counted once the client is closed: until then its lock leases come and go under the walk.
  await client.close();
  const tempFilesLeft = await hiddenTempFiles(root);
  return { keys: listed.length, tornSidecars, tempFilesLeft, lockWaitMs };
}

describe('a writer killed with SIGKILL', () => {
  it(`survives ${TRIALS} crash trials: every file parses, every value whole, sidecars agree or are repaired by the next write, stale locks taken over`, async () => {
    const results: Trial[] = [];
    for (let start = 0; start < TRIALS; start += AT_ONCE) {
      const seeds = Array.from(
        { length: Math.min(AT_ONCE, TRIALS - start) },
        (_, i) => 1000 + start + i,
      );
      results.push(...(await Promise.all(seeds.map(trial))));
    }
    const sum = (f: (t: Trial) => number) => results.reduce((s, t) => s + f(t), 0);
    console.log(
      `crash trials survived: ${results.length}/${TRIALS}; keys checked: ${sum((t) => t.keys)}; ` +
        `sidecars behind their file (repaired by the next write): ${sum((t) => t.tornSidecars)}; ` +
        `trials that waited for a dead writer's lock (>1 s): ${results.filter((t) => t.lockWaitMs > 1000).length}; ` +
        `hidden temp files left by the killed writer (never keys): ${sum((t) => t.tempFilesLeft)}`,
    );
    expect(results).toHaveLength(TRIALS);
  }, 300_000);
});
