import { describe, expect, it } from 'vitest';
import { DatastoreError, FileBackend, PathKey, PolicyKey } from '../../src/index.js';
import { faultyFs } from '../helpers/faulty-fs.js';
import type { FaultOp } from '../helpers/faulty-fs.js';

const root = '/store';
const visibleAndTemp = (vol: any) => Object.keys(vol.toJSON()).filter((p) => p.includes('.tmp-'));

describe('injected I/O faults (ENOSPC, EIO, EXDEV, EACCES on write, fsync, rename, open, mkdir, unlink, readFile)', () => {
  it.each<[FaultOp, string]>([
    ['write', 'ENOSPC'],
    ['fsync', 'EIO'],
    ['rename', 'EXDEV'],
    ['open', 'EACCES'],
  ])(
    'a failed %s (%s) leaves the previous value and revision and no temp file',
    async (op, code) => {
      const { fs, vol, faults } = faultyFs();
      const client = new FileBackend({ root, fs });
      const key = new PathKey('/apps/web');
      const created = await client.create({ key, value: { v: 1 } });
      faults.push({ op, code, when: (p) => p.startsWith(`${root}/apps`) });
      const err = await client.update({ key, value: { v: 2 } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DatastoreError);
      expect(((err as DatastoreError).cause as { code: string }).code).toBe(code);
      expect((err as DatastoreError).message).toContain(
        `update PathKey(/apps/web) failed: ${code}`,
      );
      faults.length = 0;
      const got = await client.get(key);
      expect(got.value).toEqual({ v: 1 });
      expect(got.revision).toBe(created.revision);
      expect(visibleAndTemp(vol)).toEqual([]);
      await client.close();
    },
  );

  it.each<[FaultOp, string, (path: string) => boolean]>([
    ['write', 'ENOSPC', (p) => p.includes('.kvdir-web.yaml.rev')],
    ['write', 'ENOSPC', (p) => p.includes('.kvdir-web.yaml.tmp-')],
    ['fsync', 'EIO', () => true],
    ['rename', 'EXDEV', () => true],
    ['open', 'EACCES', (p) => p.endsWith('.rev')],
  ])(
    'a failed create (%s %s) leaves no key, no sidecar and no temp file, and a create afterwards works',
    async (op, code, when) => {
      const { fs, vol, faults } = faultyFs();
      const client = new FileBackend({ root, fs });
      const key = new PathKey('/apps/web');
      faults.push({ op, code, when: (p) => p.startsWith(`${root}/apps`) && when(p) });
      const err = await client.create({ key, value: { v: 1 } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DatastoreError);
      expect(((err as DatastoreError).cause as { code: string }).code).toBe(code);
      faults.length = 0;
      await expect(client.get(key)).rejects.toThrow('resource does not exist');
      expect(Object.keys(vol.toJSON()).filter((p) => p.includes('web'))).toEqual([]);
      const created = await client.create({ key, value: { v: 2 } });
      expect(await client.get(key)).toMatchObject({ value: { v: 2 }, revision: created.revision });
      await client.close();
    },
  );

  it("a failed mkdir (EACCES) of a new key's directory creates nothing and leaves other keys intact", async () => {
    const { fs, vol, faults } = faultyFs();
    const client = new FileBackend({ root, fs });
    const created = await client.create({ key: new PathKey('/apps/web'), value: { v: 1 } });
    faults.push({ op: 'mkdir', code: 'EACCES', when: (p) => p.startsWith(`${root}/apps/new`) });
    const err = await client
      .create({ key: new PathKey('/apps/new/key'), value: { v: 2 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatastoreError);
    expect(((err as DatastoreError).cause as { code: string }).code).toBe('EACCES');
    faults.length = 0;
    await expect(client.get(new PathKey('/apps/new/key'))).rejects.toThrow(
      'resource does not exist',
    );
    expect((await client.get(new PathKey('/apps/web'))).revision).toBe(created.revision);
    expect(visibleAndTemp(vol)).toEqual([]);
    await client.close();
  });

  it('with 8 concurrent writers (the thread-pool path), a failed fsync fails only the writes it hit', async () => {
    const { fs, vol, faults } = faultyFs();
    const client = new FileBackend({ root, fs });
    const keys = Array.from({ length: 8 }, (_, i) => new PathKey(`/many/k${i}`));
    const before = await Promise.all(keys.map((key) => client.create({ key, value: { v: 1 } })));
    faults.push({ op: 'fsync', code: 'EIO', when: (p) => /k[0-3]\.yaml/.test(p) });
    const results = await Promise.allSettled(
      keys.map((key) => client.update({ key, value: { v: 2 } })),
    );
    faults.length = 0;
    expect(results.map((r) => r.status)).toEqual([
      ...Array(4).fill('rejected'),
      ...Array(4).fill('fulfilled'),
    ]);
    for (const [i, key] of keys.entries()) {
      const got = await client.get(key);
      expect(got.value).toEqual({ v: i < 4 ? 1 : 2 });
      if (i < 4) expect(got.revision).toBe(before[i]!.revision);
    }
    expect(visibleAndTemp(vol)).toEqual([]);
    await client.close();
  });

  it('a failed delete (EIO on unlink) keeps the key', async () => {
    const { fs, faults } = faultyFs();
    const client = new FileBackend({ root, fs });
    const key = new PolicyKey({ name: 'p' });
    const created = await client.create({ key, value: { order: 1, selector: '' } });
    faults.push({ op: 'unlink', code: 'EIO' });
    await expect(client.delete({ key })).rejects.toThrow(DatastoreError);
    faults.length = 0;
    expect((await client.get(key)).revision).toBe(created.revision);
    await client.close();
  });

  it('a read failure other than ENOENT is a DatastoreError with the cause, not "does not exist"', async () => {
    const { fs, faults } = faultyFs();
    const client = new FileBackend({ root, fs });
    const key = new PathKey('/a');
    await client.create({ key, value: 1 });
    faults.push({ op: 'readFile', code: 'EACCES' });
    const err = await client.get(key).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatastoreError);
    expect(((err as DatastoreError).cause as { code: string }).code).toBe('EACCES');
    await client.close();
  });

  it('fsyncs each value by default and not at all with fsync: false', async () => {
    const durable = faultyFs();
    const client = new FileBackend({ root, fs: durable.fs });
    await client.create({ key: new PathKey('/a'), value: 1 });
    await client.update({ key: new PathKey('/a'), value: 2 });
    expect(durable.counts.fsync).toBe(2);
    const fast = faultyFs();
    const quick = new FileBackend({ root, fs: fast.fs, fsync: false });
    await quick.create({ key: new PathKey('/a'), value: 1 });
    expect(fast.counts.fsync).toBe(0);
    await client.close();
    await quick.close();
  });
});
