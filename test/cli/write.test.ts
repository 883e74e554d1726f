import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixtureCopy, tempDir } from '../helpers/temp-dir.js';
import { run } from './memory-io.js';

let root: string;
const kvdir = (...argv: string[]) => run(['--root', root, ...argv]);

async function revisionOf(path: string): Promise<string> {
  return JSON.parse((await kvdir('get', path, '--show-revision', '-o', 'json')).stdout).revision;
}

beforeEach(async () => {
  root = await fixtureCopy('calico');
});

describe('kvdir create|update|apply -f', () => {
  it('creates from a file and prints the new revision', async () => {
    const file = join(root, '..', 'value.yaml');
    await writeFile(file, 'order: 5\nselector: all()\n');
    const result = await kvdir('create', '/calico/v1/policy/tier/default/policy/p1', '-f', file);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(await revisionOf('/calico/v1/policy/tier/default/policy/p1'));
    expect(
      parse(await readFile(join(root, 'calico/v1/policy/tier/default/policy/p1.yaml'), 'utf8')),
    ).toEqual({ order: 5, selector: 'all()' });
  });

  it('reads -f - from stdin, and a file relative to the working directory', async () => {
    const cwd = join(root, '..');
    await writeFile(join(cwd, 'v.yaml'), 'b: 2\n');
    expect(
      (await run(['--root', root, 'apply', '/my/a', '-f', '-'], { stdin: 'a: 1\n' })).code,
    ).toBe(0);
    expect((await run(['--root', root, 'apply', '/my/b', '-f', 'v.yaml'], { cwd })).code).toBe(0);
    expect(JSON.parse((await kvdir('get', '/my/a', '-o', 'json')).stdout)).toEqual({ a: 1 });
    expect(JSON.parse((await kvdir('get', '/my/b', '-o', 'json')).stdout)).toEqual({ b: 2 });
  });

  it('prints path, key and revision with -o json', async () => {
    const result = await run(
      ['--root', root, 'update', '/calico/v1/config/LogSeverityScreen', '-f', '-', '-o', 'json'],
      { stdin: 'Debug\n' },
    );
    expect(JSON.parse(result.stdout)).toEqual({
      path: '/calico/v1/config/LogSeverityScreen',
      key: 'GlobalConfig(name=LogSeverityScreen)',
      revision: await revisionOf('/calico/v1/config/LogSeverityScreen'),
    });
  });

  it('exits 5 when create finds the key, 3 when update does not', async () => {
    expect(
      await run(
        ['--root', root, 'create', '/calico/v1/policy/tier/default/policy/allow-dns', '-f', '-'],
        { stdin: 'order: 1\nselector: all()' },
      ),
    ).toMatchObject({
      code: 5,
      stdout: '',
      stderr: 'kvdir: resource already exists: Policy(name=allow-dns)\n',
    });
    expect(await run(['--root', root, 'update', '/x/y', '-f', '-'], { stdin: '1' })).toMatchObject({
      code: 3,
      stderr: 'kvdir: resource does not exist: PathKey(/x/y)\n',
    });
  });

  it('exits 6 for input that does not parse, with the source, line and column', async () => {
    const result = await run(['--root', root, 'apply', '/x/y', '-f', '-'], {
      stdin: 'a: 1\nb: [\n',
    });
    expect(result).toMatchObject({ code: 6, stdout: '' });
    expect(result.stderr).toMatch(/^kvdir: <stdin>:3:1: \S/);
  });

  it('exits 2 without -f, and 1 when the file cannot be read', async () => {
    const missing = await kvdir('create', '/x/y');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^kvdir: create: the value is required: -f <file>/);
    expect(missing.stderr).toContain('Usage: kvdir create <path> -f <file>');
    const unreadable = await kvdir('create', '/x/y', '-f', join(root, 'no-such-file.yaml'));
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toMatch(/^kvdir: cannot read .*no-such-file\.yaml: ENOENT/);
  });
});

