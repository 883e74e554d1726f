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

  it('skips an entry that does not parse, with a warning on stderr', async () => {
    await writeFile(join(root, 'calico/v1/config/Broken.yaml'), 'x: [\n');
    const result = await kvdir('list', '/calico/v1/config');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('Broken');
    expect(result.stderr).toMatch(
      /^kvdir: warning: failed to parse datastore entry .*Broken\.yaml/,
    );
  });
});
