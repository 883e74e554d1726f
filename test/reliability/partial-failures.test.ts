/**
 * A failure at every file-system call of every write path (create, update, apply, delete and
 * the clean-up of a delete's empty parents), one call at a time: after each, the outcome says
 * what happened, and `get`, `list` and a fresh syncer agree with it. A write that resolved
 * landed; one that rejected with ERR_WRITE_LANDED landed; any other rejection changed nothing
 * (values and revisions as before). No temp file is left behind.
 */
import { createFsFromVolume } from 'memfs';
import { describe, expect, it } from 'vitest';
import type { FsLike, Key, KVPair } from '../../src/index.js';
import {
  DatastoreError,
  FileBackend,
  PathKey,
  PathListOptions,
  SyncStatus,
} from '../../src/index.js';
import { endpoint, wep } from '../helpers/endpoints.js';
import { faultyFs } from '../helpers/faulty-fs.js';
import { Recorder } from '../../src/contract/recorder.js';

const root = '/store';

interface Case {
  name: string;
  /** Makes the state before, with a client on a file system that does not fail. */
  setup(client: FileBackend): Promise<void>;
  /** The write under test. */
  run(client: FileBackend): Promise<KVPair | void>;
  /** Key path -> value, once the write has landed. */
  after: Record<string, unknown>;
}

type View = Map<string, { value: unknown; revision: string | undefined }>;

const WEP = (name: string) => `/calico/v1/host/h/workload/k8s/w/endpoint/${name}`;
const web = new PathKey('/apps/web');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const CASES: Case[] = [
  {
    name: 'create in a new directory',
    setup: async () => undefined,
    run: (c) => c.create({ key: web, value: { v: 1 } }),
    after: { '/apps/web': { v: 1 } },
  },
  {
    name: 'update (compare-and-swap)',
    setup: async (c) => void (await c.create({ key: web, value: { v: 1 } })),
    run: async (c) =>
      c.update({ key: web, value: { v: 2 }, revision: (await c.get(web)).revision }),
    after: { '/apps/web': { v: 2 } },
  },
  {
    name: 'update with the value it already has (only the revision changes)',
    setup: async (c) => void (await c.create({ key: web, value: { v: 1 } })),
    run: (c) => c.update({ key: web, value: { v: 1 } }),
    after: { '/apps/web': { v: 1 } },
  },
  {
    name: 'apply with a TTL',
    setup: async (c) => void (await c.create({ key: web, value: { v: 1 }, ttl: 60_000 })),
    run: (c) => c.apply({ key: web, value: { v: 2 }, ttl: 120_000 }),
    after: { '/apps/web': { v: 2 } },
  },
  {
    name: 'apply over an expired key',
    setup: async (c) => {
      await c.create({ key: web, value: { v: 1 }, ttl: 1 });
      await sleep(5);
    },
    run: (c) => c.apply({ key: web, value: { v: 2 } }),
    after: { '/apps/web': { v: 2 } },
  },
  {
    name: 'delete of a key with keys below it',
    setup: async (c) => {
      await c.create({ key: web, value: { v: 1 } });
      await c.create({ key: new PathKey('/apps/web/a'), value: { a: 1 } });
      await c.create({ key: new PathKey('/apps/web/b/c'), value: { c: 1 } });
      await c.create({ key: new PathKey('/apps/other'), value: { o: 1 } });
    },
    run: async (c) => c.delete({ key: web, revision: (await c.get(web)).revision }),
    after: { '/apps/other': { o: 1 } },
  },
  {
    name: 'delete of the last endpoint of a workload (its empty parents go too)',
    setup: async (c) => void (await c.create({ key: wep('e0'), value: endpoint('e0') })),
    run: (c) => c.delete({ key: wep('e0') }),
    after: {},
  },
  {
    name: 'delete of an endpoint beside another',
    setup: async (c) => {
      await c.create({ key: wep('e0'), value: endpoint('e0') });
      await c.create({ key: wep('e1'), value: endpoint('e1') });
    },
    run: (c) => c.delete({ key: wep('e0') }),
    after: { [WEP('e1')]: endpoint('e1') },
  },
];

/** Every key as list() sees it. */
async function listed(client: FileBackend): Promise<View> {
  const pairs = await client.list(new PathListOptions({ prefix: '/' }));
  return new Map(
    pairs.map((kv) => [kv.key.defaultPath(), { value: kv.value, revision: kv.revision }]),
  );
}

/** Every key as a fresh syncer sees it once in sync (a missing root is made: no keys). */
async function synced(fs: FsLike): Promise<View> {
  await fs.promises.mkdir(root, { recursive: true });
  const client = new FileBackend({ root, fs });
  const rec = new Recorder();
  const syncer = client.syncer(rec);
  syncer.start();
  await rec.waitForStatus(SyncStatus.InSync);
  await syncer.stop();
  await client.close();
  return new Map(
    [...rec.picture].map(([path, held]) => [path, { value: held.value, revision: held.revision }]),
  );
}

/** get() of every key in `view` and of `extra`: the same value and revision, or absent. */
async function expectGetAgrees(client: FileBackend, view: View, extra: Key[]): Promise<void> {
  for (const [path, { value, revision }] of view) {
    const got = await client.get(new PathKey(path));
    expect({ path, value: got.value, revision: got.revision }).toEqual({ path, value, revision });
  }
  for (const key of extra) {
    if (!view.has(key.defaultPath()))
      await expect(client.get(key)).rejects.toThrow('does not exist');
  }
}

