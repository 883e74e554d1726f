/**
 * The backend-neutral cases of test/contract/client-contract.ts, run against EtcdBackend on a
 * real etcd, so that both backends behave alike. Where the contract looks at files, these
 * look at etcd's keys through a raw client. To be replaced by the shared contract suite once
 * it no longer depends on the file backend: keep everything of that kind in this one file.
 */
import { describe, expect, it } from 'vitest';
import {
  DatastoreError,
  GlobalConfigKey,
  GlobalConfigListOptions,
  HostConfigKey,
  HostIPKey,
  HostMetadataKey,
  InsufficientIdentifiersError,
  IPPoolKey,
  ParsingDatastoreEntryError,
  PathKey,
  PathListOptions,
  PolicyKey,
  PolicyListOptions,
  ProfileRulesKey,
  ProfileTagsKey,
  ReadyFlagKey,
  ResourceAlreadyExistsError,
  ResourceDoesNotExistError,
  ResourceUpdateConflictError,
  ValidationError,
  WorkloadEndpointKey,
  WorkloadEndpointListOptions,
} from '../../../src/index.js';
import type { KvdirError } from '../../../src/index.js';
import type { EtcdBackend, EtcdBackendOptions } from '../../../src/backends/etcd/index.js';
import type { EtcdStore } from '../../helpers/etcd.js';
import { etcdStore, hasEtcd } from '../../helpers/etcd.js';

const policy = (order: number) => ({
  order,
  selector: "role == 'web'",
  inbound_rules: [{ action: 'allow' }],
  outbound_rules: [],
});
const wep = (h: string, w: string, e: string) =>
  new WorkloadEndpointKey({ hostname: h, orchestratorID: 'k8s', workloadID: w, endpointID: e });
const wepValue = (e: string) => ({
  state: 'active',
  name: e,
  mac: 'ee:ee:ee:ee:ee:ee',
  profile_ids: ['p'],
  ipv4_nets: ['10.0.0.1/32'],
  ipv6_nets: [],
});

