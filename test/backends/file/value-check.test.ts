/**
 * Calico values through a FileBackend (on memfs): a write that does not fit its key writes
 * nothing; a stored value that does not fit is a parse failure at the offending field's line
 * and column for get, list and the syncer alike; `check` also reports unknown fields.
 */
import { describe, expect, it } from 'vitest';
import {
  FileBackend,
  ParsingDatastoreEntryError,
  PolicyKey,
  PolicyListOptions,
  SyncStatus,
  UpdateType,
  ValidationError,
  WorkloadEndpointKey,
  type KvdirError,
} from '../../../src/index.js';
import { loadFixtureIntoMemfs } from '../../../src/testing.js';
import { closedAfterEach } from '../../helpers/file-stores.js';
import { fixturePath } from '../../helpers/paths.js';
import { Recorder } from '../../../src/contract/recorder.js';

const POLICY_DIR = 'calico/v1/policy/tier/default/policy';
const BAD_POLICY =
  'order: 10\nselector: all()\ninbound_rules:\n  - action: allow\n    dst_ports: [80, http]\n';

const clients = closedAfterEach();

async function open(files: Record<string, string> = {}) {
  const fixture = await loadFixtureIntoMemfs(fixturePath('calico'));
  for (const [file, text] of Object.entries(files)) {
    fixture.vol.writeFileSync(`${fixture.root}/${file}`, text);
  }
  const listErrors: KvdirError[] = [];
  const client = new FileBackend({
    root: fixture.root,
    fs: fixture.fs,
    fsync: false,
    onListError: (error) => listErrors.push(error),
  });
  clients.push(client);
  return { ...fixture, client, listErrors };
}

describe('writes of Calico values', () => {
  it('refuse a value that does not fit its key with a ValidationError naming each field, and write nothing', async () => {
    const { client, vol, root } = await open();
    const key = new PolicyKey({ name: 'p' });
    const value = { order: 'high', selector: 'all()', inbound_rules: [{ action: 3 }] };
    const err = await client.create({ key, value } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).erroredFields).toEqual([
      { name: 'order', value: 'high', reason: 'must be a number' },
      { name: 'inbound_rules[0].action', value: 3, reason: 'must be a string' },
    ]);
    expect((err as Error).message).toBe(
      "error with field order = 'high' (must be a number)\n" +
        "error with field inbound_rules[0].action = '3' (must be a string)",
    );
    expect((err as ValidationError).identifier).toBe(key);
    expect(vol.existsSync(`${root}/${POLICY_DIR}/p.yaml`)).toBe(false);
  });

  it('refuse unknown fields and a structured value for a policy, as a write of Go could not make them', async () => {
    const { client } = await open();
    const key = new PolicyKey({ name: 'p' });
    await expect(client.apply({ key, value: 'not a policy' } as never)).rejects.toThrow(
      "error with field value = 'not a policy' (must be a mapping)",
    );
    await expect(
      client.apply({ key, value: { selector: '', selecter: 'x' } } as never),
    ).rejects.toThrow("error with field selecter = 'x' (unknown field)");
  });

  it('check an update against the current value only after the value itself', async () => {
    const { client } = await open();
    const key = new PolicyKey({ name: 'allow-dns' });
    await expect(client.update({ key, value: { selector: 1 } } as never)).rejects.toThrow(
      ValidationError,
    );
    expect((await client.get(key)).value.selector).toBe('has(calico/k8s_ns)');
  });
});

