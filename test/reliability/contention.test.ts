import { describe, expect, it } from 'vitest';
import { FileBackend, PathKey, PathListOptions } from '../../src/index.js';
import { Child, childScript } from '../helpers/child.js';
import { tempDir } from '../helpers/temp-dir.js';

const PROCESSES = 4;
const INCREMENTS = 250;

describe('processes contending for one key', () => {
  it.each([
    ['update', ''],
    ['apply', ''],
    ['update', 'churn'],
  ])(
    `${PROCESSES} processes x ${INCREMENTS} increments with %s %s: the counter ends at exactly ${PROCESSES * INCREMENTS}`,
    async (mode, churn) => {
      const root = await tempDir();
      const client = new FileBackend({ root, fsync: false });
      const key = new PathKey('/counters/c');
      await client.create({ key, value: { n: 0 } });
      const started = Date.now();
      const workers = Array.from(
        { length: PROCESSES },
        () =>
          new Child(childScript('increment.mjs'), [
            root,
            '/counters/c',
            String(INCREMENTS),
            mode,
            churn,
          ]),
      );
      const codes = await Promise.all(workers.map((w) => w.exited));
      expect(codes, workers.map((w) => w.stderr).join('\n')).toEqual(Array(PROCESSES).fill(0));
      const conflicts = workers.reduce(
        (sum, w) => sum + (JSON.parse(w.lines[0]!) as { conflicts: number }).conflicts,
        0,
      );
      const final = await client.get(key);
      console.log(
        `contention (${mode}${churn ? ', with sibling churn' : ''}): final value ${(final.value as { n: number }).n} of ${PROCESSES * INCREMENTS}, ${conflicts} conflicts retried, ${Date.now() - started} ms`,
      );
      expect(final.value).toEqual({ n: PROCESSES * INCREMENTS });
      if (churn) {
        const left = await client.list(new PathListOptions({ prefix: '/counters' }));
        // Each worker ends its last ten-cycle having deleted all its siblings.
        expect(left.map((kv) => kv.key.defaultPath())).toEqual(['/counters/c']);
      }
      await client.close();
    },
  );
});
