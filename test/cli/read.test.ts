import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixtureCopy } from '../helpers/temp-dir.js';
import { run } from './memory-io.js';

let root: string;
const kvdir = (...argv: string[]) => run(['--root', root, ...argv]);

beforeEach(async () => {
  root = await fixtureCopy('calico');
});

describe('kvdir get', () => {
  it('prints a structured value as YAML', async () => {
    const result = await kvdir('get', '/calico/v1/policy/tier/default/policy/allow-dns');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(parse(result.stdout)).toMatchObject({ order: 100, selector: 'has(calico/k8s_ns)' });
  });

  it('prints JSON with -o json', async () => {
    const result = await kvdir(
      'get',
      '/calico/v1/policy/tier/default/policy/allow-dns',
      '-o',
      'json',
    );
    expect(JSON.parse(result.stdout)).toMatchObject({ order: 100, inbound_rules: [] });
  });

  it('keeps a raw string a string in both formats', async () => {
    expect((await kvdir('get', '/calico/v1/config/IpInIpMtu')).stdout).toBe('"1440"\n');
    expect((await kvdir('get', '/calico/v1/config/IpInIpMtu', '-o', 'json')).stdout).toBe(
      '"1440"\n',
    );
    expect((await kvdir('get', '/calico/v1/Ready', '-o', 'json')).stdout).toBe('true\n');
  });

  it('adds path, key and revision with --show-revision', async () => {
    const yaml = parse(
      (await kvdir('get', '/calico/v1/config/LogSeverityScreen', '--show-revision')).stdout,
    );
    expect(yaml).toEqual({
      path: '/calico/v1/config/LogSeverityScreen',
      key: 'GlobalConfig(name=LogSeverityScreen)',
      revision: expect.any(String),
      value: 'Info',
    });
    const json = JSON.parse(
      (await kvdir('get', '/calico/v1/config/LogSeverityScreen', '--show-revision', '-o', 'json'))
        .stdout,
    );
    expect(json).toEqual(yaml);
  });

  it('handles a Calico path as its key (escaped names too, every family) and any other path as a PathKey', async () => {
    const policy = JSON.parse(
      (
        await kvdir(
          'get',
          '/calico/v1/policy/tier/default/policy/k8s%2fallow-kube-system',
          '--show-revision',
          '-o',
          'json',
        )
      ).stdout,
    );
    expect(policy.key).toBe('Policy(name=k8s/allow-kube-system)');
    const metadata = JSON.parse(
      (await kvdir('get', 'calico/v1/host/node-1/metadata', '--show-revision', '-o', 'json'))
        .stdout,
    );
    expect(metadata).toMatchObject({
      path: '/calico/v1/host/node-1/metadata',
      key: 'Node(name=node-1)',
      value: {},
    });
    await kvdir('put', '/apps/web', 'replicas: 3');
    expect(
      JSON.parse((await kvdir('get', '/apps/web', '--show-revision', '-o', 'json')).stdout),
    ).toMatchObject({ key: 'PathKey(/apps/web)', value: { replicas: 3 } });
  });

  it("exits 3 with Calico's message for a missing key", async () => {
    expect(await kvdir('get', '/calico/v1/policy/tier/default/policy/nope')).toEqual({
      code: 3,
      stdout: '',
      stderr: 'kvdir: resource does not exist: Policy(name=nope)\n',
    });
    expect(await kvdir('get', '/no/such/key')).toMatchObject({
      code: 3,
      stderr: 'kvdir: resource does not exist: PathKey(/no/such/key)\n',
    });
  });

  it('exits 6 for a stored entry that does not parse, naming the file, line and column', async () => {
    await writeFile(join(root, 'calico/v1/config/LogSeverityScreen.yaml'), 'a: [\n');
    const result = await kvdir('get', '/calico/v1/config/LogSeverityScreen');
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(
      /^kvdir: failed to parse datastore entry .*LogSeverityScreen\.yaml:\d+:\d+: /,
    );
    expect(result.stderr).not.toContain('at line');
  });

  it('exits 8 for a path that cannot be a key', async () => {
    const result = await kvdir('get', '/a//b');
    expect(result.code).toBe(8);
    expect(result.stderr).toMatch(/^kvdir: error with field path = '\/a\/\/b'/);
  });
});

