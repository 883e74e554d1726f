/**
 * One pass of the mirror (`once`) against the run's etcd, on real directories: creates,
 * updates and prunes with no rewrite of unchanged keys; the bytes EtcdBackend writes; a file
 * that does not parse keeps etcd's last good value; an empty directory and a large prune are
 * refused (and applied with force); a dry run changes nothing; a TTL becomes a lease.
 */
import { describe, expect, it } from 'vitest';
import { PathKey, PolicyKey } from '../../src/index.js';
import type { MirrorEvent } from '../../src/mirror/index.js';
import { etcdStore, hasEtcd } from '../helpers/etcd.js';
import { converged, directory, manyFiles, startMirror, writeFiles } from '../helpers/mirror.js';
import { tempDir } from '../helpers/temp-dir.js';

const POLICY = 'calico/v1/policy/tier/default/policy';

function writes(events: MirrorEvent[]): string[] {
  return events.flatMap((e) =>
    e.type === 'created' || e.type === 'updated' || e.type === 'deleted'
      ? [`${e.dryRun ? `would ${e.type.slice(0, -1)}` : e.type} ${e.path}`]
      : [],
  );
}

async function once(...args: Parameters<typeof startMirror>) {
  const running = startMirror(args[0], args[1], { once: true, ...args[2] });
  return { outcome: await running.mirror.done, events: running.events };
}

/** The raw value and mod_revision of each key below the store's namespace. */
async function rawKeys(store: ReturnType<typeof etcdStore>) {
  const { kvs } = await store.raw.kv.range({
    key: Buffer.from(`${store.namespace}/`),
    range_end: Buffer.from(`${store.namespace}0`),
  });
  return Object.fromEntries(
    kvs.map((kv) => [
      kv.key.toString().slice(store.namespace.length),
      { value: kv.value.toString(), rev: kv.mod_revision, lease: kv.lease },
    ]),
  );
}

