import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatastoreError, FileBackend, PathKey } from '../../../src/index.js';
import { Child, childScript } from '../../helpers/child.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('cross-process locks (real processes)', () => {
  it('changes the generation only while holding the key lock: a held lock blocks a writer', async () => {
    const root = await tempDir();
    const client = new FileBackend({ root, fsync: false, lock: { wait: 300 } });
    const key = new PathKey('/locked/key');
    await client.create({ key, value: { n: 1 } });
    const sidecar = join(root, 'locked', '.kvdir-key.yaml.rev');
    const before = await readFile(sidecar, 'utf8');
    const holder = new Child(childScript('hold-lock.mjs'), [root, '/locked/key']);
    await holder.line((l) => l === 'locked');
    const err = await client.update({ key, value: { n: 2 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatastoreError);
    expect((err as DatastoreError).code).toBe('ERR_LOCKED');
    expect(await readFile(sidecar, 'utf8')).toBe(before);
    expect((await client.get(key)).value).toEqual({ n: 1 });
    holder.process.stdin.write('go\n');
    await holder.line((l) => l === 'released');
    expect(await holder.exited).toBe(0);
    await client.update({ key, value: { n: 2 } });
    expect(await readFile(sidecar, 'utf8')).not.toBe(before);
    await client.close();
  });

  it('waits for a lock released by another process instead of failing', async () => {
    const root = await tempDir();
    const client = new FileBackend({ root, fsync: false });
    const key = new PathKey('/k');
    await client.create({ key, value: { n: 1 } });
    const holder = new Child(childScript('hold-lock.mjs'), [root, '/k']);
    await holder.line((l) => l === 'locked');
    const pending = client.update({ key, value: { n: 2 } });
    holder.process.stdin.write('go\n');
    await pending;
    expect((await client.get(key)).value).toEqual({ n: 2 });
    await holder.exited;
    await client.close();
  });

  it('takes over the lock of a process killed with SIGKILL once it is stale', async () => {
    const root = await tempDir();
    const client = new FileBackend({ root, fsync: false, lock: { stale: 2000, wait: 20_000 } });
    const key = new PathKey('/k');
    await client.create({ key, value: { n: 1 } });
    const holder = new Child(childScript('hold-lock.mjs'), [root, '/k']);
    await holder.line((l) => l === 'locked');
    holder.process.kill('SIGKILL');
    await holder.exited;
    const started = Date.now();
    await client.update({ key, value: { n: 2 } });
    const waited = Date.now() - started;
    console.log(`stale lock of a killed process taken over after ${waited} ms (stale: 2000 ms)`);
    expect((await client.get(key)).value).toEqual({ n: 2 });
    await client.close();
  });

  it.each(['update', 'apply'])(
    '3 processes x 40 read-modify-write increments with %s reach exactly 120',
    async (mode) => {
      const root = await tempDir();
      const client = new FileBackend({ root, fsync: false });
      const key = new PathKey('/counter');
      await client.create({ key, value: { n: 0 } });
      const workers = Array.from(
        { length: 3 },
        () => new Child(childScript('increment.mjs'), [root, '/counter', '40', mode]),
      );
      const codes = await Promise.all(workers.map((w) => w.exited));
      expect(codes, workers.map((w) => w.stderr).join('\n')).toEqual([0, 0, 0]);
      expect((await client.get(key)).value).toEqual({ n: 120 });
      await client.close();
    },
  );
});
