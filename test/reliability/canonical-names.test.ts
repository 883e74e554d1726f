/**
 * One file per key, one key per file (P02, P02b, P03, P03b; newcomer finding 1). Calico's
 * parsers accept paths they never write; a file at such a path is "not a key" everywhere
 * (skipped and reported by list, parseFailed in the syncer, a problem in check naming the
 * file kvdir writes), and such a path on the command line is refused with exit 8.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Key, KvdirError, ListInterface } from '../../src/index.js';
import {
  BGPPeerListOptions,
  BlockAffinityListOptions,
  BlockListOptions,
  FileBackend,
  HostEndpointListOptions,
  HostEndpointStatusListOptions,
  IPPoolListOptions,
  PathKey,
  PolicyKey,
  PolicyListOptions,
  ProfileListOptions,
  SyncStatus,
  WorkloadEndpointListOptions,
  keyFromPath,
  parseCanonical,
} from '../../src/index.js';
import { openSyncer } from '../backends/file/sync/harness.js';
import { runNode } from '../helpers/child.js';
import { REPO } from '../helpers/paths.js';
import { fixtureCopy, tempDir } from '../helpers/temp-dir.js';
import { run } from '../cli/memory-io.js';

const BIN = join(REPO, 'bin', 'kvdir.js');
const POLICIES = '/calico/v1/policy/tier/default/policy';

/** Paths a parser takes but never writes, with the list options of their family. */
const NOT_CANONICAL: Array<[string, ListInterface]> = [
  ['/calico/v1/host/h1/workload/k8s%2Fx/w1/endpoint/e1', new WorkloadEndpointListOptions()],
  ['/calico/v1/host/h1/workload/k8s/w%1/endpoint/e1', new WorkloadEndpointListOptions()],
  ['/calico/v1/host/h1/workload/k8s/w1/endpoint/e%2F1', new WorkloadEndpointListOptions()],
  ['/calico/v1/host/h1/endpoint/e%2Fx', new HostEndpointListOptions()],
  ['/calico/v1/host/h1/endpoint/e%zz', new HostEndpointListOptions()],
  ['/calico/v1/policy/tier/other/policy/p1', new PolicyListOptions()],
  [`${POLICIES}/canary-50%`, new PolicyListOptions()],
  [`${POLICIES}/k8s%2Fallow-kube-system`, new PolicyListOptions()],
  ['/calico/v1/policy/profile/a%2Fb/rules', new ProfileListOptions()],
  ['/calico/v1/policy/profile/a%zz/tags', new ProfileListOptions()],
  ['/calico/v1/policy/profile/50%/labels', new ProfileListOptions()],
  ['/calico/v1/ipam/v4/pool/10.0.0.1-8', new IPPoolListOptions()],
  ['/calico/v1/ipam/v4/pool/10.65.1.2-16', new IPPoolListOptions()],
  ['/calico/v1/ipam/v4/pool/10.0.0.0-08', new IPPoolListOptions()],
  ['/calico/v1/ipam/v6/pool/FD00::-8', new IPPoolListOptions()],
  ['/calico/v1/ipam/v6/pool/fd00:0:0:0:0:0:0:0-8', new IPPoolListOptions()],
  ['/calico/ipam/v2/assignment/ipv4/block/10.0.0.1-26', new BlockListOptions()],
  ['/calico/ipam/v2/assignment/ipv6/block/FD00::-122', new BlockListOptions()],
  ['/calico/ipam/v2/host/h1/ipv4/block/10.0.0.1-26', new BlockAffinityListOptions()],
  ['/calico/bgp/v1/global/peer_v6/FD00::1', new BGPPeerListOptions()],
  ['/calico/felix/v1/host/h1/endpoint/e%2F1', new HostEndpointStatusListOptions()],
];

const fileOf = (root: string, path: string) => join(root, `${path}.yaml`);

async function writeAt(root: string, path: string, text: string): Promise<void> {
  await mkdir(dirname(fileOf(root, path)), { recursive: true });
  await writeFile(fileOf(root, path), text);
}