describe.runIf(hasEtcd)('Client contract (neutral cases): EtcdBackend on a real etcd', () => {
  let store: EtcdStore;
  const fresh = (options?: Partial<EtcdBackendOptions>): EtcdBackend => {
    store = etcdStore();
    return store.open(options);
  };
  /** Whether etcd holds any key at or below a key path of the store. */
  const exists = async (path: string) =>
    (await store.rawPaths()).some((p) => p === path || p.startsWith(`${path}/`));

  describe('create, get, update, apply', () => {
    it('creates a key as readable JSON and gets it back with the same revision', async () => {
      const client = fresh();
      const key = new PolicyKey({ name: 'allow-web' });
      const created = await client.create({ key, value: policy(10) });
      expect(created.revision).toEqual(expect.any(String));
      const got = await client.get(key);
      expect(got.value).toEqual(policy(10));
      expect(got.revision).toBe(created.revision);
      expect(got.key).toBe(key);
      const text = await store.rawGet('/calico/v1/policy/tier/default/policy/allow-web');
      expect(JSON.parse(text!)).toEqual(policy(10));
    });

    it("refuses to create a key that exists, with Calico's message", async () => {
      const client = fresh();
      const key = new PolicyKey({ name: 'p' });
      await client.create({ key, value: policy(1) });
      const err = await client.create({ key, value: policy(2) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResourceAlreadyExistsError);
      expect((err as KvdirError).message).toBe('resource already exists: Policy(name=p)');
      expect((err as KvdirError).code).toBe('ERR_RESOURCE_ALREADY_EXISTS');
      expect((await client.get(key)).value).toEqual(policy(1));
    });

    it('refuses to update or get a key that does not exist', async () => {
      const client = fresh();
      const key = new PolicyKey({ name: 'missing' });
      await expect(client.update({ key, value: policy(1) })).rejects.toThrow(
        ResourceDoesNotExistError,
      );
      await expect(client.get(key)).rejects.toThrow(
        'resource does not exist: Policy(name=missing)',
      );
      expect(await store.rawPaths()).toEqual([]);
    });

    it('updates with the current revision and refuses a stale one', async () => {
      const client = fresh();
      const key = new PolicyKey({ name: 'p' });
      const r1 = (await client.create({ key, value: policy(1) })).revision!;
      const r2 = (await client.update({ key, value: policy(2), revision: r1 })).revision!;
      expect(r2).not.toBe(r1);
      const err = await client
        .update({ key, value: policy(3), revision: r1 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResourceUpdateConflictError);
      expect((err as Error).message).toBe("update conflict: 'Policy(name=p)'");
      const got = await client.get(key);
      expect(got.value).toEqual(policy(2));
      expect(got.revision).toBe(r2);
      await client.update({ key, value: policy(4) });
      expect((await client.get(key)).value).toEqual(policy(4));
    });

    it('applies: creates, updates, and honours a given revision', async () => {
      const client = fresh();
      const key = new PolicyKey({ name: 'p' });
      const r1 = (await client.apply({ key, value: policy(1) })).revision!;
      const r2 = (await client.apply({ key, value: policy(2) })).revision!;
      expect(r2).not.toBe(r1);
      await expect(client.apply({ key, value: policy(3), revision: r1 })).rejects.toThrow(
        ResourceUpdateConflictError,
      );
      const r3 = (await client.apply({ key, value: policy(3), revision: r2 })).revision!;
      expect((await client.get(key)).revision).toBe(r3);
      const other = new PolicyKey({ name: 'other' });
      await expect(client.apply({ key: other, value: policy(1), revision: r3 })).rejects.toThrow(
        ResourceDoesNotExistError,
      );
    });

    it('gives every write a revision never seen before, also after delete and re-create', async () => {
      const client = fresh();
      const key = new PolicyKey({ name: 'p' });
      const seen = new Set<string>();
      const record = (rev: string | undefined) => {
        expect(rev).toBeDefined();
        expect(seen.has(rev!)).toBe(false);
        seen.add(rev!);
        return rev!;
      };
      const first = record((await client.create({ key, value: policy(1) })).revision);
      record((await client.update({ key, value: policy(1) })).revision);
      record((await client.apply({ key, value: policy(1) })).revision);
      await client.delete({ key });
      record((await client.create({ key, value: policy(1) })).revision);
      await expect(client.update({ key, value: policy(9), revision: first })).rejects.toThrow(
        ResourceUpdateConflictError,
      );
      await client.delete({ key });
      record((await client.apply({ key, value: policy(1) })).revision);
      expect(seen.size).toBe(5);
    });

    it('stores raw values as bare text and decodes them by key type', async () => {
      const client = fresh();
      await client.create({ key: new GlobalConfigKey({ name: 'Version' }), value: '1.10' });
      await client.create({ key: new GlobalConfigKey({ name: 'Flag' }), value: 'true' });
      await client.create({ key: new HostIPKey({ hostname: 'h1' }), value: '10.0.0.1' });
      await client.create({ key: new ReadyFlagKey(), value: true });
      expect((await client.get(new GlobalConfigKey({ name: 'Version' }))).value).toBe('1.10');
      expect((await client.get(new GlobalConfigKey({ name: 'Flag' }))).value).toBe('true');
      expect((await client.get(new HostIPKey({ hostname: 'h1' }))).value).toBe('10.0.0.1');
      expect((await client.get(new ReadyFlagKey())).value).toBe(true);
      expect(await store.rawGet('/calico/v1/Ready')).toBe('true');
      expect(await store.rawGet('/calico/v1/config/Version')).toBe('1.10');
      await store.rawPut('/calico/v1/config/Hand', '1.10');
      expect((await client.get(new GlobalConfigKey({ name: 'Hand' }))).value).toBe('1.10');
      await store.rawPut('/calico/v1/host/h2/bird_ip', 'not-an-ip');
      expect((await client.get(new HostIPKey({ hostname: 'h2' }))).value).toBeNull();
    });

    it('keeps names with / and % apart through Calico escaping', async () => {
      const client = fresh();
      await client.create({ key: new PolicyKey({ name: 'a/b' }), value: policy(1) });
      await client.create({ key: new PolicyKey({ name: 'a%2fb' }), value: policy(2) });
      expect((await client.get(new PolicyKey({ name: 'a/b' }))).value).toEqual(policy(1));
      expect((await client.get(new PolicyKey({ name: 'a%2fb' }))).value).toEqual(policy(2));
      const names = (await client.list(new PolicyListOptions({}))).map(
        (kv) => (kv.key as PolicyKey).name,
      );
      expect(names.sort()).toEqual(['a%2fb', 'a/b']);
    });

    it('reports misuse at once, naming the field', async () => {
      const client = fresh();
      const noValue = await client
        .create({ key: new PolicyKey({ name: 'p' }) })
        .catch((e: unknown) => e);
      expect(noValue).toBeInstanceOf(ValidationError);
      expect((noValue as Error).message).toContain('error with field value');
      const badTtl = await client
        .create({ key: new PolicyKey({ name: 'p' }), value: { selector: 'all()' }, ttl: -1 })
        .catch((e: unknown) => e);
      expect((badTtl as Error).message).toContain('error with field ttl');
      await expect(
        client.create({ key: new PolicyKey({ name: '' }), value: { selector: 'all()' } }),
      ).rejects.toThrow("insufficient identifiers, missing 'name'");
      await expect(
        client.create({ key: new PolicyKey({ name: '' }), value: { selector: 'all()' } }),
      ).rejects.toThrow(InsufficientIdentifiersError);
      await expect(client.get({} as never)).rejects.toThrow(ValidationError);
    });
  });

  describe('delete', () => {
    it('deletes recursively and leaves no implicit parents behind', async () => {
      const client = fresh();
      await client.create({ key: wep('h', 'w', 'e1'), value: wepValue('e1') });
      await client.create({ key: wep('h', 'w', 'e2'), value: wepValue('e2') });
      await client.create({ key: wep('h', 'w2', 'e1'), value: wepValue('e1') });
      await client.delete({ key: wep('h', 'w', 'e1') });
      expect(await exists('/calico/v1/host/h/workload/k8s/w/endpoint')).toBe(true);
      await client.delete({ key: wep('h', 'w', 'e2') });
      expect(await exists('/calico/v1/host/h/workload/k8s/w')).toBe(false);
      expect(await exists('/calico/v1/host/h/workload/k8s')).toBe(true);
      expect(
        (await client.list(new WorkloadEndpointListOptions({}))).map((kv) => kv.key.toString()),
      ).toEqual(['WorkloadEndpoint(node=h, orchestrator=k8s, workload=w2, name=e1)']);
    });

    it('removes the whole subtree below a key, and not a sibling that shares its prefix', async () => {
      const client = fresh();
      await client.create({ key: new PathKey('/apps/web'), value: { replicas: 2 } });
      await client.create({ key: new PathKey('/apps/web/settings'), value: { a: 1 } });
      await client.create({ key: new PathKey('/apps/web/settings/deep/er'), value: { b: 2 } });
      await client.create({ key: new PathKey('/apps/webby'), value: { c: 3 } });
      await client.create({ key: new PathKey('/apps/web-x'), value: { d: 4 } });
      await client.delete({ key: new PathKey('/apps/web') });
      const left = await client.list(new PathListOptions({ prefix: '/apps' }));
      expect(left.map((kv) => kv.key.defaultPath())).toEqual(['/apps/web-x', '/apps/webby']);
      expect(await store.rawPaths()).toEqual(['/apps/web-x', '/apps/webby']);
    });

    it('refuses a stale revision and a missing key, leaving the value intact', async () => {
      const client = fresh();
      const key = new PolicyKey({ name: 'p' });
      const r1 = (await client.create({ key, value: policy(1) })).revision!;
      const r2 = (await client.update({ key, value: policy(2) })).revision!;
      await expect(client.delete({ key, revision: r1 })).rejects.toThrow(
        ResourceUpdateConflictError,
      );
      expect((await client.get(key)).revision).toBe(r2);
      await client.delete({ key, revision: r2 });
      await expect(client.get(key)).rejects.toThrow(ResourceDoesNotExistError);
      await expect(client.delete({ key })).rejects.toThrow(ResourceDoesNotExistError);
      await expect(client.delete({ key, revision: r2 })).rejects.toThrow(ResourceDoesNotExistError);
    });

    it('deletes a whole host through its HostMetadataKey, and gets {} for a host without metadata', async () => {
      const client = fresh();
      await client.create({ key: wep('h1', 'w', 'e'), value: wepValue('e') });
      await client.create({
        key: new HostConfigKey({ hostname: 'h1', name: 'LogLevel' }),
        value: 'debug',
      });
      await client.create({ key: new HostIPKey({ hostname: 'h10' }), value: '10.0.0.10' });
      const meta = await client.get(new HostMetadataKey({ hostname: 'h1' }));
      expect(meta.value).toEqual({});
      expect(meta.revision).toBeUndefined();
      await expect(client.get(new HostMetadataKey({ hostname: 'h9' }))).rejects.toThrow(
        ResourceDoesNotExistError,
      );
      await client.create({ key: new HostMetadataKey({ hostname: 'h2' }), value: {} });
      await client.delete({ key: new HostMetadataKey({ hostname: 'h1' }) });
      expect(await exists('/calico/v1/host/h1')).toBe(false);
      expect(await store.rawPaths()).toEqual([
        '/calico/v1/host/h10/bird_ip',
        '/calico/v1/host/h2/metadata',
      ]);
    });

    it("deletes a profile's directory through any of its parts", async () => {
      const client = fresh();
      await client.create({
        key: new ProfileRulesKey({ name: 'prof' }),
        value: { inbound_rules: [], outbound_rules: [] },
      });
      await client.create({ key: new ProfileTagsKey({ name: 'prof' }), value: ['a', 'b'] });
      await client.delete({ key: new ProfileTagsKey({ name: 'prof' }) });
      await expect(client.get(new ProfileRulesKey({ name: 'prof' }))).rejects.toThrow(
        ResourceDoesNotExistError,
      );
      expect(await store.rawPaths()).toEqual([]);
    });
  });

  describe('list', () => {
    it('returns [] for a missing root, also when the datastore is empty', async () => {
      const client = fresh();
      expect(await client.list(new PolicyListOptions({}))).toEqual([]);
      await client.create({ key: new GlobalConfigKey({ name: 'x' }), value: 'y' });
      expect(await client.list(new WorkloadEndpointListOptions({ hostname: 'nobody' }))).toEqual(
        [],
      );
    });

    it('lists in path order with revisions, filtering on every non-empty field', async () => {
      const client = fresh();
      for (const [h, w, e] of [
        ['h2', 'b', 'e1'],
        ['h1', 'b', 'e2'],
        ['h1', 'a', 'e1'],
        ['h1', 'b', 'e1'],
      ] as const) {
        await client.create({ key: wep(h, w, e), value: wepValue(e) });
      }
      const all = await client.list(new WorkloadEndpointListOptions({}));
      expect(all.map((kv) => kv.key.defaultPath())).toEqual(
        [...all.map((kv) => kv.key.defaultPath())].sort(),
      );
      expect(all).toHaveLength(4);
      for (const kv of all) expect(kv.revision).toBe((await client.get(kv.key)).revision);
      const h1 = await client.list(new WorkloadEndpointListOptions({ hostname: 'h1' }));
      expect(h1.map((kv) => kv.key.toString())).toEqual([
        'WorkloadEndpoint(node=h1, orchestrator=k8s, workload=a, name=e1)',
        'WorkloadEndpoint(node=h1, orchestrator=k8s, workload=b, name=e1)',
        'WorkloadEndpoint(node=h1, orchestrator=k8s, workload=b, name=e2)',
      ]);
      const onlyB = await client.list(new WorkloadEndpointListOptions({ workloadID: 'b' }));
      expect(onlyB).toHaveLength(3);
      const one = await client.list(
        new WorkloadEndpointListOptions({
          hostname: 'h1',
          orchestratorID: 'k8s',
          workloadID: 'a',
          endpointID: 'e1',
        }),
      );
      expect(one).toHaveLength(1);
    });

    it('lists global config names that hold /', async () => {
      const client = fresh();
      await client.create({ key: new GlobalConfigKey({ name: 'a/b' }), value: '1' });
      await client.create({ key: new GlobalConfigKey({ name: 'a' }), value: '2' });
      const names = (await client.list(new GlobalConfigListOptions({}))).map(
        (kv) => (kv.key as GlobalConfigKey).name,
      );
      expect(names).toEqual(['a', 'a/b']);
    });
  });

  describe('values that do not parse', () => {
    it('get throws naming the etcd key, line and column; list skips it and reports it', async () => {
      const reported: KvdirError[] = [];
      const client = fresh({ onListError: (e) => reported.push(e) });
      await client.create({ key: new PolicyKey({ name: 'good' }), value: policy(1) });
      const path = '/calico/v1/policy/tier/default/policy/bad';
      await store.rawPut(path, '{"order": 1,\n "selector": [unclosed\n');
      const err = await client.get(new PolicyKey({ name: 'bad' })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ParsingDatastoreEntryError);
      const parseError = err as ParsingDatastoreEntryError;
      expect(parseError.file).toBe(store.namespace + path);
      expect(parseError.rawKey).toBe(path);
      expect(parseError.rawValue).toBe('{"order": 1,\n "selector": [unclosed\n');
      expect([parseError.line, parseError.col]).toEqual([2, 15]);
      expect(parseError.message).toContain(`${store.namespace}${path}:2:15: unexpected 'u'`);
      const listed = await client.list(new PolicyListOptions({}));
      expect(listed.map((kv) => kv.key.toString())).toEqual(['Policy(name=good)']);
      expect(reported).toHaveLength(1);
      expect(reported[0]).toBeInstanceOf(ParsingDatastoreEntryError);
    });
  });

  describe('lifecycle', () => {
    it('ensureInitialized sets the Ready flag, once', async () => {
      const client = fresh();
      await client.ensureInitialized();
      const first = await client.get(new ReadyFlagKey());
      expect(first.value).toBe(true);
      await client.ensureInitialized();
      expect((await client.get(new ReadyFlagKey())).revision).toBe(first.revision);
    });

    it('close is idempotent and later calls reject clearly', async () => {
      const client = fresh();
      const a = client.close();
      expect(client.close()).toBe(a);
      await a;
      await expect(client.get(new PolicyKey({ name: 'p' }))).rejects.toThrow(DatastoreError);
      await expect(
        client.create({ key: new PolicyKey({ name: 'p' }), value: { selector: 'all()' } }),
      ).rejects.toThrow('the client is closed');
    });

    it('serialises concurrent writers of one key without losing an increment', async () => {
      const client = fresh();
      const key = new PathKey('/counter');
      await client.create({ key, value: { n: 0 } });
      const increment = async () => {
        for (;;) {
          const kv = await client.get(key);
          try {
            await client.update({
              key,
              value: { n: (kv.value as { n: number }).n + 1 },
              revision: kv.revision!,
            });
            return;
          } catch (err) {
            if (!(err instanceof ResourceUpdateConflictError)) throw err;
          }
        }
      };
      await Promise.all(Array.from({ length: 20 }, increment));
      expect((await client.get(key)).value).toEqual({ n: 20 });
    });
  });

  it('accepts IP pool keys and lists them', async () => {
    const client = fresh();
    await client.create({
      key: new IPPoolKey({ cidr: '10.0.0.0/8' }),
      value: { cidr: '10.0.0.0/8', ipip: '', masquerade: true, ipam: true, disabled: false },
    });
    expect(await store.rawPaths()).toEqual(['/calico/v1/ipam/v4/pool/10.0.0.0-8']);
  });
});
