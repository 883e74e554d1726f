/**
 * Hostile YAML in value files: nesting deep enough to crash `yaml` (P08c) and maps with so many
 * keys that `yaml`'s duplicate-key check takes minutes (P27). Reads that may crash or run for
 * minutes run in a child process or a worker with a deadline. Needs the build.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { childScript, runNode } from '../helpers/child.js';
import { tempDir } from '../helpers/temp-dir.js';
import { REPO } from '../helpers/paths.js';

const BIN = join(REPO, 'bin', 'kvdir.js');

describe('deep nesting (P08c)', () => {
  it.each([
    ['flow sequences', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['compact block sequences', `${'- '.repeat(10_000)}x\n`],
    ['flow maps', `${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}`],
  ])(
    '10,000 nested %s, read again and again by one process, are a parse error every time, never a crash',
    async (_what, text) => {
      const root = await tempDir();
      await writeFile(join(root, 'deep.yaml'), text);
      await writeFile(join(root, 'ok.yaml'), 'a: [[[1]]]\n');
      const run = await runNode(childScript('get-loop.mjs'), [root, '/deep', '1000'], {
        timeoutMs: 60_000,
      });
      expect(run, run.stderr).toMatchObject({ code: 0, timedOut: false });
      const seen = JSON.parse(run.stdout) as { gets: number; codes: string[] };
      expect(seen.gets).toBeGreaterThan(2);
      expect(seen.codes).toEqual(['ERR_PARSING_DATASTORE_ENTRY']);
    },
  );

  it('through the real bin: get of a deep file exits 6 with its position, check reports it', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'd'));
    await writeFile(join(root, 'd', 'deep.yaml'), `v: ${'['.repeat(5_000)}${']'.repeat(5_000)}\n`);
    const get = await runNode(BIN, ['--root', root, 'get', '/d/deep'], { timeoutMs: 30_000 });
    expect(get).toMatchObject({ code: 6, timedOut: false });
    expect(get.stderr).toContain('deep.yaml:1:');
    expect(get.stderr).toContain('nested deeper than 128 levels');
    const check = await runNode(BIN, ['--root', root, 'check'], { timeoutMs: 30_000 });
    expect(check).toMatchObject({ code: 1, timedOut: false });
    expect(check.stdout).toContain('nested deeper than 128 levels');
  });
});

describe('many keys (P27)', () => {
  it('get of a 4 MiB map costs time linear in its size (a bound relative to a small map read in the same run)', async () => {
    const root = await tempDir();
    const worker = new Worker(childScript('parse-cost.mjs'), {
      workerData: { root, smallKeys: 3_850, bigKeys: 385_000 },
    });
    try {
      const result = await new Promise<{ smallMs: number; bigMs: number; bigBytes: number }>(
        (resolve, reject) => {
          let smallMs = 0;
          let deadline: NodeJS.Timeout | undefined;
          worker.on('error', reject);
          worker.on(
            'message',
            (message: { smallMs?: number; bigMs?: number; bigBytes?: number }) => {
              if (message.smallMs !== undefined) {
                smallMs = message.smallMs;
                // 100 times the size: linear is ~100 times the time, quadratic ~10,000 times.
                // Allow 10 times linear (a loaded machine, GC), at least 30 s, at most 100 s.
                const boundMs = Math.min(100_000, Math.max(30_000, smallMs * 100 * 10));
                deadline = setTimeout(() => {
                  void worker.terminate();
                  reject(new Error(`a 4 MiB map took over ${Math.round(boundMs)} ms to read`));
                }, boundMs);
                return;
              }
              clearTimeout(deadline);
              resolve({ smallMs, bigMs: message.bigMs ?? NaN, bigBytes: message.bigBytes ?? 0 });
            },
          );
        },
      );
      console.log(
        `P27: get of 3,850 keys ${result.smallMs.toFixed(0)} ms, of 385,000 keys (${(result.bigBytes / 2 ** 20).toFixed(1)} MiB) ${result.bigMs.toFixed(0)} ms: ${(result.bigMs / result.smallMs).toFixed(0)}x for 100x the size`,
      );
      expect(result.bigBytes).toBeGreaterThan(4 * 1024 * 1024 - 200_000);
      expect(result.bigBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    } finally {
      await worker.terminate();
    }
  }, 120_000);
});