describe('kvdir list', () => {
  it('prints the paths at or below a prefix, in path order', async () => {
    const result = await kvdir('list', '/calico/v1/config');
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        '/calico/v1/config/ClusterGUID',
        '/calico/v1/config/InterfacePrefix',
        '/calico/v1/config/IpInIpMtu',
        '/calico/v1/config/LogSeverityScreen',
        '/calico/v1/config/reporting/UsageReportingEnabled',
        '',
      ].join('\n'),
    });
  });

  it('lists the whole tree without a prefix', async () => {
    const lines = (await kvdir('list')).stdout.trim().split('\n');
    expect(lines).toHaveLength(51);
    expect(lines).toEqual([...lines].sort());
    expect(lines).toContain('/calico/v1/Ready');
  });

  it('prints records with values and revisions with -o json and -o yaml', async () => {
    const json = JSON.parse(
      (await kvdir('list', '/calico/v1/config/reporting', '-o', 'json')).stdout,
    );
    expect(json).toEqual([
      {
        path: '/calico/v1/config/reporting/UsageReportingEnabled',
        key: 'GlobalConfig(name=reporting/UsageReportingEnabled)',
        revision: expect.any(String),
        value: 'true',
      },
    ]);
    expect(
      parse((await kvdir('list', '/calico/v1/config/reporting', '-o', 'yaml')).stdout),
    ).toEqual(json);
  });

  it('prints nothing (or an empty list) for a prefix with no keys', async () => {
    expect(await kvdir('list', '/nothing/here')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await kvdir('list', '/nothing/here', '-o', 'json')).stdout).toBe('[]\n');
  });

  // The paths come from the names alone (values are not read): an entry that does not parse
  // is listed without a word; with -o yaml|json, whose records need the value, it is skipped
  // with a warning.
  it('lists an entry that does not parse; skips it with a warning with -o yaml|json', async () => {
    await writeFile(join(root, 'calico/v1/config/Broken.yaml'), 'x: [\n');
    expect(await kvdir('list', '/calico/v1/config')).toMatchObject({ code: 0, stderr: '' });
    expect((await kvdir('list', '/calico/v1/config')).stdout).toContain(
      '/calico/v1/config/Broken\n',
    );
    const result = await kvdir('list', '/calico/v1/config', '-o', 'yaml');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('Broken');
    expect(result.stderr).toMatch(
      /^kvdir: warning: failed to parse datastore entry .*Broken\.yaml/,
    );
  });
});

