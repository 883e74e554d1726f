/**
 * The command line on etcd (`--endpoints`, `$KVDIR_ENDPOINTS`), in-process against the run's
 * etcd, each test in a namespace of its own (`--namespace`); the real bin once; and the etcd
 * client staying unloaded for the directory commands.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { Child, childScript } from '../helpers/child.js';
import type { EtcdStore } from '../helpers/etcd.js';
import { etcdStore, hasEtcd } from '../helpers/etcd.js';
import { freePort } from '../helpers/etcd-server.js';
import { REPO } from '../helpers/paths.js';
import { fixtureCopy } from '../helpers/temp-dir.js';
import { memoryIO, run } from './memory-io.js';

const mainFile = join(REPO, 'dist', 'src', 'cli', 'main.js');

beforeAll(() => {
  if (!existsSync(mainFile)) throw new Error('dist/ is missing: run `npm run build` first');
});

const watchers: Array<{ stop: AbortController; exit: Promise<number> }> = [];
afterEach(async () => {
  for (const { stop, exit } of watchers.splice(0)) {
    stop.abort();
    await exit;
  }
});

/** `kvdir --endpoints <etcd> --namespace <ns> <argv>` in-process. */
function on(store: EtcdStore) {
  return (argv: string[], options: { stdin?: string } = {}) =>
    run(['--endpoints', store.endpoint, '--namespace', store.namespace, ...argv], options);
}

