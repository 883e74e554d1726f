/**
 * What is particular to etcd: the bytes in etcd, path order, revisions from elsewhere, size
 * limits without a circuit breaker, an unreachable server, options, namespaces.
 */
import { describe, expect, it } from 'vitest';
import { EtcdBackend } from '../../../src/backends/etcd/index.js';
import {
  DatastoreError,
  FileBackend,
  GlobalConfigKey,
  IPPoolKey,
  ParsingDatastoreEntryError,
  PathKey,
  PathListOptions,
  PolicyKey,
  PolicyListOptions,
  ReadyFlagKey,
  ResourceAlreadyExistsError,
  ResourceDoesNotExistError,
  ResourceUpdateConflictError,
  ValidationError,
} from '../../../src/index.js';
import type { KvdirError } from '../../../src/index.js';
import { etcdStore, hasEtcd } from '../../helpers/etcd.js';
import { freePort } from '../../helpers/etcd-server.js';
import { TcpProxy } from '../../helpers/tcp-proxy.js';
import { tempDir } from '../../helpers/temp-dir.js';

const MiB = 1024 * 1024;

describe.runIf(hasEtcd)('EtcdBackend on a real etcd', () => {
  it('counts the keys a delete removed (etcd says how many), and lists keys without values', async () => {
    const client = etcdStore().open();
    for (const path of ['/a', '/a/b', '/a/b/c', '/d/e'])
      await client.create({ key: new PathKey(path), value: 1 });
    const all = new PathListOptions({ prefix: '/' });
    expect((await client.listKeys(all)).map((info) => info.key.defaultPath())).toEqual([
      '/a',
      '/a/b',
      '/a/b/c',
      '/d/e',
    ]);
    expect(await client.deleteCounted({ key: new PathKey('/a') })).toBe(3);
    expect(await client.deleteCounted({ key: new PathKey('/d') })).toBe(1);
  });

  it('lists keys from a keys-only range: a value that does not parse is listed; details give revision, size and TTL left, unparsed', async () => {
    const store = etcdStore();
    const errors: KvdirError[] = [];
    const client = store.open({ onListError: (error) => errors.push(error) });
    const ok = await client.create({ key: new PathKey('/k/ok'), value: { a: 1 } });
    const leased = await client.create({ key: new PathKey('/k/ttl'), value: 'x', ttl: 60_000 });
    await store.rawPut('/k/broken', '{"a": not json');
    const all = new PathListOptions({ prefix: '/k' });

    const names = await client.listKeys(all);
    expect(names.map((info) => [info.key.defaultPath(), Object.keys(info)])).toEqual([
      ['/k/broken', ['key']],
      ['/k/ok', ['key']],
      ['/k/ttl', ['key']],
    ]);
    const [broken, one, two] = await client.listKeys(all, { details: true });
    expect(broken).toMatchObject({ size: '{"a": not json'.length });
    expect(broken?.revision).toMatch(/^\d+$/);
    expect(one).toEqual({ key: ok.key, revision: ok.revision, size: '{"a":1}'.length });
    expect(two).toMatchObject({ revision: leased.revision, size: '"x"'.length }); // a PathKey's value is JSON
    expect(two?.ttl).toBeGreaterThan(50_000);
    expect(two?.ttl).toBeLessThanOrEqual(62_000);
    expect(errors).toEqual([]);

    // list reads the values: the broken one is skipped and reported.
    expect((await client.list(all)).map((kv) => kv.key.defaultPath())).toEqual(['/k/ok', '/k/ttl']);
    expect(errors.map((error) => error.code)).toEqual(['ERR_PARSING_DATASTORE_ENTRY']);
  });

  it('stores each key at namespace + Calico path, as the bytes libcalico-go writes', async () => {
    const store = etcdStore();
    const client = store.open();
    const value = { order: 5, selector: "role == 'db' && env != 'dev'", inbound_rules: [] };
    await client.create({ key: new PolicyKey({ name: 'team/a' }), value });
    await client.create({ key: new GlobalConfigKey({ name: 'LogSeverity' }), value: 'info' });
    await client.create({ key: new ReadyFlagKey(), value: true });
    expect(await store.rawPaths()).toEqual([
      '/calico/v1/Ready',
      '/calico/v1/config/LogSeverity',
      '/calico/v1/policy/tier/default/policy/team%2fa',
    ]);
    expect(await store.rawGet('/calico/v1/policy/tier/default/policy/team%2fa')).toBe(
      `{"order":5,"selector":"role == 'db' \\u0026\\u0026 env != 'dev'","inbound_rules":[]}`,
    );
    expect(await store.rawGet('/calico/v1/config/LogSeverity')).toBe('info');
    expect(await store.rawGet('/calico/v1/Ready')).toBe('true');

    // A value as Go wrote it: its own field order and escapes.
    await store.rawPut(
      '/calico/v1/policy/tier/default/policy/go',
      '{"outbound_rules":[],"inbound_rules":[{"action":"allow"}],"selector":"a \\u0026\\u0026 b","order":10}',
    );
    const go = await client.get(new PolicyKey({ name: 'go' }));
    expect(go.value).toEqual({
      order: 10,
      selector: 'a && b',
      inbound_rules: [{ action: 'allow' }],
      outbound_rules: [],
    });
  });

  it("lists the root key and the keys below it in the file backend's order, no siblings", async () => {
    const names = ['b', 'a/x', 'a-y', 'a%2fz', 'a', 'A', 'a.b', 'é', 'a/x/y'];
    const etcd = etcdStore().open({ pageSize: 2 });
    const files = new FileBackend({ root: await tempDir(), fsync: false });
    try {
      for (const client of [etcd, files]) {
        for (const name of names)
          await client.create({ key: new PathKey(`/t/${name}`), value: {} });
      }
      const order = ['/t/A', '/t/a', '/t/a%2fz', '/t/a-y', '/t/a.b', '/t/a/x', '/t/a/x/y', '/t/b'];
      const listed = async (client: EtcdBackend | FileBackend, prefix: string) =>
        (await client.list(new PathListOptions({ prefix }))).map((kv) => kv.key.defaultPath());
      expect(await listed(etcd, '/t')).toEqual([...order, '/t/é']);
      expect(await listed(files, '/t')).toEqual(await listed(etcd, '/t'));
      expect(await listed(etcd, '/t/a')).toEqual(['/t/a', '/t/a/x', '/t/a/x/y']);
      expect(await listed(files, '/t/a')).toEqual(await listed(etcd, '/t/a'));
      expect(await listed(etcd, '/')).toEqual(await listed(etcd, '/t'));
    } finally {
      await files.close();
    }
  });

  it('never takes a revision from elsewhere for a current one, and never sends it', async () => {
    const files = new FileBackend({ root: await tempDir(), fsync: false });
    const fileRevision = (await files.create({ key: new PathKey('/k'), value: {} })).revision!;
    await files.close();
    const client = etcdStore().open();
    const key = new PolicyKey({ name: 'p' });
    const missing = new PolicyKey({ name: 'missing' });
    await client.create({ key, value: { order: 1, selector: 'all()' } });
    for (const revision of [fileRevision, '0', 'abc', '-1', '99999999999999999999']) {
      await expect(client.update({ key, value: { selector: 'all()' }, revision })).rejects.toThrow(
        ResourceUpdateConflictError,
      );
      await expect(client.apply({ key, value: { selector: 'all()' }, revision })).rejects.toThrow(
        ResourceUpdateConflictError,
      );
      await expect(client.delete({ key, revision })).rejects.toThrow(ResourceUpdateConflictError);
      // On a missing key: does not exist, and nothing is written (mod_revision == 0 would hold).
      await expect(
        client.update({ key: missing, value: { selector: 'all()' }, revision }),
      ).rejects.toThrow(ResourceDoesNotExistError);
      await expect(
        client.apply({ key: missing, value: { selector: 'all()' }, revision }),
      ).rejects.toThrow(ResourceDoesNotExistError);
      await expect(client.delete({ key: missing, revision })).rejects.toThrow(
        ResourceDoesNotExistError,
      );
    }
    // A create with a revision, as the file backend: it exists, or the revision cannot hold.
    await expect(
      client.create({ key, value: { selector: 'all()' }, revision: '1' }),
    ).rejects.toThrow(ResourceAlreadyExistsError);
    await expect(
      client.create({ key: missing, value: { selector: 'all()' }, revision: '1' }),
    ).rejects.toThrow(ResourceDoesNotExistError);
    expect((await client.list(new PolicyListOptions({}))).map((kv) => kv.value)).toEqual([
      { order: 1, selector: 'all()' },
    ]);
  });

  it("refuses a value over etcd's request limit before sending it; the next call works", async () => {
    const store = etcdStore();
    const client = store.open();
    const key = new PathKey('/big');
    // The largest value this key may have, by the client's count, is one etcd accepts.
    const limit = 1.5 * MiB - 3 * Buffer.byteLength(`${store.namespace}/big`) - 512;
    const blob = (bytes: number) => ({ b: 'x'.repeat(bytes - '{"b":""}'.length) });
    await client.create({ key, value: blob(limit) });
    const err = await client.update({ key, value: blob(limit + 1) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toContain(`${limit + 1} bytes of JSON`);
    expect((err as Error).message).toContain('maxValueBytes');
    expect((await client.get(key)).value).toEqual(blob(limit));

    // Told a higher limit than the server's, etcd refuses: each write fails alone (no retries,
    // no circuit breaker opening after three failures), and the next write goes through.
    const unchecked = store.open({ maxValueBytes: 8 * MiB });
    for (let i = 0; i < 3; i++) {
      const refused = await unchecked
        .create({ key: new PathKey(`/huge${i}`), value: blob(2 * MiB) })
        .catch((e: unknown) => e);
      expect((refused as KvdirError).code).toBe('ERR_TOO_LARGE');
    }
    await unchecked.create({ key: new PathKey('/small'), value: {} });
    expect(await store.rawPaths()).toEqual(['/big', '/small']);
  });

  it('keeps list responses under the receive limit with pages, and names the limit when one is over', async () => {
    const store = etcdStore();
    const writer = store.open();
    const value = { b: 'x'.repeat(1.4 * MiB) };
    for (const name of ['a', 'b', 'c'])
      await writer.create({ key: new PathKey(`/l/${name}`), value });
    const onePage = store.open({ maxMessageBytes: 4 * MiB });
    const err = await onePage.list(new PathListOptions({ prefix: '/l' })).catch((e: unknown) => e);
    expect((err as KvdirError).code).toBe('ERR_TOO_LARGE');
    expect((err as Error).message).toContain('over a size limit');
    const paged = store.open({ maxMessageBytes: 4 * MiB, pageSize: 2 });
    expect(await paged.list(new PathListOptions({ prefix: '/l' }))).toHaveLength(3);
  });

  it('reports an unreachable etcd as such; a write that was never sent is not "outcome unknown"', async () => {
    const client = new EtcdBackend({
      endpoints: `http://127.0.0.1:${await freePort()}`,
      requestTimeoutMs: 2000,
    });
    try {
      const read = await client.get(new PolicyKey({ name: 'p' })).catch((e: unknown) => e);
      expect(read).toBeInstanceOf(DatastoreError);
      expect((read as Error).message).toMatch(
        /^get Policy\(name=p\) failed: etcd at .* is unavailable/,
      );
      const write = await client
        .create({ key: new PolicyKey({ name: 'p' }), value: { selector: 'all()' } })
        .catch((e: unknown) => e);
      expect((write as KvdirError).code).toBe('ERR_DATASTORE');
      await expect(client.ensureInitialized()).rejects.toThrow(/is unavailable/);
    } finally {
      await client.close();
    }
  });

  it('says "outcome unknown" only for a write that was sent, not for what a write asks first', async () => {
    const store = etcdStore();
    const proxy = await TcpProxy.start(store.endpoint);
    try {
      const client = store.open({ endpoints: proxy.endpoint, requestTimeoutMs: 300 });
      await client.list(new PathListOptions({})); // connected
      proxy.pause();
      const code = (promise: Promise<unknown>) =>
        promise.then(
          () => 'written',
          (e: KvdirError) => e.code,
        );
      const key = new PathKey('/k');
      // The lease grant of a TTL write, and the read that explains a foreign revision.
      expect(await code(client.create({ key, value: { selector: 'all()' }, ttl: 5000 }))).toBe(
        'ERR_DATASTORE',
      );
      expect(
        await code(client.update({ key, value: { selector: 'all()' }, revision: 'x.1' })),
      ).toBe('ERR_DATASTORE');
      expect(await code(client.delete({ key, revision: 'x.1' }))).toBe('ERR_DATASTORE');
      expect(await code(client.create({ key, value: { selector: 'all()' } }))).toBe(
        'ERR_OUTCOME_UNKNOWN',
      );
      expect(await code(client.delete({ key }))).toBe('ERR_OUTCOME_UNKNOWN');
    } finally {
      await proxy.close();
    }
  });

  it('keeps namespaces apart, and an empty namespace writes the plain path', async () => {
    const a = etcdStore();
    const b = etcdStore();
    const key = new PathKey('/same');
    await a.open().create({ key, value: { from: 'a' } });
    await b.open().create({ key, value: { from: 'b' } });
    expect((await a.open().get(key)).value).toEqual({ from: 'a' });
    expect(await b.open().list(new PathListOptions({}))).toHaveLength(1);
    const plain = new EtcdBackend({ endpoints: a.endpoint });
    try {
      expect((await plain.get(new PathKey(`${a.namespace}/same`))).value).toEqual({ from: 'a' });
    } finally {
      await plain.close();
    }
  });

  it('checks its options at once, naming each field', () => {
    const err = (() => {
      try {
        return new EtcdBackend({
          endpoints: ['127.0.0.1:2379'],
          namespace: '/ns/',
          pageSize: 0,
          requestTimeoutMs: 1.5,
        });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    const fields = (err as ValidationError).erroredFields.map((field) => field.name);
    expect(fields).toEqual(['endpoints', 'namespace', 'requestTimeoutMs', 'pageSize']);
    expect(() => new EtcdBackend(undefined as never)).toThrow(ValidationError);
  });

  it('names the etcd key, line and column of a value that does not parse', async () => {
    const store = etcdStore();
    const client = store.open();
    const path = '/calico/v1/policy/tier/default/policy/bad';
    const text = '{"order": 1,\n "selector": [unclosed\n';
    await store.rawPut(path, text);
    const err = await client.get(new PolicyKey({ name: 'bad' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParsingDatastoreEntryError);
    const parseError = err as ParsingDatastoreEntryError;
    expect(parseError.file).toBe(store.namespace + path);
    expect(parseError.rawKey).toBe(path);
    expect(parseError.rawValue).toBe(text);
    expect([parseError.line, parseError.col]).toEqual([2, 15]);
    expect(parseError.message).toContain(`${store.namespace}${path}:2:15: unexpected 'u'`);
  });

  it('stores an IP pool at the CIDR path Calico uses', async () => {
    const store = etcdStore();
    const client = store.open();
    const pool = { cidr: '10.0.0.0/8', ipip: '', masquerade: true, ipam: true, disabled: false };
    await client.create({ key: new IPPoolKey({ cidr: '10.0.0.0/8' }), value: pool });
    expect(await store.rawPaths()).toEqual(['/calico/v1/ipam/v4/pool/10.0.0.0-8']);
  });
});