describe('kvdir put', () => {
  it('writes raw values as text, so 1500 stays the string "1500"', async () => {
    expect((await kvdir('put', '/calico/v1/config/IpInIpMtu', '1500')).code).toBe(0);
    // The fixture's comment stays: the write edits the file that is there (issue 16).
    expect(await readFile(join(root, 'calico/v1/config/IpInIpMtu.yaml'), 'utf8')).toBe(
      '# Raw string: quoted so YAML keeps it a string, not a number.\n"1500"\n',
    );
    expect((await kvdir('put', '/calico/v1/Ready', 'false')).code).toBe(0);
    expect((await kvdir('get', '/calico/v1/Ready', '-o', 'json')).stdout).toBe('false\n');
  });

  it('writes structured YAML for other keys, creating parents', async () => {
    expect((await kvdir('put', '/apps/web/replicas', '{count: 3, zones: [a, b]}')).code).toBe(0);
    expect(parse(await readFile(join(root, 'apps/web/replicas.yaml'), 'utf8'))).toEqual({
      count: 3,
      zones: ['a', 'b'],
    });
  });

  it('takes a value that starts with a dash after --', async () => {
    expect((await kvdir('put', '/n', '--', '-1')).code).toBe(0);
    expect((await kvdir('get', '/n', '-o', 'json')).stdout).toBe('-1\n');
  });

  it('is a compare-and-swap with --revision: exit 4 on a stale revision', async () => {
    const path = '/calico/v1/config/LogSeverityScreen';
    const before = await revisionOf(path);
    const first = await kvdir('put', path, 'Debug', '--revision', before);
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).not.toBe(before);
    expect(await kvdir('put', path, 'Warning', '--revision', before)).toEqual({
      code: 4,
      stdout: '',
      stderr: "kvdir: update conflict: 'GlobalConfig(name=LogSeverityScreen)'\n",
    });
    expect((await kvdir('get', path)).stdout).toBe('Debug\n');
  });

  it('exits 8 for a value of the wrong type for its key', async () => {
    expect(await kvdir('put', '/calico/v1/Ready', 'yes')).toMatchObject({
      code: 8,
      stderr: "kvdir: error with field value = 'yes' (must be a boolean)\n",
    });
    expect((await kvdir('put', '/calico/v1/host/node-1/bird_ip', 'not-an-ip')).code).toBe(8);
  });

  it('exits 8 for a Calico value of the wrong shape, naming each field, and writes nothing', async () => {
    const path = '/calico/v1/policy/tier/default/policy/p';
    expect(await kvdir('put', path, '{order: high, selector: all()}')).toEqual({
      code: 8,
      stdout: '',
      stderr: "kvdir: error with field order = 'high' (must be a number)\n",
    });
    expect(await kvdir('put', path, 'x')).toMatchObject({
      code: 8,
      stderr: "kvdir: error with field value = 'x' (must be a mapping)\n",
    });
    expect(await kvdir('put', path, '{selector: all(), bogus: 1}')).toMatchObject({
      code: 8,
      stderr: "kvdir: error with field bogus = '1' (unknown field)\n",
    });
    expect(
      await kvdir('put', '/calico/ipam/v2/handle/h', '{block: {10.0.0.0/26: two}}'),
    ).toMatchObject({
      code: 8,
      stderr: 'kvdir: error with field block["10.0.0.0/26"] = \'two\' (must be an integer)\n',
    });
    expect((await kvdir('get', path)).code).toBe(3);
    expect((await kvdir('put', path, '{order: 1, selector: all()}')).code).toBe(0);
  });

  it('exits 6 when a stored Calico value has a field of the wrong type, naming its line and column', async () => {
    const file = join(root, 'calico/v1/policy/tier/default/policy/allow-dns.yaml');
    await writeFile(file, 'order: high\nselector: all()\n');
    expect(await kvdir('get', '/calico/v1/policy/tier/default/policy/allow-dns')).toEqual({
      code: 6,
      stdout: '',
      stderr: `kvdir: failed to parse datastore entry ${file}:1:8: order: must be a number\n`,
    });
  });

  it('exits 6 for a value that does not parse', async () => {
    const result = await kvdir('put', '/x', 'a: b: c');
    expect(result.code).toBe(6);
    expect(result.stderr).toBe(
      'kvdir: <yaml-value>:1:4: Nested mappings are not allowed in compact mappings\n',
    );
  });

  it('creates the root directory of a new datastore', async () => {
    const fresh = join(await tempDir(), 'new-store');
    expect((await run(['--root', fresh, 'put', '/a', '1'])).code).toBe(0);
    expect(await readFile(join(fresh, 'a.yaml'), 'utf8')).toBe('1\n');
  });
});

describe('--ttl', () => {
  const sidecar = (name: string) => readFile(join(root, 'apps', `.kvdir-${name}.yaml.rev`), 'utf8');

  it('makes the key expire after a duration in ms, s, m or h; a bare number is seconds', async () => {
    for (const [given, ms] of [
      ['1500ms', 1500],
      ['30s', 30_000],
      ['2m', 120_000],
      ['1.5h', 5_400_000],
      ['45', 45_000],
    ] as const) {
      const before = Date.now();
      expect((await kvdir('put', '/apps/t', 'x', '--ttl', given)).code).toBe(0);
      const expiry: number = JSON.parse(await sidecar('t')).e;
      expect(expiry - before).toBeGreaterThanOrEqual(ms);
      expect(expiry - Date.now()).toBeLessThanOrEqual(ms);
    }
    const file = join(root, '..', 'v.yaml');
    await writeFile(file, 'a: 1\n');
    for (const op of ['create', 'update', 'apply'])
      expect((await kvdir(op, '/apps/f', '-f', file, '--ttl', '1h')).code).toBe(0);
    expect(JSON.parse(await sidecar('f')).e).toBeGreaterThan(Date.now() + 3_500_000);
  });

  it('is gone for get once the TTL ran out', async () => {
    expect((await kvdir('put', '/apps/short', 'x', '--ttl', '50ms')).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await kvdir('get', '/apps/short')).code).toBe(3);
  });

  it('exits 2 for a duration it cannot read, before reading any input', async () => {
    for (const given of ['0', '-5s', '5x', '1d', '', 's']) {
      const result = await kvdir('apply', '/apps/t', '-f', '-', '--ttl', given);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^kvdir: --ttl: '.*' is not a duration of 1ms or more \(e\.g\. 500ms/,
      );
    }
  });
});

describe('input of more than one YAML document', () => {
  it('exits 6 saying one document per key, where the second one starts', async () => {
    const result = await run(['--root', root, 'apply', '/apps/multi', '-f', '-'], {
      stdin: 'a: 1\n---\nb: 2\n',
    });
    expect(result).toEqual({
      code: 6,
      stdout: '',
      stderr: 'kvdir: <stdin>:2:1: one document per key: a second YAML document starts here\n',
    });
  });
});