describe.runIf(hasEtcd)('kvdir --endpoints (etcd)', () => {
  it('puts, gets, lists, creates, updates, applies and deletes keys in etcd', async () => {
    const store = etcdStore();
    const kvdir = on(store);
    expect(await kvdir(['init'])).toEqual({
      code: 0,
      stdout: `initialized etcd at ${store.endpoint} (namespace ${store.namespace})\n`,
      stderr: '',
    });
    const put = await kvdir(['put', '/apps/web', '{replicas: 2}']);
    expect(put).toMatchObject({ code: 0, stderr: '' });
    expect(await store.rawGet('/apps/web')).toBe('{"replicas":2}');
    expect((await kvdir(['get', '/apps/web'])).stdout).toBe('replicas: 2\n');
    const shown = await kvdir(['get', '/apps/web', '--show-revision', '-o', 'json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ revision: put.stdout.trim() });

    const created = await kvdir(['create', '/apps/db', '-f', '-'], { stdin: 'size: 1 # one\n' });
    expect(created.code).toBe(0);
    // Comments are kept in a file; etcd holds Calico's JSON, so they go.
    expect(await store.rawGet('/apps/db')).toBe('{"size":1}');
    expect((await kvdir(['create', '/apps/db', '-f', '-'], { stdin: 'size: 2\n' })).code).toBe(5);
    const stale = await kvdir(['update', '/apps/web', '-f', '-', '--revision', '1'], {
      stdin: 'replicas: 3\n',
    });
    expect(stale.code).toBe(4);
    const update = ['update', '/apps/web', '-f', '-', '--revision', put.stdout.trim()];
    expect((await kvdir(update, { stdin: 'replicas: 3\n' })).code).toBe(0);
    expect((await kvdir(['apply', '/apps/db/x', '-f', '-'], { stdin: 'a: 1\n' })).code).toBe(0);
    expect((await kvdir(['list', '/apps'])).stdout).toBe('/apps/db\n/apps/db/x\n/apps/web\n');

    expect(await kvdir(['delete', '/apps/db'])).toEqual({
      code: 0,
      stdout: 'deleted 2 keys\n',
      stderr: '',
    });
    expect(await store.rawPaths()).toEqual(['/apps/web', '/calico/v1/Ready']);
    expect(await kvdir(['get', '/apps/db'])).toEqual({
      code: 3,
      stdout: '',
      stderr: 'kvdir: resource does not exist: PathKey(/apps/db)\n',
    });
  });

  it('takes etcd from $KVDIR_ENDPOINTS and $KVDIR_NAMESPACE unless --root is given', async () => {
    const store = etcdStore();
    const env = { KVDIR_ENDPOINTS: store.endpoint, KVDIR_NAMESPACE: store.namespace };
    expect((await run(['put', '/env/a', '1'], { env })).code).toBe(0);
    expect(await store.rawGet('/env/a')).toBe('1');
    const root = await fixtureCopy('calico');
    const listed = await run(['--root', root, 'list', '/calico/v1/config'], { env });
    expect(listed.stdout.split('\n')).toContain('/calico/v1/config/ClusterGUID');
  });

  it('watches etcd: every key, in-sync, then each change, until interrupted', async () => {
    const store = etcdStore();
    const kvdir = on(store);
    await kvdir(['put', '/w/a', '{n: 1}']);
    const stop = new AbortController();
    const io = memoryIO({ signal: stop.signal });
    const args = ['--endpoints', store.endpoint, '--namespace', store.namespace, 'watch', '/w'];
    const exit = main(args, io);
    watchers.push({ stop, exit });
    await io.stdout.waitForLine(/^status in-sync$/);
    expect(io.stdout.lines).toEqual([
      'status wait-for-ready',
      'status resync',
      'new /w/a {"n":1}',
      'status in-sync',
    ]);
    await kvdir(['put', '/w/a', '{n: 2}']);
    await io.stdout.waitForLine(/^updated \/w\/a \{"n":2\}$/);
    await kvdir(['delete', '/w/a']);
    await io.stdout.waitForLine(/^deleted \/w\/a$/);
    stop.abort();
    expect(await exit).toBe(0);
  });

  it('refuses check and edit, and --root with --endpoints, and --namespace alone', async () => {
    const store = etcdStore();
    const check = await on(store)(['check']);
    expect(check.code).toBe(2);
    expect(check.stderr).toMatch(/^kvdir: check reads a datastore directory, and --endpoints/);
    const edit = await on(store)(['edit', '/a']);
    expect(edit.code).toBe(2);
    expect(edit.stderr).toMatch(/^kvdir: edit opens a value file as it is written/);
    const both = await run(['--root', '.', '--endpoints', store.endpoint, 'list']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^kvdir: --root and --endpoints name two datastores/);
    const alone = await run(['--namespace', '/x', 'list']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/^kvdir: --namespace needs --endpoints/);
  });

  it('says when etcd cannot be reached (exit code 7)', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const result = await run(['--endpoints', nobody, 'get', '/a']);
    expect(result.code).toBe(7);
    expect(result.stderr).toContain(`etcd at ${nobody} is unavailable`);
  });

  it('works through the real bin', async () => {
    const store = etcdStore();
    const bin = join(REPO, 'bin', 'kvdir.js');
    const kvdir = async (args: string[]) => {
      const child = new Child(bin, [
        '--endpoints',
        store.endpoint,
        '--namespace',
        store.namespace,
        ...args,
      ]);
      const code = await child.exited;
      return { code, stdout: child.lines.join('\n'), stderr: child.stderr };
    };
    expect(await kvdir(['put', '/bin/a', '{x: 1}'])).toMatchObject({ code: 0, stderr: '' });
    expect(await kvdir(['get', '/bin/a', '-o', 'json'])).toEqual({
      code: 0,
      stdout: '{\n  "x": 1\n}',
      stderr: '',
    });
  });
});

describe('the etcd client in the command line', () => {
  const packages = async (args: string[]) => {
    const child = new Child(childScript('cli-packages.mjs'), [mainFile, ...args]);
    expect(await child.exited, child.stderr).toBe(0);
    return JSON.parse(child.lines.at(-1) ?? 'null') as unknown;
  };

  it('is never loaded by a directory command', async () => {
    const root = await fixtureCopy('calico');
    expect(await packages(['--root', root, 'list'])).toEqual({
      code: 0,
      etcd3: false,
      grpc: false,
    });
  });

  it.runIf(hasEtcd)('is loaded with --endpoints', async () => {
    const store = etcdStore();
    const args = ['--endpoints', store.endpoint, '--namespace', store.namespace, 'list'];
    expect(await packages(args)).toEqual({ code: 0, etcd3: true, grpc: true });
  });
});
