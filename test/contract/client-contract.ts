/**
 * The behaviour of a Client, written once. Each backend's test file calls `clientContract`
 * with a factory for a fresh, isolated store; backend-specific extras sit beside that call.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
} from '../../src/index.js';
import type { FileBackendOptions, KvdirError, FileBackend } from '../../src/index.js';
import { FakeClock } from '../helpers/fake-clock.js';

/** A fresh, isolated store: its root, its fs, and a way to open clients on it. */
export interface ContractStore {
  root: string;
  /** Node's fs or a memfs fs: anything with `promises.readFile/writeFile/readdir/...`. */
  fs: any;
  open(options?: Partial<FileBackendOptions>): FileBackend;
}

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

export function clientContract(name: string, makeStore: () => Promise<ContractStore>): void {
  describe(`Client contract: ${name}`, () => {
    const clients: FileBackend[] = [];
    let store: ContractStore;
    const open = (options?: Partial<FileBackendOptions>) => {
      const client = store.open(options);
      clients.push(client);
      return client;
    };
    const fresh = async (options?: Partial<FileBackendOptions>) => {
      store = await makeStore();
      return open(options);
    };
    const writeRaw = async (relative: string, text: string) => {
      const file = join(store.root, relative);
      await store.fs.promises.mkdir(join(file, '..'), { recursive: true });
      await store.fs.promises.writeFile(file, text);
    };
    const readRaw = async (relative: string) =>
      String(await store.fs.promises.readFile(join(store.root, relative)));
    const exists = async (relative: string) =>
      store.fs.promises.lstat(join(store.root, relative)).then(
        () => true,
        () => false,
      );
    const listAll = async (dir = store.root): Promise<string[]> => {
      const out: string[] = [];
      for (const entry of await store.fs.promises.readdir(dir, { withFileTypes: true })) {
        const path = join(dir, String(entry.name));
        out.push(path.slice(store.root.length + 1));
        if (entry.isDirectory()) out.push(...(await listAll(path)));
      }
      return out.sort();
    };

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
    });

    describe('create, get, update, apply', () => {
      it('creates a key as a readable YAML file and gets it back with the same revision', async () => {
        const client = await fresh();
        const key = new PolicyKey({ name: 'allow-web' });
        const created = await client.create({ key, value: policy(10) });
        expect(created.revision).toEqual(expect.any(String));
        const got = await client.get(key);
        expect(got.value).toEqual(policy(10));
        expect(got.revision).toBe(created.revision);
        expect(got.key).toBe(key);
        const text = await readRaw('calico/v1/policy/tier/default/policy/allow-web.yaml');
        expect(text).toContain("selector: role == 'web'");
      });

      it("refuses to create a key that exists, with Calico's message", async () => {
        const client = await fresh();
        const key = new PolicyKey({ name: 'p' });
        await client.create({ key, value: policy(1) });
        const err = await client.create({ key, value: policy(2) }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ResourceAlreadyExistsError);
        expect((err as KvdirError).message).toBe('resource already exists: Policy(name=p)');
        expect((err as KvdirError).code).toBe('ERR_RESOURCE_ALREADY_EXISTS');
        expect((await client.get(key)).value).toEqual(policy(1));
      });

      it('refuses to update or get a key that does not exist', async () => {
        const client = await fresh();
        const key = new PolicyKey({ name: 'missing' });
        await expect(client.update({ key, value: policy(1) })).rejects.toThrow(
          ResourceDoesNotExistError,
        );
        await expect(client.get(key)).rejects.toThrow(
          'resource does not exist: Policy(name=missing)',
        );
        expect(await exists('calico')).toBe(false);
      });

      it('updates with the current revision and refuses a stale one', async () => {
        const client = await fresh();
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
        const client = await fresh();
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
        const client = await fresh();
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

      it('stores raw values as YAML scalars and decodes them by key type', async () => {
        const client = await fresh();
        await client.create({ key: new GlobalConfigKey({ name: 'Version' }), value: '1.10' });
        await client.create({ key: new GlobalConfigKey({ name: 'Flag' }), value: 'true' });
        await client.create({ key: new HostIPKey({ hostname: 'h1' }), value: '10.0.0.1' });
        await client.create({ key: new ReadyFlagKey(), value: true });
        expect((await client.get(new GlobalConfigKey({ name: 'Version' }))).value).toBe('1.10');
        expect((await client.get(new GlobalConfigKey({ name: 'Flag' }))).value).toBe('true');
        expect((await client.get(new HostIPKey({ hostname: 'h1' }))).value).toBe('10.0.0.1');
        expect((await client.get(new ReadyFlagKey())).value).toBe(true);
        expect((await readRaw('calico/v1/Ready.yaml')).trim()).toBe('true');
        await writeRaw('calico/v1/config/Hand.yaml', '1.10\n');
        expect((await client.get(new GlobalConfigKey({ name: 'Hand' }))).value).toBe('1.10');
        await writeRaw('calico/v1/host/h2/bird_ip.yaml', 'not-an-ip\n');
        expect((await client.get(new HostIPKey({ hostname: 'h2' }))).value).toBeNull();
      });

      it('keeps names with / and % apart through Calico escaping', async () => {
        const client = await fresh();
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
        const client = await fresh();
        const noValue = await client
          .create({ key: new PolicyKey({ name: 'p' }) })
          .catch((e: unknown) => e);
        expect(noValue).toBeInstanceOf(ValidationError);
        expect((noValue as Error).message).toContain('error with field value');
        const badTtl = await client
          .create({ key: new PolicyKey({ name: 'p' }), value: policy(1), ttl: -1 })
          .catch((e: unknown) => e);
        expect((badTtl as Error).message).toContain('error with field ttl');
        await expect(
          client.create({ key: new PolicyKey({ name: '' }), value: policy(1) }),
        ).rejects.toThrow(InsufficientIdentifiersError);
        await expect(
          client.create({ key: new PolicyKey({ name: '' }), value: policy(1) }),
        ).rejects.toThrow("insufficient identifiers, missing 'name'");
        await expect(client.get({} as never)).rejects.toThrow(ValidationError);
      });
    });

    describe('delete', () => {
      it('deletes recursively and removes implicit parents only when empty', async () => {
        const client = await fresh();
        await client.create({ key: wep('h', 'w', 'e1'), value: wepValue('e1') });
        await client.create({ key: wep('h', 'w', 'e2'), value: wepValue('e2') });
        await client.create({ key: wep('h', 'w2', 'e1'), value: wepValue('e1') });
        await client.delete({ key: wep('h', 'w', 'e1') });
        expect(await exists('calico/v1/host/h/workload/k8s/w/endpoint')).toBe(true);
        await client.delete({ key: wep('h', 'w', 'e2') });
        expect(await exists('calico/v1/host/h/workload/k8s/w')).toBe(false);
        expect(await exists('calico/v1/host/h/workload/k8s')).toBe(true);
        expect(
          (await client.list(new WorkloadEndpointListOptions({}))).map((kv) => kv.key.toString()),
        ).toEqual(['WorkloadEndpoint(node=h, orchestrator=k8s, workload=w2, name=e1)']);
      });

      it('removes the whole subtree below a key, and its sidecars', async () => {
        const client = await fresh();
        await client.create({ key: new PathKey('/apps/web'), value: { replicas: 2 } });
        await client.create({ key: new PathKey('/apps/web/settings'), value: { a: 1 } });
        await client.create({ key: new PathKey('/apps/web/settings/deep/er'), value: { b: 2 } });
        await client.create({ key: new PathKey('/apps/webby'), value: { c: 3 } });
        await client.delete({ key: new PathKey('/apps/web') });
        const left = await client.list(new PathListOptions({ prefix: '/apps' }));
        expect(left.map((kv) => kv.key.defaultPath())).toEqual(['/apps/webby']);
        expect((await listAll()).filter((p) => !p.startsWith('.kvdir-locks'))).toEqual([
          'apps',
          'apps/.kvdir-webby.yaml.rev',
          'apps/webby.yaml',
        ]);
      });

      it('refuses a stale revision and a missing key, leaving the value intact', async () => {
        const client = await fresh();
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
      });

      it('deletes a whole host through its HostMetadataKey, and gets {} for a host without metadata', async () => {
        const client = await fresh();
        await client.create({ key: wep('h1', 'w', 'e'), value: wepValue('e') });
        await client.create({
          key: new HostConfigKey({ hostname: 'h1', name: 'LogLevel' }),
          value: 'debug',
        });
        const meta = await client.get(new HostMetadataKey({ hostname: 'h1' }));
        expect(meta.value).toEqual({});
        expect(meta.revision).toBeUndefined();
        await expect(client.get(new HostMetadataKey({ hostname: 'h9' }))).rejects.toThrow(
          ResourceDoesNotExistError,
        );
        await client.create({ key: new HostMetadataKey({ hostname: 'h2' }), value: {} });
        await client.delete({ key: new HostMetadataKey({ hostname: 'h1' }) });
        expect(await exists('calico/v1/host/h1')).toBe(false);
        expect(await exists('calico/v1/host/h2/metadata.yaml')).toBe(true);
      });

      it("deletes a profile's directory through any of its parts", async () => {
        const client = await fresh();
        await client.create({
          key: new ProfileRulesKey({ name: 'prof' }),
          value: { inbound_rules: [], outbound_rules: [] },
        });
        await client.create({ key: new ProfileTagsKey({ name: 'prof' }), value: ['a', 'b'] });
        await client.delete({ key: new ProfileTagsKey({ name: 'prof' }) });
        await expect(client.get(new ProfileRulesKey({ name: 'prof' }))).rejects.toThrow(
          ResourceDoesNotExistError,
        );
      });
    });

    describe('list', () => {
      it('returns [] for a missing root, also when the datastore root does not exist', async () => {
        const client = await fresh();
        expect(await client.list(new PolicyListOptions({}))).toEqual([]);
        await client.create({ key: new GlobalConfigKey({ name: 'x' }), value: 'y' });
        expect(await client.list(new WorkloadEndpointListOptions({ hostname: 'nobody' }))).toEqual(
          [],
        );
      });

      it('lists in path order with revisions, filtering on every non-empty field', async () => {
        const client = await fresh();
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
        const client = await fresh();
        await client.create({ key: new GlobalConfigKey({ name: 'a/b' }), value: '1' });
        await client.create({ key: new GlobalConfigKey({ name: 'a' }), value: '2' });
        const names = (await client.list(new GlobalConfigListOptions({}))).map(
          (kv) => (kv.key as GlobalConfigKey).name,
        );
        expect(names).toEqual(['a', 'a/b']);
      });
    });

    describe('revisions and edits made outside kvdir', () => {
      it('gives a tree without metadata stable revisions, and reading never writes', async () => {
        const client = await fresh();
        await writeRaw(
          'calico/v1/policy/tier/default/policy/p.yaml',
          'order: 1\nselector: all()\n',
        );
        const before = await listAll();
        const a = await client.get(new PolicyKey({ name: 'p' }));
        const b = await client.get(new PolicyKey({ name: 'p' }));
        const listed = await client.list(new PolicyListOptions({}));
        expect(a.value).toEqual({ order: 1, selector: 'all()' });
        expect(a.revision).toEqual(expect.any(String));
        expect(b.revision).toBe(a.revision);
        expect(listed[0]!.revision).toBe(a.revision);
        expect(await listAll()).toEqual(before);
        const updated = await client.update({
          key: new PolicyKey({ name: 'p' }),
          value: { order: 2, selector: '' },
          revision: a.revision!,
        });
        expect(updated.revision).not.toBe(a.revision);
      });

      it('sees an outside edit of the same size as a new revision, and refuses the pre-edit one', async () => {
        const client = await fresh();
        const key = new PolicyKey({ name: 'p' });
        const r1 = (await client.create({ key, value: { order: 1, selector: '' } })).revision!;
        const file = 'calico/v1/policy/tier/default/policy/p.yaml';
        const text = await readRaw(file);
        await writeRaw(file, text.replace('1', '2'));
        const edited = await client.get(key);
        expect(edited.value).toEqual({ order: 2, selector: '' });
        expect(edited.revision).not.toBe(r1);
        expect((await client.list(new PolicyListOptions({})))[0]!.revision).toBe(edited.revision);
        await expect(
          client.update({ key, value: { order: 3, selector: '' }, revision: r1 }),
        ).rejects.toThrow(ResourceUpdateConflictError);
        await expect(client.delete({ key, revision: r1 })).rejects.toThrow(
          ResourceUpdateConflictError,
        );
        await writeRaw(file, text.replace('1', '3'));
        const again = await client.get(key);
        expect(again.revision).not.toBe(edited.revision);
        expect(again.revision).not.toBe(r1);
        const r4 = (
          await client.update({ key, value: { order: 4, selector: '' }, revision: again.revision! })
        ).revision;
        expect(r4).not.toBe(r1);
      });
    });

    describe('TTL', () => {
      it('expires a key: get and list stop returning it, also in a new client', async () => {
        const clock = new FakeClock();
        const client = await fresh({ clock });
        const key = new PolicyKey({ name: 'short' });
        await client.create({ key, value: policy(1), ttl: 1000 });
        await client.create({ key: new PolicyKey({ name: 'long' }), value: policy(2) });
        expect((await client.get(key)).ttl).toBe(1000);
        clock.advance(999);
        expect((await client.get(key)).value).toEqual(policy(1));
        clock.advance(1);
        await expect(client.get(key)).rejects.toThrow(ResourceDoesNotExistError);
        expect(
          (await client.list(new PolicyListOptions({}))).map((kv) => kv.key.toString()),
        ).toEqual(['Policy(name=long)']);
        await expect(client.update({ key, value: policy(3) })).rejects.toThrow(
          ResourceDoesNotExistError,
        );
        const restarted = open({ clock });
        await expect(restarted.get(key)).rejects.toThrow(ResourceDoesNotExistError);
        await restarted.create({ key, value: policy(4) });
        clock.advance(10_000);
        expect((await restarted.get(key)).value).toEqual(policy(4));
      });
    });

    describe('YAML that does not parse', () => {
      it('get throws naming file, line and column; list skips it and reports it', async () => {
        const reported: KvdirError[] = [];
        const client = await fresh({ onListError: (e) => reported.push(e) });
        await client.create({ key: new PolicyKey({ name: 'good' }), value: policy(1) });
        await writeRaw(
          'calico/v1/policy/tier/default/policy/bad.yaml',
          'order: 1\nselector: [unclosed\n',
        );
        const err = await client.get(new PolicyKey({ name: 'bad' })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ParsingDatastoreEntryError);
        const parseError = err as ParsingDatastoreEntryError;
        expect(parseError.file).toBe(
          join(store.root, 'calico/v1/policy/tier/default/policy/bad.yaml'),
        );
        expect(parseError.line).toEqual(expect.any(Number));
        expect(parseError.col).toEqual(expect.any(Number));
        expect(parseError.message).toContain(`bad.yaml:${parseError.line}:${parseError.col}`);
        const listed = await client.list(new PolicyListOptions({}));
        expect(listed.map((kv) => kv.key.toString())).toEqual(['Policy(name=good)']);
        expect(reported).toHaveLength(1);
        expect(reported[0]).toBeInstanceOf(ParsingDatastoreEntryError);
      });
    });

    describe('on-disk layout', () => {
      it('maps hostile path segments to safe names that round-trip, and refuses the rest', async () => {
        const client = await fresh();
        const names = [
          '..',
          '.',
          '.hidden',
          '%2e',
          '%25',
          '.kvdir-x.yaml.rev',
          'a\\b',
          '-rf',
          'new\nline',
          'é',
          'e\u0301',
          'Case',
          'case',
        ];
        for (const [i, name] of names.entries()) {
          await client.create({ key: new PathKey(`/n/${name}`), value: { i } });
        }
        for (const [i, name] of names.entries()) {
          expect((await client.get(new PathKey(`/n/${name}`))).value).toEqual({ i });
        }
        const listed = await client.list(new PathListOptions({ prefix: '/n' }));
        expect(listed.map((kv) => kv.key.defaultPath()).sort()).toEqual(
          names.map((n) => `/n/${n}`).sort(),
        );
        expect(
          (await listAll()).filter((p) => p.startsWith('n/') && !p.startsWith('n/.kvdir-')),
        ).toEqual(
          expect.arrayContaining(['n/%2e..yaml', 'n/%2e.yaml', 'n/%2ehidden.yaml', 'n/%252e.yaml']),
        );
        for (const bad of ['/n/x.yaml', `/n/${'x'.repeat(201)}`]) {
          const err = await client
            .create({ key: new PathKey(bad), value: {} })
            .catch((e: unknown) => e);
          expect(err).toBeInstanceOf(ValidationError);
          expect((err as Error).message).toContain('error with field path');
        }
      });

      it('keeps metadata, temp files and locks hidden under .kvdir-', async () => {
        const client = await fresh();
        await client.create({ key: new PolicyKey({ name: 'p' }), value: policy(1) });
        await client.update({ key: new PolicyKey({ name: 'p' }), value: policy(2) });
        const visible = (await listAll()).filter(
          (p) => !p.split('/').some((s) => s.startsWith('.kvdir-')),
        );
        expect(visible).toEqual([
          'calico',
          'calico/v1',
          'calico/v1/policy',
          'calico/v1/policy/tier',
          'calico/v1/policy/tier/default',
          'calico/v1/policy/tier/default/policy',
          'calico/v1/policy/tier/default/policy/p.yaml',
        ]);
      });
    });

    describe('lifecycle', () => {
      it('ensureInitialized creates the root and the Ready flag, once', async () => {
        const client = await fresh();
        await client.ensureInitialized();
        const first = await client.get(new ReadyFlagKey());
        expect(first.value).toBe(true);
        await client.ensureInitialized();
        expect((await client.get(new ReadyFlagKey())).revision).toBe(first.revision);
      });

      it('close is idempotent and later calls reject clearly', async () => {
        const client = await fresh();
        const a = client.close();
        expect(client.close()).toBe(a);
        await a;
        await expect(client.get(new PolicyKey({ name: 'p' }))).rejects.toThrow(DatastoreError);
        await expect(
          client.create({ key: new PolicyKey({ name: 'p' }), value: policy(1) }),
        ).rejects.toThrow('the client is closed');
      });

      it('serialises concurrent writers of one key without losing an increment', async () => {
        const client = await fresh();
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
      const client = await fresh();
      await client.create({
        key: new IPPoolKey({ cidr: '10.0.0.0/8' }),
        value: { cidr: '10.0.0.0/8', ipip: '', masquerade: true, ipam: true, disabled: false },
      });
      expect(await exists('calico/v1/ipam/v4/pool/10.0.0.0-8.yaml')).toBe(true);
    });
  });
}