describe('reads of Calico values', () => {
  it('get: a field of the wrong type is a ParsingDatastoreEntryError at its line and column', async () => {
    const { client, root } = await open({ [`${POLICY_DIR}/bad.yaml`]: BAD_POLICY });
    const err = await client.get(new PolicyKey({ name: 'bad' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParsingDatastoreEntryError);
    expect(err).toMatchObject({
      file: `${root}/${POLICY_DIR}/bad.yaml`,
      line: 5,
      col: 21,
      reason:
        'inbound_rules[0].dst_ports[1]: must be an integer from 0 to 65535 or a range "min:max"',
      rawKey: `/${POLICY_DIR}/bad`,
      rawValue: BAD_POLICY,
    });
    expect((err as Error).message).toBe(
      `failed to parse datastore entry ${root}/${POLICY_DIR}/bad.yaml:5:21: inbound_rules[0].dst_ports[1]: must be an integer from 0 to 65535 or a range "min:max"`,
    );
  });

  it('get: points at the first bad field and says how many more there are', async () => {
    const { client } = await open({
      [`${POLICY_DIR}/bad.yaml`]: 'selector: 1\norder: high\n',
    });
    await expect(client.get(new PolicyKey({ name: 'bad' }))).rejects.toMatchObject({
      line: 2,
      col: 8,
      reason: 'order: must be a number (and 1 more)',
    });
  });

  it("get: missing and null fields read as Go's zero values; unknown fields are ignored", async () => {
    const { client } = await open({
      [`${POLICY_DIR}/sparse.yaml`]: 'order: 5\ninbound_rules:\nselecter: typo\n',
    });
    expect((await client.get(new PolicyKey({ name: 'sparse' }))).value).toEqual({
      order: 5,
      selector: '',
      selecter: 'typo',
    });
  });

  it('list: skips the value that does not fit, reports it, and returns the rest', async () => {
    const { client, listErrors, root } = await open({ [`${POLICY_DIR}/bad.yaml`]: BAD_POLICY });
    const policies = await client.list(new PolicyListOptions());
    expect(policies.map((p) => p.key.toString())).not.toContain('Policy(name=bad)');
    expect(policies).toHaveLength(6);
    expect(listErrors).toHaveLength(1);
    expect(listErrors[0]).toBeInstanceOf(ParsingDatastoreEntryError);
    expect(listErrors[0]).toMatchObject({
      file: `${root}/${POLICY_DIR}/bad.yaml`,
      line: 5,
      col: 21,
    });
  });

  it('the syncer: sends the key with value undefined and calls parseFailed, then the value once fixed', async () => {
    const { client, vol, root } = await open({ [`${POLICY_DIR}/bad.yaml`]: BAD_POLICY });
    const rec = new Recorder();
    const syncer = client.syncer(rec, { prefixes: ['/calico/v1/policy'] });
    syncer.start();
    await rec.waitForStatus(SyncStatus.InSync);
    const bad = rec.picture.get(`/${POLICY_DIR}/bad`);
    expect(bad?.update.updateType).toBe(UpdateType.KVNew);
    expect(bad?.value).toBeUndefined();
    expect(bad?.update.key).toEqual(new PolicyKey({ name: 'bad' }));
    expect(rec.failures).toEqual([{ rawKey: `/${POLICY_DIR}/bad`, rawValue: BAD_POLICY }]);
    expect(rec.picture.get(`/${POLICY_DIR}/allow-dns`)?.value).toMatchObject({ order: 100 });

    vol.writeFileSync(`${root}/${POLICY_DIR}/bad.yaml`, BAD_POLICY.replace('http', '8080'));
    await rec.waitForUpdate(`/${POLICY_DIR}/bad`, (u) => u.value !== undefined);
    expect(rec.picture.get(`/${POLICY_DIR}/bad`)?.value).toMatchObject({ order: 10 });
    await syncer.stop();
    rec.stopped = true;
    expect(rec.violations).toEqual([]);
  });
});

describe('check', () => {
  it('reports unknown fields, missing fields and wrong types, each at its own line and column', async () => {
    const { client, root } = await open({
      [`${POLICY_DIR}/typo.yaml`]:
        'order: 10\nselecter: all()\ninbound_rules:\n  - action: allow\n    protocl: tcp\n',
      'calico/v1/host/node-1/workload/k8s/default.redis-0/endpoint/eth0.yaml':
        'state: active\nname: x\nmac: ee:ee:ee:ee:ee:ee\nprofile_ids: []\nipv4_nets: [10.0.0.1/32]\nipv6_nets:\nlabels: {a: 1}\n',
    });
    const problems = await client.check('/calico/v1');
    expect(problems).toEqual([
      {
        file: `${root}/calico/v1/host/node-1/workload/k8s/default.redis-0/endpoint/eth0.yaml`,
        line: 6,
        col: 11,
        message: 'ipv6_nets: must be a list',
      },
      {
        file: `${root}/calico/v1/host/node-1/workload/k8s/default.redis-0/endpoint/eth0.yaml`,
        line: 7,
        col: 13,
        message: 'labels.a: must be a string',
      },
      {
        file: `${root}/${POLICY_DIR}/typo.yaml`,
        line: 1,
        col: 1,
        message: 'selector: is required',
      },
      {
        file: `${root}/${POLICY_DIR}/typo.yaml`,
        line: 2,
        col: 1,
        message: 'selecter: unknown field',
      },
      {
        file: `${root}/${POLICY_DIR}/typo.yaml`,
        line: 5,
        col: 5,
        message: 'inbound_rules[0].protocl: unknown field',
      },
    ]);
    // What check reports, a read accepts: Go ignores unknown fields and fills in missing ones.
    const wep = new WorkloadEndpointKey({
      hostname: 'node-1',
      orchestratorID: 'k8s',
      workloadID: 'default.redis-0',
      endpointID: 'eth0',
    });
    await expect(client.get(wep)).rejects.toThrow('labels.a: must be a string');
    expect((await client.get(new PolicyKey({ name: 'typo' }))).value.selector).toBe('');
  });

  it('reports raw values a write could not have made', async () => {
    const { client, root } = await open({
      'calico/v1/Ready.yaml': 'yes\n',
      'calico/v1/host/node-1/bird_ip.yaml': '10.0.0.300\n',
    });
    expect(await client.check('/calico/v1')).toEqual([
      {
        file: `${root}/calico/v1/Ready.yaml`,
        line: 1,
        col: 1,
        message: 'must be true or false, not "yes"',
      },
      {
        file: `${root}/calico/v1/host/node-1/bird_ip.yaml`,
        line: 1,
        col: 1,
        message: 'must be an IP address, not "10.0.0.300"',
      },
    ]);
  });

  it('finds nothing to report in the fixture tree', async () => {
    const { client } = await open();
    expect(await client.check('/')).toEqual([]);
  });
});
