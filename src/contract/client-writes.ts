/** The client contract, part one: create, get, update, apply, revisions, misuse. */
import assert from 'node:assert/strict';
import {
  GlobalConfigKey,
  HostIPKey,
  PolicyKey,
  PolicyListOptions,
  ReadyFlagKey,
  ValidationError,
} from '../index.js';
import { inSession } from './session.js';
import type { ContractOptions } from './types.js';
import { policy, rejectsWith } from './values.js';

export function writeTests(contract: ContractOptions): void {
  const { describe, it } = contract.test;
  const format = contract.supports.format;

  describe('create, get, update, apply', () => {
    it(
      'creates a key and gets it back with the same revision, stored where Calico stores it',
      inSession(contract, async ({ client, raw }) => {
        const key = new PolicyKey({ name: 'allow-web' });
        const created = await client.create({ key, value: policy(10) });
        assert.equal(typeof created.revision, 'string');
        const got = await client.get(key);
        assert.deepEqual(got.value, policy(10));
        assert.equal(got.revision, created.revision);
        assert.equal(got.key, key);
        const text = await raw.get('/calico/v1/policy/tier/default/policy/allow-web');
        const selector =
          format === 'json' ? `"selector":"role == 'web'"` : "selector: role == 'web'";
        assert.ok(text?.includes(selector), `stored text: ${String(text)}`);
      }),
    );

    it(
      "refuses to create a key that exists, with Calico's message",
      inSession(contract, async ({ client }) => {
        const key = new PolicyKey({ name: 'p' });
        await client.create({ key, value: policy(1) });
        await rejectsWith(
          client.create({ key, value: policy(2) }),
          'ERR_RESOURCE_ALREADY_EXISTS',
          'resource already exists: Policy(name=p)',
        );
        assert.deepEqual((await client.get(key)).value, policy(1));
      }),
    );

    it(
      'refuses to update or get a key that does not exist, and writes nothing',
      inSession(contract, async ({ client, raw }) => {
        const key = new PolicyKey({ name: 'missing' });
        await rejectsWith(client.update({ key, value: policy(1) }), 'ERR_RESOURCE_DOES_NOT_EXIST');
        await rejectsWith(
          client.get(key),
          'ERR_RESOURCE_DOES_NOT_EXIST',
          'resource does not exist: Policy(name=missing)',
        );
        assert.equal(await raw.has('/calico'), false);
      }),
    );

    it(
      'updates with the current revision and refuses a stale one',
      inSession(contract, async ({ client }) => {
        const key = new PolicyKey({ name: 'p' });
        const r1 = (await client.create({ key, value: policy(1) })).revision;
        const r2 = (await client.update({ key, value: policy(2), revision: r1 })).revision;
        assert.notEqual(r2, r1);
        await rejectsWith(
          client.update({ key, value: policy(3), revision: r1 }),
          'ERR_UPDATE_CONFLICT',
          "update conflict: 'Policy(name=p)'",
        );
        const got = await client.get(key);
        assert.deepEqual(got.value, policy(2));
        assert.equal(got.revision, r2);
        await client.update({ key, value: policy(4) });
        assert.deepEqual((await client.get(key)).value, policy(4));
      }),
    );

    it(
      'applies: creates, updates, and honours a given revision',
      inSession(contract, async ({ client }) => {
        const key = new PolicyKey({ name: 'p' });
        const r1 = (await client.apply({ key, value: policy(1) })).revision;
        const r2 = (await client.apply({ key, value: policy(2) })).revision;
        assert.notEqual(r2, r1);
        await rejectsWith(
          client.apply({ key, value: policy(3), revision: r1 }),
          'ERR_UPDATE_CONFLICT',
        );
        const r3 = (await client.apply({ key, value: policy(3), revision: r2 })).revision;
        assert.equal((await client.get(key)).revision, r3);
        const other = new PolicyKey({ name: 'other' });
        await rejectsWith(
          client.apply({ key: other, value: policy(1), revision: r3 }),
          'ERR_RESOURCE_DOES_NOT_EXIST',
        );
      }),
    );

    it(
      'gives every write a revision never seen before, also after delete and re-create',
      inSession(contract, async ({ client }) => {
        const key = new PolicyKey({ name: 'p' });
        const seen = new Set<string>();
        const record = (revision: string | undefined): string => {
          assert.equal(typeof revision, 'string');
          assert.equal(seen.has(revision as string), false, `revision ${revision} seen before`);
          seen.add(revision as string);
          return revision as string;
        };
        const first = record((await client.create({ key, value: policy(1) })).revision);
        record((await client.update({ key, value: policy(1) })).revision);
        record((await client.apply({ key, value: policy(1) })).revision);
        await client.delete({ key });
        record((await client.create({ key, value: policy(1) })).revision);
        await rejectsWith(
          client.update({ key, value: policy(9), revision: first }),
          'ERR_UPDATE_CONFLICT',
        );
        await client.delete({ key });
        record((await client.apply({ key, value: policy(1) })).revision);
        assert.equal(seen.size, 5);
      }),
    );

    it(
      'treats a revision it never gave out as a conflict, never a crash',
      inSession(contract, async ({ client }) => {
        const key = new PolicyKey({ name: 'p' });
        await client.create({ key, value: policy(1) });
        for (const revision of ['0', '-1', 'abc', '3f9a61c0b2d4.7', '99999999999', '../x']) {
          await rejectsWith(
            client.update({ key, value: policy(2), revision }),
            'ERR_UPDATE_CONFLICT',
          );
        }
        assert.deepEqual((await client.get(key)).value, policy(1));
      }),
    );

    it(
      'stores raw values as scalars and decodes them by key type',
      inSession(contract, async ({ client, raw }) => {
        await client.create({ key: new GlobalConfigKey({ name: 'Version' }), value: '1.10' });
        await client.create({ key: new GlobalConfigKey({ name: 'Flag' }), value: 'true' });
        await client.create({ key: new HostIPKey({ hostname: 'h1' }), value: '10.0.0.1' });
        await client.create({ key: new ReadyFlagKey(), value: true });
        assert.equal((await client.get(new GlobalConfigKey({ name: 'Version' }))).value, '1.10');
        assert.equal((await client.get(new GlobalConfigKey({ name: 'Flag' }))).value, 'true');
        assert.equal((await client.get(new HostIPKey({ hostname: 'h1' }))).value, '10.0.0.1');
        assert.equal((await client.get(new ReadyFlagKey())).value, true);
        assert.equal((await raw.get('/calico/v1/Ready'))?.trim(), 'true');
        await raw.put('/calico/v1/config/Hand', '1.10');
        assert.equal((await client.get(new GlobalConfigKey({ name: 'Hand' }))).value, '1.10');
        await raw.put('/calico/v1/host/h2/bird_ip', 'not-an-ip');
        assert.equal((await client.get(new HostIPKey({ hostname: 'h2' }))).value, null);
      }),
    );

    it(
      'keeps names with / and % apart through Calico escaping',
      inSession(contract, async ({ client }) => {
        await client.create({ key: new PolicyKey({ name: 'a/b' }), value: policy(1) });
        await client.create({ key: new PolicyKey({ name: 'a%2fb' }), value: policy(2) });
        assert.deepEqual((await client.get(new PolicyKey({ name: 'a/b' }))).value, policy(1));
        assert.deepEqual((await client.get(new PolicyKey({ name: 'a%2fb' }))).value, policy(2));
        const names = (await client.list(new PolicyListOptions({}))).map(
          (kv) => (kv.key as PolicyKey).name,
        );
        assert.deepEqual(names.sort(), ['a%2fb', 'a/b']);
      }),
    );

    it(
      'reports misuse at once, naming the field',
      inSession(contract, async ({ client }) => {
        const noValue = await rejectsWith(
          client.create({ key: new PolicyKey({ name: 'p' }) }),
          'ERR_VALIDATION',
        );
        assert.ok(noValue instanceof ValidationError);
        assert.match(noValue.message, /error with field value/);
        await rejectsWith(
          client.create({ key: new PolicyKey({ name: 'p' }), value: policy(1), ttl: -1 }),
          'ERR_VALIDATION',
          /error with field ttl/,
        );
        await rejectsWith(
          client.create({ key: new PolicyKey({ name: '' }), value: policy(1) }),
          'ERR_INSUFFICIENT_IDENTIFIERS',
          "insufficient identifiers, missing 'name'",
        );
        await rejectsWith(client.get({} as never), 'ERR_VALIDATION');
      }),
    );
  });
}
