/**
 * Calico values read from etcd are checked against their key's value type as libcalico-go's
 * unmarshal reads them, as the file backend does: a field of the wrong type is a parse failure
 * at its JSON line and column for get, list and the syncer alike; missing fields read as Go's
 * zero values; unknown fields are ignored. (Writes are checked in BaseClient, before any
 * backend.)
 */
import { describe, expect, it } from 'vitest';
import { Recorder } from '../../../src/contract/index.js';
import type { KvdirError } from '../../../src/index.js';
import {
  ParsingDatastoreEntryError,
  PolicyKey,
  PolicyListOptions,
  SyncStatus,
  UpdateType,
} from '../../../src/index.js';
import { etcdStore, hasEtcd } from '../../helpers/etcd.js';

const PATH = '/calico/v1/policy/tier/default/policy';
const BAD_POLICY =
  '{"order": 10,\n "selector": "all()",\n "inbound_rules": [\n  {"action": "allow", "dst_ports": [80, "http"]}\n ]}';
const GOOD_POLICY = '{"order": 10, "selector": "all()"}';
const REASON =
  'inbound_rules[0].dst_ports[1]: must be an integer from 0 to 65535 or a range "min:max"';

describe.runIf(hasEtcd)('Calico values read from etcd', () => {
  it('get: a field of the wrong type is a ParsingDatastoreEntryError at its line and column', async () => {
    const store = etcdStore();
    const client = store.open();
    await store.rawPut(`${PATH}/bad`, BAD_POLICY);
    const err = await client.get(new PolicyKey({ name: 'bad' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParsingDatastoreEntryError);
    expect(err).toMatchObject({
      file: `${store.namespace}${PATH}/bad`,
      line: 4,
      col: 41,
      reason: REASON,
      rawKey: `${PATH}/bad`,
      rawValue: BAD_POLICY,
    });
    expect((err as Error).message).toBe(
      `failed to parse datastore entry ${store.namespace}${PATH}/bad:4:41: ${REASON}`,
    );
    await store.rawPut(`${PATH}/two`, '{"selector": 1,\n "order": "high"}');
    await expect(client.get(new PolicyKey({ name: 'two' }))).rejects.toMatchObject({
      line: 2,
      col: 11,
      reason: 'order: must be a number (and 1 more)',
    });
  });

  it("get: missing and null fields read as Go's zero values; unknown fields are ignored", async () => {
    const store = etcdStore();
    await store.rawPut(`${PATH}/sparse`, '{"order": 5, "inbound_rules": null, "selecter": "typo"}');
    expect((await store.open().get(new PolicyKey({ name: 'sparse' }))).value).toEqual({
      order: 5,
      selector: '',
      selecter: 'typo',
    });
  });

  it('list: skips the value that does not fit, reports it, and returns the rest', async () => {
    const store = etcdStore();
    const listErrors: KvdirError[] = [];
    const client = store.open({ onListError: (error) => listErrors.push(error) });
    await store.rawPut(`${PATH}/bad`, BAD_POLICY);
    await store.rawPut(`${PATH}/good`, GOOD_POLICY);
    const policies = await client.list(new PolicyListOptions());
    expect(policies.map((p) => p.key.toString())).toEqual(['Policy(name=good)']);
    expect(listErrors).toHaveLength(1);
    expect(listErrors[0]).toBeInstanceOf(ParsingDatastoreEntryError);
    expect(listErrors[0]).toMatchObject({ line: 4, col: 41, reason: REASON });
  });

  it('the syncer: sends the key with value undefined and calls parseFailed, then the value once fixed', async () => {
    const store = etcdStore();
    await store.rawPut(`${PATH}/bad`, BAD_POLICY);
    await store.rawPut(`${PATH}/good`, GOOD_POLICY);
    const client = store.open();
    const rec = new Recorder();
    client.syncer(rec, { prefixes: ['/calico/v1/policy'] }).start();
    await rec.waitForStatus(SyncStatus.InSync);
    const bad = rec.picture.get(`${PATH}/bad`);
    expect(bad?.update.updateType).toBe(UpdateType.KVNew);
    expect(bad?.value).toBeUndefined();
    expect(bad?.update.key).toEqual(new PolicyKey({ name: 'bad' }));
    expect(rec.failures).toEqual([{ rawKey: `${PATH}/bad`, rawValue: BAD_POLICY }]);
    expect(rec.picture.get(`${PATH}/good`)?.value).toEqual({ order: 10, selector: 'all()' });

    await store.rawPut(`${PATH}/bad`, BAD_POLICY.replace('"http"', '8080'));
    await rec.waitForUpdate(`${PATH}/bad`, (u) => u.value !== undefined);
    expect(rec.picture.get(`${PATH}/bad`)?.value).toMatchObject({ order: 10 });
    expect(rec.violations).toEqual([]);
  });

  it("takes a path that is not its key's own path for no key, as on files (list and syncer)", async () => {
    const store = etcdStore();
    const listErrors: KvdirError[] = [];
    const client = store.open({ onListError: (error) => listErrors.push(error) });
    // Calico's parser reads `%2F` as `/` too, and kvdir writes the name `a/b` as `a%2fb`.
    const other = `${PATH}/a%2Fb`;
    await store.rawPut(other, GOOD_POLICY);
    await store.rawPut(`${PATH}/p`, GOOD_POLICY);
    const listed = await client.list(new PolicyListOptions());
    expect(listed.map((kv) => kv.key.defaultPath())).toEqual([`${PATH}/p`]);
    expect(listErrors.map((e) => [e.code, e.message])).toEqual([
      [
        'ERR_NOT_A_KEY',
        `not a key: kvdir writes Policy(name=a/b) as ${store.namespace}${PATH}/a%2fb: ${store.namespace}${other}`,
      ],
    ]);
    const rec = new Recorder();
    client.syncer(rec, { prefixes: ['/calico/v1/policy'] }).start();
    await rec.waitForStatus(SyncStatus.InSync);
    expect([...rec.picture.keys()]).toEqual([`${PATH}/p`]);
    expect(rec.failures).toEqual([{ rawKey: other, rawValue: GOOD_POLICY }]);
    expect(rec.violations).toEqual([]);
  });
});
