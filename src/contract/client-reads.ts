/** The client contract, part two: delete, list, outside edits, TTL, parse errors, lifecycle. */
import assert from 'node:assert/strict';
import {
  GlobalConfigKey,
  GlobalConfigListOptions,
  HostConfigKey,
  HostMetadataKey,
  IPPoolKey,
  IPPoolListOptions,
  ParsingDatastoreEntryError,
  PathKey,
  PathListOptions,
  PolicyKey,
  PolicyListOptions,
  ProfileRulesKey,
  ProfileTagsKey,
  ReadyFlagKey,
  ResourceUpdateConflictError,
  WorkloadEndpointListOptions,
} from '../index.js';
import type { KVPair } from '../index.js';
import { inSession } from './session.js';
import type { ContractOptions } from './types.js';
import { broken, policy, rejectsWith, stored, wep, wepValue } from './values.js';

export function readTests(contract: ContractOptions): void {
  const { describe, it } = contract.test;
  const { format } = contract.supports;

  describe('delete', () => {
    it(
      'deletes recursively and removes implicit parents only when empty',
      inSession(contract, async ({ client, raw }) => {
        await client.create({ key: wep('h', 'w', 'e1'), value: wepValue('e1') });
        await client.create({ key: wep('h', 'w', 'e2'), value: wepValue('e2') });
        await client.create({ key: wep('h', 'w2', 'e1'), value: wepValue('e1') });
        await client.delete({ key: wep('h', 'w', 'e1') });
        assert.equal(await raw.has('/calico/v1/host/h/workload/k8s/w/endpoint'), true);
        await client.delete({ key: wep('h', 'w', 'e2') });
        assert.equal(await raw.has('/calico/v1/host/h/workload/k8s/w'), false);
        assert.equal(await raw.has('/calico/v1/host/h/workload/k8s'), true);
        const left = await client.list(new WorkloadEndpointListOptions({}));
        assert.deepEqual(
          left.map((kv) => kv.key.toString()),
          ['WorkloadEndpoint(node=h, orchestrator=k8s, workload=w2, name=e1)'],
        );
      }),
    );

    it(
      'removes the whole subtree below a key, and nothing beside it',
      inSession(contract, async ({ client, raw }) => {
        await client.create({ key: new PathKey('/apps/web'), value: { replicas: 2 } });
        await client.create({ key: new PathKey('/apps/web/settings'), value: { a: 1 } });
        await client.create({ key: new PathKey('/apps/web/settings/deep/er'), value: { b: 2 } });
        await client.create({ key: new PathKey('/apps/webby'), value: { c: 3 } });
        await client.create({ key: new PathKey('/apps/web-x'), value: { d: 4 } });
        await client.delete({ key: new PathKey('/apps/web') });
        const left = await client.list(new PathListOptions({ prefix: '/apps' }));
        assert.deepEqual(
          left.map((kv) => kv.key.defaultPath()),
          ['/apps/web-x', '/apps/webby'],
        );
        assert.equal(await raw.has('/apps/web'), false);
      }),
    );

    it(
      'refuses a stale revision and a missing key, leaving the value intact',
      inSession(contract, async ({ client }) => {
        const key = new PolicyKey({ name: 'p' });
        const r1 = (await client.create({ key, value: policy(1) })).revision;
        const r2 = (await client.update({ key, value: policy(2) })).revision;
        await rejectsWith(client.delete({ key, revision: r1 }), 'ERR_UPDATE_CONFLICT');
        assert.equal((await client.get(key)).revision, r2);
        await client.delete({ key, revision: r2 });
        await rejectsWith(client.get(key), 'ERR_RESOURCE_DOES_NOT_EXIST');
        await rejectsWith(client.delete({ key }), 'ERR_RESOURCE_DOES_NOT_EXIST');
      }),
    );

    it(
      'deletes a whole host through its HostMetadataKey, and gets {} for a host without metadata',
      inSession(contract, async ({ client, raw }) => {
        await client.create({ key: wep('h1', 'w', 'e'), value: wepValue('e') });
        await client.create({ key: wep('h10', 'w', 'e'), value: wepValue('e') });
        const config = new HostConfigKey({ hostname: 'h1', name: 'LogLevel' });
        await client.create({ key: config, value: 'debug' });
        const meta = await client.get(new HostMetadataKey({ hostname: 'h1' }));
        assert.deepEqual(meta.value, {});
        assert.equal(meta.revision, undefined);
        await rejectsWith(
          client.get(new HostMetadataKey({ hostname: 'h9' })),
          'ERR_RESOURCE_DOES_NOT_EXIST',
        );
        await client.create({ key: new HostMetadataKey({ hostname: 'h2' }), value: {} });
        await client.delete({ key: new HostMetadataKey({ hostname: 'h1' }) });
        assert.equal(await raw.has('/calico/v1/host/h1'), false);
        assert.equal(await raw.has('/calico/v1/host/h10'), true);
        assert.equal(await raw.has('/calico/v1/host/h2/metadata'), true);
      }),
    );

    it(
      "deletes a profile's parts through any of them",
      inSession(contract, async ({ client }) => {
        const rules = new ProfileRulesKey({ name: 'prof' });
        await client.create({ key: rules, value: { inbound_rules: [], outbound_rules: [] } });
        await client.create({ key: new ProfileTagsKey({ name: 'prof' }), value: ['a', 'b'] });
        await client.delete({ key: new ProfileTagsKey({ name: 'prof' }) });
        await rejectsWith(client.get(rules), 'ERR_RESOURCE_DOES_NOT_EXIST');
      }),
    );
  });

  describe('list', () => {
    it(
      'returns [] for a missing root, also when the datastore is empty',
      inSession(contract, async ({ client }) => {
        assert.deepEqual(await client.list(new PolicyListOptions({})), []);
        await client.create({ key: new GlobalConfigKey({ name: 'x' }), value: 'y' });
        const nobody = new WorkloadEndpointListOptions({ hostname: 'nobody' });
        assert.deepEqual(await client.list(nobody), []);
      }),
    );

    it(
      'lists in path order with revisions, filtering on every non-empty field',
      inSession(contract, async ({ client }) => {
        for (const [h, w, e] of [
          ['h2', 'b', 'e1'],
          ['h1', 'b', 'e2'],
          ['h1', 'a', 'e1'],
          ['h1', 'b', 'e1'],
        ] as const) {
          await client.create({ key: wep(h, w, e), value: wepValue(e) });
        }
        const all = await client.list(new WorkloadEndpointListOptions({}));
        const paths = all.map((kv) => kv.key.defaultPath());
        assert.deepEqual(paths, [...paths].sort());
        assert.equal(all.length, 4);
        for (const kv of all) assert.equal(kv.revision, (await client.get(kv.key)).revision);
        const h1 = await client.list(new WorkloadEndpointListOptions({ hostname: 'h1' }));
        assert.deepEqual(
          h1.map((kv) => kv.key.toString()),
          [
            'WorkloadEndpoint(node=h1, orchestrator=k8s, workload=a, name=e1)',
            'WorkloadEndpoint(node=h1, orchestrator=k8s, workload=b, name=e1)',
            'WorkloadEndpoint(node=h1, orchestrator=k8s, workload=b, name=e2)',
          ],
        );
        const onlyB = await client.list(new WorkloadEndpointListOptions({ workloadID: 'b' }));
        assert.equal(onlyB.length, 3);
        const exact = { hostname: 'h1', orchestratorID: 'k8s', workloadID: 'a', endpointID: 'e1' };
        assert.equal((await client.list(new WorkloadEndpointListOptions(exact))).length, 1);
      }),
    );

    it(
      'lists a key beside its own subtree, and siblings that share a prefix, in path order',
      inSession(contract, async ({ client }) => {
        for (const path of ['/t/a/x', '/t/a%2fz', '/t/a-y', '/t/a', '/t/b', '/t/A']) {
          await client.create({ key: new PathKey(path), value: { path } });
        }
        const listed = (await client.list(new PathListOptions({ prefix: '/t/a' }))).map((kv) =>
          kv.key.defaultPath(),
        );
        assert.deepEqual(listed, ['/t/a', '/t/a/x']);
        const all = (await client.list(new PathListOptions({ prefix: '/t' }))).map((kv) =>
          kv.key.defaultPath(),
        );
        assert.deepEqual(all, [...all].sort());
        assert.equal(all.length, 6);
      }),
    );

    it(
      'lists global config names that hold /, and IP pools by CIDR',
      inSession(contract, async ({ client }) => {
        await client.create({ key: new GlobalConfigKey({ name: 'a/b' }), value: '1' });
        await client.create({ key: new GlobalConfigKey({ name: 'a' }), value: '2' });
        const names = (await client.list(new GlobalConfigListOptions({}))).map(
          (kv) => (kv.key as GlobalConfigKey).name,
        );
        assert.deepEqual(names, ['a', 'a/b']);
        const pool = {
          cidr: '10.0.0.0/8',
          ipip: '',
          masquerade: true,
          ipam: true,
          disabled: false,
        };
        await client.create({ key: new IPPoolKey({ cidr: '10.0.0.0/8' }), value: pool });
        const pools = await client.list(new IPPoolListOptions({}));
        assert.deepEqual(
          pools.map((kv) => [kv.key.toString(), kv.value]),
          [['IPPool(cidr=10.0.0.0/8)', pool]],
        );
      }),
    );
  });

  describe('values written by a foreign writer', () => {
    it(
      'reads a value nobody wrote through kvdir with a stable revision',
      inSession(contract, async ({ client, raw }) => {
        await raw.put(
          '/calico/v1/policy/tier/default/policy/p',
          stored(format, { order: 1, selector: 'all()' }),
        );
        const a = await client.get(new PolicyKey({ name: 'p' }));
        const b = await client.get(new PolicyKey({ name: 'p' }));
        const listed = await client.list(new PolicyListOptions({}));
        assert.deepEqual(a.value, { order: 1, selector: 'all()' });
        assert.equal(typeof a.revision, 'string');
        assert.equal(b.revision, a.revision);
        assert.equal(listed[0]?.revision, a.revision);
        const updated = await client.update({
          key: new PolicyKey({ name: 'p' }),
          value: { order: 2, selector: 'all()' },
          revision: a.revision,
        });
        assert.notEqual(updated.revision, a.revision);
      }),
    );

    it(
      'sees an outside edit of the same size as a new revision, and refuses the pre-edit one',
      inSession(contract, async ({ client, raw }) => {
        const key = new PolicyKey({ name: 'p' });
        const r1 = (await client.create({ key, value: { order: 1, selector: 'all()' } })).revision;
        const path = key.defaultPath();
        const text = (await raw.get(path)) ?? '';
        await raw.put(path, text.replace('1', '2'));
        const edited = await client.get(key);
        assert.deepEqual(edited.value, { order: 2, selector: 'all()' });
        assert.notEqual(edited.revision, r1);
        assert.equal((await client.list(new PolicyListOptions({})))[0]?.revision, edited.revision);
        await rejectsWith(
          client.update({ key, value: { order: 3, selector: 'all()' }, revision: r1 }),
          'ERR_UPDATE_CONFLICT',
        );
        await rejectsWith(client.delete({ key, revision: r1 }), 'ERR_UPDATE_CONFLICT');
        await raw.put(path, text.replace('1', '3'));
        const again = await client.get(key);
        assert.notEqual(again.revision, edited.revision);
        assert.notEqual(again.revision, r1);
        const r4 = await client.update({
          key,
          value: { order: 4, selector: 'all()' },
          revision: again.revision,
        });
        assert.notEqual(r4.revision, r1);
      }),
    );

    it(
      'get throws for a value that does not parse; list skips it and reports it',
      inSession(contract, async ({ client, raw, listErrors, supports }) => {
        await client.create({ key: new PolicyKey({ name: 'good' }), value: policy(1) });
        await raw.put('/calico/v1/policy/tier/default/policy/bad', broken(format));
        const error = await rejectsWith(
          client.get(new PolicyKey({ name: 'bad' })),
          'ERR_PARSING_DATASTORE_ENTRY',
        );
        assert.ok(error instanceof ParsingDatastoreEntryError);
        assert.equal(error.rawKey, '/calico/v1/policy/tier/default/policy/bad');
        if (supports.parsePositions) {
          assert.equal(error.line, 2);
          assert.equal(typeof error.col, 'number');
          assert.ok(error.message.includes(`:${error.line}:${error.col}: `), error.message);
        }
        const listed = await client.list(new PolicyListOptions({}));
        assert.deepEqual(
          listed.map((kv) => kv.key.toString()),
          ['Policy(name=good)'],
        );
        assert.equal(listErrors.length, 1);
        assert.ok(listErrors[0] instanceof ParsingDatastoreEntryError);
      }),
    );
  });

  describe('TTL', () => {
    it(
      'expires a key: get and list stop returning it, also in another client',
      inSession(contract, async (session) => {
        const { client, supports } = session;
        const ttl = Math.max(1000, supports.minTtlMs);
        const key = new PolicyKey({ name: 'short' });
        const created = await client.create({ key, value: policy(1), ttl });
        await client.create({ key: new PolicyKey({ name: 'long' }), value: policy(2) });
        const left = (await client.get(key)).ttl;
        assert.ok(left !== undefined && left > 0 && left <= ttl, `ttl left: ${String(left)}`);
        if (supports.fakeClock) {
          session.advance(ttl - 1);
          assert.deepEqual((await client.get(key)).value, policy(1));
          session.advance(1);
        } else {
          await new Promise((resolve) => setTimeout(resolve, ttl + supports.ttlSlackMs));
        }
        await rejectsWith(client.get(key), 'ERR_RESOURCE_DOES_NOT_EXIST');
        const names = (await client.list(new PolicyListOptions({}))).map((kv) => kv.key.toString());
        assert.deepEqual(names, ['Policy(name=long)']);
        await rejectsWith(client.update({ key, value: policy(3) }), 'ERR_RESOURCE_DOES_NOT_EXIST');
        const other = session.reopen();
        await rejectsWith(other.get(key), 'ERR_RESOURCE_DOES_NOT_EXIST');
        const recreated = await other.create({ key, value: policy(4) });
        assert.notEqual(recreated.revision, created.revision);
        assert.equal((await other.get(key)).ttl, undefined);
      }),
    );
  });

  describe('lifecycle', () => {
    it(
      'ensureInitialized sets the Ready flag, once',
      inSession(contract, async ({ client }) => {
        await client.ensureInitialized();
        const first = await client.get(new ReadyFlagKey());
        assert.equal(first.value, true);
        await client.ensureInitialized();
        assert.equal((await client.get(new ReadyFlagKey())).revision, first.revision);
      }),
    );

    it(
      'close is idempotent and later calls reject clearly',
      inSession(contract, async ({ client }) => {
        const closing = client.close();
        assert.equal(client.close(), closing);
        await closing;
        await rejectsWith(client.get(new PolicyKey({ name: 'p' })), 'ERR_CLOSED');
        await rejectsWith(
          client.create({ key: new PolicyKey({ name: 'p' }), value: policy(1) }),
          'ERR_CLOSED',
          'the client is closed',
        );
        assert.throws(() => client.syncer({ onStatusUpdated() {}, onUpdates() {} }), /closed/);
      }),
    );

    it(
      'serialises concurrent writers of one key without losing an increment',
      inSession(contract, async ({ client }) => {
        const key = new PathKey('/counter');
        await client.create({ key, value: { n: 0 } });
        const increment = async (): Promise<void> => {
          for (;;) {
            const kv = (await client.get(key)) as KVPair<{ n: number }>;
            try {
              await client.update({
                key,
                value: { n: (kv.value?.n ?? 0) + 1 },
                revision: kv.revision,
              });
              return;
            } catch (err) {
              if (!(err instanceof ResourceUpdateConflictError)) throw err;
            }
          }
        };
        await Promise.all(Array.from({ length: 20 }, increment));
        assert.deepEqual((await client.get(key)).value, { n: 20 });
      }),
    );
  });
}
