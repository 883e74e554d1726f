import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixtureCopy } from '../helpers/temp-dir.js';
import { run } from './memory-io.js';

let root: string;
const kvdir = (...argv: string[]) => run(['--root', root, ...argv]);
const exists = (path: string) =>
  access(join(root, path)).then(
    () => true,
    () => false,
  );

beforeEach(async () => {
  root = await fixtureCopy('calico');
});

describe('kvdir delete', () => {
  it('deletes one key and says so', async () => {
    expect(await kvdir('delete', '/calico/v1/config/IpInIpMtu')).toEqual({
      code: 0,
      stdout: 'deleted 1 key\n',
      stderr: '',
    });
    expect(await exists('calico/v1/config/IpInIpMtu.yaml')).toBe(false);
  });

  it('deletes recursively with --prefix and counts every key removed, unreadable ones too', async () => {
    await writeFile(join(root, 'calico/v1/policy/profile/k8s_ns.default/broken.yaml'), 'a: [\n');
    // 6 policies, 3 profiles of 3 parts each, and the broken entry.
    expect(await kvdir('delete', '--prefix', '/calico/v1/policy')).toEqual({
      code: 0,
      stdout: 'deleted 16 keys\n',
      stderr: '',
    });
    expect(await exists('calico/v1/policy')).toBe(false);
    expect((await kvdir('list', '/calico/v1/policy')).stdout).toBe('');
  });

  it('prints the count as JSON with -o json', async () => {
    const result = await kvdir('delete', '-r', '/calico/v1/host/node-2', '-o', 'json');
    // bird_ip, metadata, 2 host config, 1 host endpoint, 4 workload endpoints.
    expect(JSON.parse(result.stdout)).toEqual({
      path: '/calico/v1/host/node-2',
      key: 'PathKey(/calico/v1/host/node-2)',
      deleted: 9,
    });
  });

  it('is a compare-and-swap with --revision', async () => {
    const path = '/calico/v1/config/IpInIpMtu';
    const { revision } = JSON.parse(
      (await kvdir('get', path, '--show-revision', '-o', 'json')).stdout,
    );
    expect((await kvdir('put', path, '9000')).code).toBe(0);
    expect(await kvdir('delete', path, '--revision', revision)).toEqual({
      code: 4,
      stdout: '',
      stderr: "kvdir: update conflict: 'GlobalConfig(name=IpInIpMtu)'\n",
    });
    const current = JSON.parse(
      (await kvdir('get', path, '--show-revision', '-o', 'json')).stdout,
    ).revision;
    expect(await kvdir('delete', path, '--revision', current)).toMatchObject({
      code: 0,
      stdout: 'deleted 1 key\n',
    });
  });

  it('exits 3 for a path with nothing there', async () => {
    expect(await kvdir('delete', '/calico/v1/policy/tier/default/policy/nope')).toEqual({
      code: 3,
      stdout: '',
      stderr: 'kvdir: resource does not exist: Policy(name=nope)\n',
    });
  });

  it('refuses a path that is not a key but has keys below it, unless given --prefix', async () => {
    expect(await kvdir('delete', '/calico/v1/host/node-2')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'kvdir: /calico/v1/host/node-2 is not a key, and 9 keys below it would go: add --prefix (-r) to delete them all, --dry-run to list them\n',
    });
    expect((await kvdir('list', '/calico/v1/host/node-2')).stdout.split('\n')).toHaveLength(10);
    expect(await kvdir('delete', '-r', '/calico/v1/host/node-2')).toMatchObject({
      code: 0,
      stdout: 'deleted 9 keys\n',
    });
  });

  it('deletes a key with the keys below it, without --prefix, as Calico does', async () => {
    await kvdir('put', '/apps/web', 'a: 1');
    await kvdir('put', '/apps/web/tls', 'b: 2');
    expect(await kvdir('delete', '/apps/web')).toEqual({
      code: 0,
      stdout: 'deleted 2 keys\n',
      stderr: '',
    });
  });

  it('lists what would go with --dry-run, and deletes nothing', async () => {
    const dry = await kvdir('delete', '--prefix', '/calico/v1/host/node-2', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe((await kvdir('list', '/calico/v1/host/node-2')).stdout);
    expect(dry.stderr).toBe('kvdir: dry run: would delete 9 keys\n');
    const json = JSON.parse(
      (await kvdir('delete', '-r', '/calico/v1/host/node-2', '--dry-run', '-o', 'json')).stdout,
    );
    expect(json).toMatchObject({ path: '/calico/v1/host/node-2', wouldDelete: 9 });
    expect(json.paths).toHaveLength(9);
    expect(await exists('calico/v1/host/node-2/bird_ip.yaml')).toBe(true);
    // The same refusals as the delete itself: no --prefix, a missing key, a stale revision.
    expect((await kvdir('delete', '/calico/v1/host/node-2', '--dry-run')).code).toBe(2);
    expect((await kvdir('delete', '/apps/nope', '--dry-run')).code).toBe(3);
    const mtu = '/calico/v1/config/IpInIpMtu';
    expect((await kvdir('delete', mtu, '--dry-run', '--revision', '1.1')).code).toBe(4);
    const { revision } = JSON.parse(
      (await kvdir('get', mtu, '--show-revision', '-o', 'json')).stdout,
    );
    expect(await kvdir('delete', mtu, '--dry-run', '--revision', revision)).toEqual({
      code: 0,
      stdout: `${mtu}\n`,
      stderr: 'kvdir: dry run: would delete 1 key\n',
    });
    expect(await exists('calico/v1/config/IpInIpMtu.yaml')).toBe(true);
  });
});