describe.runIf(hasEtcd)('kvdir mirror, one pass, against etcd', () => {
  it('creates, updates and prunes; keys with the right bytes are not rewritten', async () => {
    const store = etcdStore();
    const dir = await tempDir();
    writeFiles(dir, {
      ...manyFiles('apps', 20),
      'apps/same.yaml': 'replicas: 2\n',
      'apps/changed.yaml': 'replicas: 3\n',
      [`${POLICY}/web.yaml`]: "order: 10\nselector: role == 'web' && tier == 'front'\n",
    });
    await store.rawPut('/apps/same', '{"replicas":2}');
    await store.rawPut('/apps/changed', '{"replicas":1}');
    await store.rawPut('/apps/stale', '{"replicas":0}');
    // A sibling of the prefix, and a key outside it: neither is the mirror's.
    await store.rawPut('/apps-other', '1');
    const before = await rawKeys(store);
    const source = directory(dir);
    const target = store.open();

    const { outcome, events } = await once(source, target, { prefix: '/apps' });
    expect(outcome).toEqual({
      inSync: true,
      created: 20,
      updated: 1,
      deleted: 1,
      skipped: 0,
      refused: false,
    });
    // In path order.
    expect(writes(events)).toEqual([
      ...Object.keys(manyFiles('/apps', 20)).map((f) => `created ${f.slice(0, -5)}`),
      'updated /apps/changed',
      'deleted /apps/stale',
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'pass', inSync: true, keys: 22, unchanged: 1 });
    const after = await rawKeys(store);
    expect(after['/apps/same']).toEqual(before['/apps/same']);
    expect(after['/apps-other']).toEqual(before['/apps-other']);
    expect(after['/apps/stale']).toBeUndefined();
    // The policy is outside /apps: now the whole tree, with Calico's bytes (Go's escaping).
    const all = await once(source, target);
    expect(writes(all.events)).toEqual(['deleted /apps-other', `created /${POLICY}/web`]);
    const policy = await target.get(new PolicyKey({ name: 'web' }));
    const twin = store.open({ namespace: `${store.namespace}-twin` });
    await twin.apply({ key: policy.key, value: policy.value });
    const raw = await store.raw.get(`${store.namespace}-twin/${POLICY}/web`).string();
    expect(await store.rawGet(`/${POLICY}/web`)).toBe(raw);
    expect(raw).toContain('\\u0026\\u0026');
    await converged(source, target);

    // A second pass writes nothing: no key gets a new revision.
    const settled = await rawKeys(store);
    const again = await once(source, target);
    expect(again.outcome).toMatchObject({ inSync: true, created: 0, updated: 0, deleted: 0 });
    expect(await rawKeys(store)).toEqual(settled);
  });

  it('skips a file that does not parse, or does not fit its key: etcd keeps its last good value', async () => {
    const store = etcdStore();
    const dir = await tempDir();
    writeFiles(dir, {
      ...manyFiles('x', 10),
      'x/a.yaml': 'good: true\n',
      [`${POLICY}/p.yaml`]: 'selector: all()\n',
      [`${POLICY}/q.yaml`]: 'selector: all()\n',
    });
    const source = directory(dir);
    const target = store.open();
    expect((await once(source, target)).outcome.inSync).toBe(true);

    writeFiles(dir, {
      'x/a.yaml': 'good: [\n',
      // A typo: it reads as a Policy (Go ignores unknown fields), but a write refuses it.
      [`${POLICY}/p.yaml`]: 'selector: all()\nordr: 1\n',
      // The wrong type: the file backend does not read it as a Policy.
      [`${POLICY}/q.yaml`]: 'selector: all()\norder: first\n',
      'x/new-but-broken.yaml': '{{{',
      'x/1.yaml': undefined,
    });
    const { outcome, events } = await once(source, target);
    expect(outcome).toMatchObject({ inSync: false, skipped: 4, deleted: 1 });
    expect(events.filter((e) => e.type === 'skipped')).toEqual([
      {
        type: 'skipped',
        path: `/${POLICY}/p`,
        kept: true,
        reason: expect.stringMatching(/^does not fit its key: ordr/),
      },
      {
        type: 'skipped',
        path: `/${POLICY}/q`,
        kept: true,
        reason: expect.stringMatching(/does not parse/),
      },
      {
        type: 'skipped',
        path: '/x/a',
        kept: true,
        reason: expect.stringMatching(/does not parse/),
      },
      {
        type: 'skipped',
        path: '/x/new-but-broken',
        kept: false,
        reason: expect.stringMatching(/does not parse/),
      },
    ]);
    expect(await store.rawGet('/x/a')).toBe('{"good":true}');
    expect(await store.rawGet(`/${POLICY}/p`)).toContain('"selector":"all()"');
    expect(await store.rawGet('/x/new-but-broken')).toBeUndefined();
    expect(await store.rawGet('/x/1')).toBeUndefined();
  });

  it('refuses an empty directory and a large prune, writing nothing; --force applies them', async () => {
    const store = etcdStore();
    const dir = await tempDir();
    writeFiles(dir, manyFiles('k', 20));
    const source = directory(dir);
    const target = store.open();
    await once(source, target);

    writeFiles(dir, { 'k/01.yaml': undefined, 'k/02.yaml': undefined, 'k/03.yaml': undefined });
    writeFiles(dir, {
      'k/04.yaml': undefined,
      'k/00.yaml': 'changed: 1\n',
      'k/new.yaml': 'a: 1\n',
    });
    const before = await rawKeys(store);
    const large = await once(source, target);
    expect(large.outcome).toMatchObject({ inSync: false, refused: true, created: 0, deleted: 0 });
    expect(large.events[0]).toEqual({
      type: 'refused',
      reason: 'large-prune',
      deletes: 4,
      keys: 20,
      message: 'the pass would delete 4 of 20 keys (20 % > 10 %)',
    });
    expect(await rawKeys(store)).toEqual(before);
    expect((await once(source, target, { force: true })).outcome).toMatchObject({
      inSync: true,
      deleted: 4,
      updated: 1,
      created: 1,
    });

    const empty = directory(await tempDir());
    const refused = await once(empty, target);
    expect(refused.events[0]).toMatchObject({
      type: 'refused',
      reason: 'empty-source',
      deletes: 17,
    });
    expect(Object.keys(await rawKeys(store))).toHaveLength(17);
    expect((await once(empty, target, { force: true })).outcome).toMatchObject({
      inSync: true,
      deleted: 17,
    });
    expect(await rawKeys(store)).toEqual({});
  });

  it('prints the plan of a dry run and changes nothing in etcd', async () => {
    const store = etcdStore();
    const dir = await tempDir();
    writeFiles(dir, { ...manyFiles('d', 12), 'd/new.yaml': 'a: 1\n' });
    await store.rawPut('/d/00', '{"n":99}');
    await store.rawPut('/d/zz-stale', '{}');
    const source = directory(dir);
    const target = store.open();
    const { header } = await store.raw.kv.range({ key: Buffer.from('/') });
    const { outcome, events } = await once(source, target, { dryRun: true });
    expect(writes(events).slice(0, 2)).toEqual(['would update /d/00', 'would create /d/01']);
    expect(writes(events).at(-1)).toBe('would delete /d/zz-stale');
    expect(events.at(-1)).toMatchObject({
      type: 'pass',
      dryRun: true,
      created: 12,
      updated: 1,
      deleted: 1,
    });
    expect(outcome.inSync).toBe(false);
    // Not even the election's key: the revision did not move.
    expect((await store.raw.kv.range({ key: Buffer.from('/') })).header.revision).toBe(
      header.revision,
    );
  });

  it('puts a key whose file has a TTL on a lease', async () => {
    const store = etcdStore();
    const dir = await tempDir();
    const source = directory(dir);
    await source.apply({ key: new PathKey('/t/short'), value: 'x', ttl: 60_000 });
    await source.apply({ key: new PathKey('/t/long'), value: 'y' });
    const target = store.open();
    expect((await once(source, target)).outcome.inSync).toBe(true);
    const raw = await rawKeys(store);
    expect(raw['/t/short']!.lease).not.toBe('0');
    expect(raw['/t/long']!.lease).toBe('0');
    const { TTL } = await store.raw.leaseClient.leaseTimeToLive({ ID: raw['/t/short']!.lease });
    expect(Number(TTL)).toBeGreaterThan(50);
    expect(Number(TTL)).toBeLessThanOrEqual(61);
    // Unchanged on the next pass: the lease is not renewed, the key not rewritten.
    await once(source, target);
    expect((await rawKeys(store))['/t/short']).toEqual(raw['/t/short']);
  });
});