describe('kvdir get: several keys, subtrees, raw values', () => {
  const mtu = '/calico/v1/config/IpInIpMtu';
  const ready = '/calico/v1/Ready';

  it('prints a value as its text with -o raw: no quotes on a string', async () => {
    expect(await kvdir('get', mtu, '-o', 'raw')).toEqual({ code: 0, stdout: '1440\n', stderr: '' });
    expect((await kvdir('get', ready, '-o', 'raw')).stdout).toBe('true\n');
    await kvdir('put', '/apps/web', '{replicas: 3, image: "nginx:1.27"}');
    expect((await kvdir('get', '/apps/web', '-o', 'raw')).stdout).toBe(
      'replicas: 3\nimage: nginx:1.27\n',
    );
    await kvdir('put', '/apps/nothing', 'null');
    expect((await kvdir('get', '/apps/nothing', '-o', 'raw')).stdout).toBe('null\n');
  });

  it('prints a list of records for several paths, in the order given', async () => {
    const yaml = parse((await kvdir('get', ready, mtu)).stdout);
    expect(yaml).toEqual([
      { path: ready, key: 'ReadyFlagKey()', revision: expect.any(String), value: true },
      {
        path: mtu,
        key: 'GlobalConfig(name=IpInIpMtu)',
        revision: expect.any(String),
        value: '1440',
      },
    ]);
    expect(JSON.parse((await kvdir('get', ready, mtu, '-o', 'json')).stdout)).toEqual(yaml);
    expect((await kvdir('get', ready, mtu, '-o', 'raw')).stdout).toBe('true\n1440\n');
  });

  it('fails as a whole when one of several keys is missing', async () => {
    expect(await kvdir('get', mtu, '/apps/nope')).toEqual({
      code: 3,
      stdout: '',
      stderr: 'kvdir: resource does not exist: PathKey(/apps/nope)\n',
    });
  });

  it('prints what list -o yaml|json prints with --prefix', async () => {
    for (const format of [[], ['-o', 'json']]) {
      const got = await kvdir('get', '--prefix', '/calico/v1/config', ...format);
      const listed = await kvdir('list', '/calico/v1/config', '-o', format[1] ?? 'yaml');
      expect(got).toEqual(listed);
    }
    expect((await kvdir('get', '-r', '/calico/v1/config/reporting', '-o', 'raw')).stdout).toBe(
      'true\n',
    );
    expect(await kvdir('get', '--prefix', '/a', '/b')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^kvdir: get: --prefix takes one path\n/),
    });
  });

  it('says how to read a directory of keys that is not a key', async () => {
    expect(await kvdir('get', '/calico/v1/config')).toEqual({
      code: 3,
      stdout: '',
      stderr:
        'kvdir: resource does not exist: PathKey(/calico/v1/config) (5 keys below it: kvdir list /calico/v1/config, or kvdir get --prefix /calico/v1/config)\n',
    });
  });

  it("names the argument typed for get ''", async () => {
    expect(await kvdir('get', '')).toEqual({
      code: 8,
      stdout: '',
      stderr: "kvdir: error with field path = '' (a key path is required, e.g. /apps/web)\n",
    });
  });

  it('shows the TTL left (milliseconds) with --show-revision', async () => {
    await kvdir('put', '/apps/session', 'token', '--ttl', '30s');
    const record = JSON.parse(
      (await kvdir('get', '/apps/session', '--show-revision', '-o', 'json')).stdout,
    );
    expect(record.ttl).toBeGreaterThan(20_000);
    expect(record.ttl).toBeLessThanOrEqual(30_000);
  });
});

describe('kvdir list: names only, and -o wide', () => {
  it('lists keys without reading their values: one too large to read is listed', async () => {
    await writeFile(
      join(root, 'calico/v1/config/Huge.yaml'),
      `x: "${'a'.repeat(5 * 1024 * 1024)}"\n`,
    );
    const names = await kvdir('list', '/calico/v1/config');
    expect(names).toMatchObject({ code: 0, stderr: '' });
    expect(names.stdout).toContain('/calico/v1/config/Huge\n');
    const records = await kvdir('list', '/calico/v1/config', '-o', 'json');
    expect(records.stderr).toMatch(/^kvdir: warning: .*Huge/);
  });

  it('prints path, revision, size and TTL left in columns with -o wide', async () => {
    await kvdir('put', '/apps/a', 'x: 1');
    const revision = (await kvdir('put', '/apps/session', 'token', '--ttl', '90s')).stdout.trim();
    const { code, stdout, stderr } = await kvdir('list', '/apps', '-o', 'wide');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PATH +REVISION +SIZE +TTL$/);
    expect(lines[1]).toMatch(/^\/apps\/a +\S+ +5 +-$/);
    expect(lines[2]).toMatch(
      new RegExp(`^/apps/session +${revision.replace('.', '\\.')} +6 +1m[23]\\ds$`),
    );
    // The columns line up: every line has its TTL at the same place.
    expect(
      new Set(lines.map((line) => line.indexOf(line.trim().split(/ +/)[3] ?? ''))),
    ).toHaveLength(1);
  });
});