describe('paths that parse to a key with another path', () => {
  it(`each of ${NOT_CANONICAL.length} sample paths, over every family that parses names or CIDRs, parses to another key's path`, () => {
    for (const [path, options] of NOT_CANONICAL) {
      const parsed = parseCanonical((p) => options.keyFromDefaultPath(p), path);
      expect(parsed.kind, path).toBe('not-canonical');
    }
  });

  it('list skips and reports each such file (naming the file kvdir writes) beside the canonical one', async () => {
    const root = await tempDir();
    for (const [path, options] of NOT_CANONICAL) {
      await writeAt(root, path, '{}\n');
      const parsed = parseCanonical((p) => options.keyFromDefaultPath(p), path);
      if (parsed.kind === 'not-canonical') await writeAt(root, parsed.canonical, '{}\n');
    }
    const errors: KvdirError[] = [];
    const client = new FileBackend({ root, onListError: (e) => errors.push(e) });
    for (const [path, options] of NOT_CANONICAL) {
      errors.length = 0;
      // The family's parser over the whole tree (a policy list walks only the default tier).
      const listed = await client.list({
        defaultPathRoot: () => '/',
        keyFromDefaultPath: (p) => options.keyFromDefaultPath(p),
      });
      const paths = listed.map((kv) => kv.key.defaultPath());
      expect(new Set(paths).size, `duplicates for ${path}`).toBe(paths.length);
      const error = errors.find((e) => e.message.endsWith(`${path.slice(1)}.yaml`));
      expect(error?.code, path).toBe('ERR_NOT_A_KEY');
      expect(error?.message).toContain('not a key: kvdir writes ');
    }
    await client.close();
  });

  it("newcomer finding 1: canary-50%.yaml, k8s%2F….yaml and 10.65.1.2-16.yaml beside the fixture's files: one key each in list, get reads the canonical file, check reports the others", async () => {
    const root = await fixtureCopy('calico');
    const policies = join(root, POLICIES);
    await writeFile(join(policies, 'canary-50%.yaml'), 'order: 1\nselector: all()\n');
    await writeFile(join(policies, 'k8s%2Fallow-kube-system.yaml'), 'order: 99\n');
    const pools = join(root, 'calico/v1/ipam/v4/pool');
    await writeFile(join(pools, '10.65.1.2-16.yaml'), 'cidr: 10.65.0.0/16\nhand: edited\n');
    const errors: KvdirError[] = [];
    const client = new FileBackend({ root, onListError: (e) => errors.push(e) });
    const policyNames = (await client.list(new PolicyListOptions())).map((kv) => kv.key.toString());
    expect(policyNames.filter((n) => n.includes('k8s/allow-kube-system'))).toHaveLength(1);
    expect(policyNames).not.toContain('Policy(name=canary-50%)');
    const pools1 = (await client.list(new IPPoolListOptions())).map((kv) => kv.key.toString());
    expect(pools1.filter((n) => n === 'IPPool(cidr=10.65.0.0/16)')).toHaveLength(1);
    expect(errors.map((e) => e.code)).toEqual(['ERR_NOT_A_KEY', 'ERR_NOT_A_KEY', 'ERR_NOT_A_KEY']);
    // The hand-written file is not the key: a create makes the canonical file.
    const canary = { order: 2, selector: 'all()' };
    await client.create({ key: new PolicyKey({ name: 'canary-50%' }), value: canary });
    expect((await client.get(new PolicyKey({ name: 'canary-50%' }))).value).toEqual(canary);
    const problems = await client.check('/');
    expect(problems.map((p) => [p.file.slice(root.length + 1), p.message])).toEqual([
      [
        'calico/v1/ipam/v4/pool/10.65.1.2-16.yaml',
        'not a key: kvdir writes IPPool(cidr=10.65.0.0/16) as calico/v1/ipam/v4/pool/10.65.0.0-16.yaml',
      ],
      [
        `${POLICIES.slice(1)}/canary-50%.yaml`,
        `not a key: kvdir writes Policy(name=canary-50%) as ${POLICIES.slice(1)}/canary-50%25.yaml`,
      ],
      [
        `${POLICIES.slice(1)}/k8s%2Fallow-kube-system.yaml`,
        `not a key: kvdir writes Policy(name=k8s/allow-kube-system) as ${POLICIES.slice(1)}/k8s%2fallow-kube-system.yaml`,
      ],
    ]);
    await client.close();
  });

  it('the syncer sends each key once and reports the other files to parseFailed; removing one sends no KVDeleted', async () => {
    const root = await fixtureCopy('calico');
    const policies = join(root, POLICIES);
    await writeFile(join(policies, 'canary-50%.yaml'), 'order: 1\n');
    await writeFile(join(policies, 'canary-50%25.yaml'), 'order: 2\nselector: all()\n');
    await writeFile(join(policies, 'k8s%2Fallow-kube-system.yaml'), 'order: 99\n');
    const { rec } = openSyncer(root);
    await rec.waitForStatus(SyncStatus.InSync);
    const news = rec.batches.flat().map((u) => u.key.toString());
    expect(news.filter((n) => n === 'Policy(name=canary-50%)')).toHaveLength(1);
    expect(news.filter((n) => n === 'Policy(name=k8s/allow-kube-system)')).toHaveLength(1);
    expect(rec.failures.map((f) => f.rawKey).sort()).toEqual([
      `${POLICIES}/canary-50%`,
      `${POLICIES}/k8s%2Fallow-kube-system`,
    ]);
    expect(rec.picture.get(`${POLICIES}/canary-50%25`)?.value).toEqual({
      order: 2,
      selector: 'all()',
    });
    const mark = rec.mark();
    await rm(join(policies, 'canary-50%.yaml'));
    await rec.waitFor(
      () => rec.failures.some((f) => f.rawKey === `${POLICIES}/canary-50%` && f.rawValue === ''),
      'the removed file reported gone',
    );
    expect(rec.updatesSince(mark)).toEqual([]);
    expect(rec.picture.has(`${POLICIES}/canary-50%25`)).toBe(true);
  });
});