const values = (view: View) =>
  Object.fromEntries([...view].map(([path, { value }]) => [path, value]));
const revisions = (view: View) =>
  Object.fromEntries([...view].map(([path, { revision }]) => [path, revision]));

type Outcome =
  { kind: 'landed'; written: KVPair | void } | { kind: 'failed'; error: DatastoreError };

/** Runs `c` with the `index`-th file-system call of its write failing (none: -1); checks the views. */
async function trial(c: Case, index: number): Promise<{ calls: number; outcome: string }> {
  const { fs, vol, calls, failCall } = faultyFs();
  const setupClient = new FileBackend({ root, fs: createFsFromVolume(vol) as unknown as FsLike });
  await c.setup(setupClient);
  const before = await listed(setupClient);
  await setupClient.close();

  const client = new FileBackend({ root, fs });
  const start = calls.length;
  if (index >= 0) failCall(index, 'EIO');
  let outcome: Outcome;
  try {
    outcome = { kind: 'landed', written: await c.run(client) };
  } catch (err) {
    expect(err, `${c.name}, call ${index}`).toBeInstanceOf(DatastoreError);
    const error = err as DatastoreError;
    outcome =
      error.code === 'ERR_WRITE_LANDED'
        ? { kind: 'landed', written: undefined }
        : { kind: 'failed', error };
  }
  const made = calls.length - start;
  await client.close();

  const reader = new FileBackend({ root, fs: createFsFromVolume(vol) as unknown as FsLike });
  const now = await listed(reader);
  const where = `${c.name}, failing call ${index} (${calls[start + index] ?? 'none'}): ${outcome.kind === 'failed' ? outcome.error.message : 'landed'}`;
  expect(values(now), where).toEqual(outcome.kind === 'landed' ? c.after : values(before));
  if (outcome.kind === 'failed') {
    // Nothing changed: not even a revision.
    expect(revisions(now), where).toEqual(revisions(before));
    expect(outcome.error.message, where).toContain('failed');
  } else if (outcome.written !== undefined) {
    const { key, revision } = outcome.written;
    expect(now.get(key.defaultPath())?.revision, where).toBe(revision);
  }
  await expectGetAgrees(reader, now, [web, wep('e0')]);
  await reader.close();
  expect(await synced(createFsFromVolume(vol) as unknown as FsLike), where).toEqual(now);
  const temps = Object.keys(vol.toJSON()).filter((path) => path.includes('.tmp-'));
  expect(temps, where).toEqual([]);
  return { calls: made, outcome: outcome.kind };
}

describe('a failure at each file-system call of each write', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const { calls } = await trial(c, -1);
    const outcomes: string[] = [];
    for (let index = 0; index < calls; index++) outcomes.push((await trial(c, index)).outcome);
    console.log(
      `${c.name}: ${calls} file-system calls, each failed in turn: ` +
        `${outcomes.filter((o) => o === 'failed').length} changed nothing, ` +
        `${outcomes.filter((o) => o === 'landed').length} landed (resolved or ERR_WRITE_LANDED)`,
    );
  });
});

describe('a delete whose steps fail', () => {
  it('of a key whose directory cannot be moved (EBUSY: a mount point) changes nothing', async () => {
    const { fs, faults } = faultyFs();
    const client = new FileBackend({ root, fs });
    const created = await client.create({ key: web, value: { v: 1 } });
    await client.create({ key: new PathKey('/apps/web/inner'), value: { i: 1 } });
    faults.push({ op: 'rename', code: 'EBUSY', when: (path) => path.includes('.kvdir-trash-') });
    const err = await client.delete({ key: web }).catch((e: unknown) => e);
    expect((err as DatastoreError).message).toMatch(/^delete PathKey\(\/apps\/web\) failed: EBUSY/);
    faults.length = 0;
    expect((await client.get(web)).revision).toBe(created.revision);
    expect((await client.get(new PathKey('/apps/web/inner'))).value).toEqual({ i: 1 });
    await client.close();
  });

  it('says ERR_WRITE_LANDED when the keys below are gone and the key itself could not be', async () => {
    const { fs, faults } = faultyFs();
    const client = new FileBackend({ root, fs });
    const created = await client.create({ key: web, value: { v: 1 } });
    await client.create({ key: new PathKey('/apps/web/inner'), value: { i: 1 } });
    // The value file's unlink fails, and so does putting the moved-aside keys below back.
    faults.push({ op: 'unlink', code: 'EIO', when: (path) => path.endsWith('/apps/web.yaml') });
    faults.push({ op: 'rename', code: 'EIO', when: (path) => path.endsWith('/apps/web') });
    const err = (await client.delete({ key: web }).catch((e: unknown) => e)) as DatastoreError;
    expect(err.code).toBe('ERR_WRITE_LANDED');
    expect(err.message).toMatch(
      /the keys below .*apps\/web were removed .* but not the key itself/,
    );
    faults.length = 0;
    // What the error says, in every view.
    expect((await client.get(web)).revision).toBe(created.revision);
    await expect(client.get(new PathKey('/apps/web/inner'))).rejects.toThrow('does not exist');
    const view = await listed(client);
    expect([...view.keys()]).toEqual(['/apps/web']);
    expect(await synced(fs)).toEqual(view);
    await client.close();
  });
});
