/**
 * `kvdir mirror` in-process against the run's etcd (each test in a namespace of its own): its
 * lines, `-o json`, its exit codes (0 in sync, 1 refused or skipped, 2 usage), live until the
 * signal (exit 0), and the real bin once: SIGINT stops a live mirror, which exits 0 by itself.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { Child } from '../helpers/child.js';
import type { EtcdStore } from '../helpers/etcd.js';
import { etcdStore, hasEtcd } from '../helpers/etcd.js';
import { manyFiles, waitFor, writeFiles } from '../helpers/mirror.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';
import { memoryIO, run } from './memory-io.js';

const bin = join(REPO, 'bin', 'kvdir.js');

beforeAll(() => {
  if (!existsSync(join(REPO, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
});

/** `kvdir --endpoints <etcd> --namespace <ns> mirror <argv>` in-process. */
function mirror(store: EtcdStore) {
  return (argv: string[]) =>
    run(['--endpoints', store.endpoint, '--namespace', store.namespace, 'mirror', ...argv]);
}

describe('kvdir mirror: usage', () => {
  it('needs --endpoints, and a directory that exists', async () => {
    const dir = await tempDir();
    const usage = await run(['mirror', dir]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^kvdir: mirror needs --endpoints/);
    const missing = await run([
      '--endpoints',
      'http://127.0.0.1:1',
      'mirror',
      join(dir, 'nope'),
      '--once',
      '--force',
    ]);
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: `kvdir: refused: ${join(dir, 'nope')} is not a directory (a missing directory is never mirrored; an empty one is, with --force)\n`,
    });
  });
});

describe('kvdir mirror: etcd unreachable', () => {
  it('gives a --once pass up after 3 attempts, with exit code 7', async () => {
    const dir = await tempDir();
    writeFiles(dir, { 'a.yaml': 'n: 1\n' });
    const result = await run(['--endpoints', 'http://127.0.0.1:1', 'mirror', dir, '--once']);
    expect(result.code).toBe(7);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^kvdir: warning: mirror election failed: etcd at http:\/\/127.0.0.1:1 is unavailable: .*; trying again$/,
    );
    expect(lines[2]).toMatch(
      /^kvdir: mirror election failed: etcd at http:\/\/127.0.0.1:1 is unavailable/,
    );
  });
});

describe.runIf(hasEtcd)('kvdir mirror against etcd', () => {
  it('prints one line per write, exits 0 in sync and 1 when a file is skipped; -o json is one object per line', async () => {
    const store = etcdStore();
    const kvdir = mirror(store);
    const dir = await tempDir();
    writeFiles(dir, { 'a/x.yaml': 'n: 1\n', 'a/y.yaml': 'n: 2\n' });
    const first = await kvdir([dir, '/a', '--once']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^created \/a\/x\ncreated \/a\/y\nin sync at revision \d+: 2 keys \(2 created, 0 updated, 0 deleted, 0 unchanged\)\n$/,
    );
    writeFiles(dir, { 'a/y.yaml': 'n: [\n' });
    const skipped = await kvdir([dir, '/a', '--once', '-o', 'json']);
    expect(skipped.code).toBe(1);
    const events = skipped.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(events).toEqual([
      { type: 'skipped', path: '/a/y', kept: true, reason: expect.any(String) },
      expect.objectContaining({ type: 'pass', inSync: false, skipped: 1, unchanged: 1 }),
    ]);
    expect(await store.rawGet('/a/y')).toBe('{"n":2}');
  });

  it('mirrors live until the signal, then exits 0', async () => {
    const store = etcdStore();
    const dir = await tempDir();
    writeFiles(dir, manyFiles('k', 12));
    const stop = new AbortController();
    const io = memoryIO({ signal: stop.signal });
    const argv = ['--endpoints', store.endpoint, '--namespace', store.namespace, 'mirror', dir];
    const exit = main(argv, io);
    await io.stdout.waitForLine(/^in sync at revision/);
    writeFiles(dir, { 'k/03.yaml': 'n: 33\n' });
    await io.stdout.waitForLine(/^updated \/k\/03$/);
    await store.rawPut('/k/04', '{}');
    await io.stdout.waitForLine(
      /^healed \/k\/04 \(a foreign write, set back to the file's value\)$/,
    );
    stop.abort();
    expect(await exit).toBe(0);
    expect(io.stderr.text).toBe('');
  });

  it('runs as a process: SIGINT stops a live mirror, which exits 0 on its own', async () => {
    const store = etcdStore();
    const dir = await tempDir();
    writeFiles(dir, manyFiles('k', 3));
    const child = new Child(bin, [
      'mirror',
      dir,
      '--endpoints',
      store.endpoint,
      '--namespace',
      store.namespace,
    ]);
    await child.line((line) => line.startsWith('in sync at revision'));
    await waitFor(async () => (await store.rawPaths()).length === 3, 'the keys');
    child.process.kill('SIGINT');
    expect(await child.exited).toBe(0);
  });
});