describe('the command line (P03, P03b)', () => {
  async function bothTiers(): Promise<string> {
    const root = await tempDir();
    await writeAt(root, '/calico/v1/policy/tier/other/policy/p1', 'selector: other\n');
    await writeAt(root, '/calico/v1/policy/tier/default/policy/p1', 'selector: default\n');
    return root;
  }

  it.each(['get', 'delete'])(
    '%s of a path in another tier is refused with exit 8 and touches neither file',
    async (command) => {
      const root = await bothTiers();
      const result = await run(['--root', root, command, '/calico/v1/policy/tier/other/policy/p1']);
      expect(result.code).toBe(8);
      expect(result.stderr).toContain(
        'not the path of Policy(name=p1), which is /calico/v1/policy/tier/default/policy/p1',
      );
      for (const tier of ['other', 'default'])
        expect(await readdir(join(root, 'calico/v1/policy/tier', tier, 'policy'))).toEqual([
          'p1.yaml',
        ]);
    },
  );

  it.each([
    ['/calico/v1/policy/tier/other/policy/p1'],
    [`${POLICIES}/a%2Fb`],
    [`${POLICIES}/x%zz`],
    ['/calico/v1/ipam/v4/pool/10.0.0.1-8'],
  ])('put %s is refused with exit 8 and writes nothing', async (path) => {
    const root = await tempDir();
    const result = await run(['--root', root, 'put', path, '{}']);
    expect(result.code).toBe(8);
    expect(await readdir(root)).toEqual([]);
  });

  it('canonical paths still work, and a PathKey path is always its own', async () => {
    const root = await tempDir();
    const policy = '{order: 1, selector: all()}';
    expect((await run(['--root', root, 'put', `${POLICIES}/a%2fb`, policy])).code).toBe(0);
    expect((await run(['--root', root, 'put', '/apps/50%/x%2F', '1'])).code).toBe(0);
    expect((await run(['--root', root, 'get', `${POLICIES}/a%2fb`])).stdout).toBe(
      'order: 1\nselector: all()\n',
    );
    const key: Key = new PathKey('/apps/50%/x%2F');
    expect(parseCanonical(keyFromPath, key.defaultPath()).kind).toBe('key');
  });

  it('through the real bin: delete of the other tier exits 8 and leaves the default tier file', async () => {
    const root = await bothTiers();
    const result = await runNode(
      BIN,
      ['--root', root, 'delete', '/calico/v1/policy/tier/other/policy/p1'],
      { timeoutMs: 30_000 },
    );
    expect(result).toMatchObject({ timedOut: false, code: 8 });
    expect(await readdir(join(root, 'calico/v1/policy/tier/default/policy'))).toEqual(['p1.yaml']);
  });
});
