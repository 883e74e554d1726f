/**
 * A delete removes the implicit parents it leaves empty (a workload's endpoint and workload
 * directories) only while holding their directories alone, so a create beside it never loses
 * its files. Real file system; the multi-process case needs the build.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileBackend } from '../../src/index.js';
import { Child, childScript } from '../helpers/child.js';
import { endpoint, wep } from '../helpers/endpoints.js';
import { tempDir } from '../helpers/temp-dir.js';

const WORKLOAD = join('calico', 'v1', 'host', 'h', 'workload', 'k8s', 'w');

describe("a delete's clean-up of empty parents", () => {
  it('never takes the files of a create running beside it in the same process (40 rounds)', async () => {
    const failures: string[] = [];
    for (let round = 0; round < 40; round++) {
      const root = await tempDir();
      const client = new FileBackend({ root });
      await client.create({ key: wep('e0'), value: endpoint('e0') });
      // The delete leaves the endpoint directory empty while the create is writing into it.
      const [deleted, created] = await Promise.allSettled([
        client.delete({ key: wep('e0') }),
        client.create({ key: wep('e1'), value: endpoint('e1') }),
      ]);
      for (const result of [deleted, created])
        if (result.status === 'rejected') failures.push(String(result.reason));
      if (created.status === 'fulfilled') {
        const got = await client.get(wep('e1'));
        if (got.revision !== created.value.revision)
          failures.push(`e1 reads ${got.revision}, its create returned ${created.value.revision}`);
      }
      await client.close();
    }
    expect(failures).toEqual([]);
  });

  it('4 processes creating and deleting their own endpoints of one workload: no failure', async () => {
    const root = await tempDir();
    const workers = [0, 1, 2, 3].map(
      (i) => new Child(childScript('endpoint-churn.mjs'), [root, `e${i}`, '150']),
    );
    const codes = await Promise.all(workers.map((w) => w.exited));
    expect(codes, workers.map((w) => w.stderr).join('\n')).toEqual([0, 0, 0, 0]);
    const errors = workers.flatMap(
      (w) => (JSON.parse(w.lines.at(-1)!.slice(5)) as { errors: string[] }).errors,
    );
    expect(errors).toEqual([]);
    // Every endpoint was deleted last: the clean-up left nothing behind.
    expect(existsSync(join(root, WORKLOAD))).toBe(false);
  });

  it('leaves a parent whose lock another process holds, and removes it on a later delete', async () => {
    const root = await tempDir();
    const client = new FileBackend({ root });
    await client.create({ key: wep('e0'), value: endpoint('e0') });
    // Another process holds the lock of the workload directory (as a writer of a key in it).
    const holder = new Child(childScript('hold-lock.mjs'), [
      root,
      '/calico/v1/host/h/workload/k8s/w/other',
    ]);
    await holder.line((line) => line === 'locked');
    // The delete does not wait for it: it removes the key and the endpoint directory, and
    // leaves the workload directory.
    await client.delete({ key: wep('e0') });
    await expect(client.get(wep('e0'))).rejects.toThrow('does not exist');
    expect(existsSync(join(root, WORKLOAD, 'endpoint'))).toBe(false);
    expect(existsSync(join(root, WORKLOAD))).toBe(true);
    holder.process.stdin.write('go\n');
    expect(await holder.exited).toBe(0);
    await client.create({ key: wep('e1'), value: endpoint('e1') });
    await client.delete({ key: wep('e1') });
    expect(existsSync(join(root, WORKLOAD))).toBe(false);
    await client.close();
  });
});
