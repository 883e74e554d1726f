/**
 * kvdir's own files: what interrupted work leaves behind (a killed subtree delete's trash
 * directory, P17; temp files; a sidecar without its value file, newcomer finding 17; an
 * expired key's files, finding 16) is reported by `kvdir check` and removed by
 * `kvdir check --fix`, under the lock a writer takes; and a link in place of the lock folder
 * is refused, never written through (P31).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../src/index.js';
import { DatastoreError, FileBackend, PathKey } from '../../src/index.js';
import { systemClock } from '../../src/core/clock.js';
import { Child, childScript, runNode } from '../helpers/child.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';
import { run } from '../cli/memory-io.js';

const BIN = join(REPO, 'bin', 'kvdir.js');
const HOUR = 60 * 60 * 1000;

/** The system clock, `ms` later: files written now look that old, TTLs that much nearer. */
function later(ms: number): Clock {
  return { ...systemClock, now: () => Date.now() + ms, wallNow: () => Date.now() + ms };
}

/** A tree with one of each leftover, as a killed process leaves them, and one good key. */
async function treeWithLeftovers(): Promise<string> {
  const root = await tempDir();
  const writer = new FileBackend({ root, fsync: false });
  await writer.create({ key: new PathKey('/apps/good'), value: { v: 1 } });
  await writer.create({ key: new PathKey('/apps/gone'), value: { v: 2 } });
  await writer.create({ key: new PathKey('/apps/ttl'), value: { v: 3 }, ttl: 60_000 });
  await writer.close();
  await rm(join(root, 'apps', 'gone.yaml')); // removed outside kvdir: its sidecar stays
  const trash = join(root, 'apps', '.kvdir-trash-0123456789ab');
  await mkdir(join(trash, 'sub'), { recursive: true });
  for (let i = 0; i < 20; i++) await writeFile(join(trash, 'sub', `k${i}.yaml`), 'v: 1\n');
  await writeFile(join(root, 'apps', '.kvdir-good.yaml.tmp-0123456789ab'), 'v: half');
  return root;
}

const LEFTOVERS = [
  ['apps/.kvdir-gone.yaml.rev', 'leftover: a revision sidecar whose value file is gone'],
  [
    'apps/.kvdir-good.yaml.tmp-0123456789ab',
    'leftover: a temp file of a write that did not finish',
  ],
  [
    'apps/.kvdir-trash-0123456789ab',
    'leftover: a subtree moved aside by a delete that did not finish',
  ],
  ['apps/ttl.yaml', 'leftover: the key expired (TTL) but its files are still here'],
];

describe('leftovers (P17, newcomer findings 16 and 17)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('check reports each leftover once it is old enough, and changes nothing', async () => {
    const root = await treeWithLeftovers();
    const fresh = new FileBackend({ root });
    // Young files may be work in progress; the TTL has not run out yet.
    expect(await fresh.check('/')).toEqual([]);
    await fresh.close();
    const client = new FileBackend({ root, clock: later(HOUR) });
    const problems = await client.check('/');
    expect(problems.map((p) => [p.file.slice(root.length + 1), p.message])).toEqual(
      LEFTOVERS.map(([file, what]) => [file, `${what} (kvdir check --fix removes it)`]),
    );
    await client.close();
    expect(existsSync(join(root, 'apps', '.kvdir-trash-0123456789ab'))).toBe(true);
    expect(existsSync(join(root, 'apps', 'ttl.yaml'))).toBe(true);
  });

  it('check --fix removes them and nothing else; a second check finds nothing', async () => {
    const root = await treeWithLeftovers();
    const client = new FileBackend({ root, clock: later(HOUR) });
    const fixed = await client.check('/', { fix: true });
    expect(fixed.map((p) => [p.file.slice(root.length + 1), p.message, p.fixed])).toEqual(
      LEFTOVERS.map(([file, what]) => [file, `${what} (removed)`, true]),
    );
    expect(await client.check('/')).toEqual([]);
    expect((await readdir(join(root, 'apps'))).sort()).toEqual([
      '.kvdir-good.yaml.rev',
      'good.yaml',
    ]);
    expect((await client.get(new PathKey('/apps/good'))).value).toEqual({ v: 1 });
    await client.close();
  });

  it('a sidecar whose value file arrives meanwhile (a slow create) is not removed', async () => {
    const root = await treeWithLeftovers();
    const client = new FileBackend({ root, clock: later(HOUR) });
    await writeFile(join(root, 'apps', 'gone.yaml'), 'v: 2\n');
    await client.check('/', { fix: true });
    expect(existsSync(join(root, 'apps', '.kvdir-gone.yaml.rev'))).toBe(true);
    await client.close();
  });

  it('--fix takes the lock a writer takes: while another process holds it, nothing is removed', async () => {
    const root = await treeWithLeftovers();
    const holder = new Child(childScript('hold-lock.mjs'), [root, '/apps/x']);
    await holder.line((line) => line === 'locked');
    const impatient = new FileBackend({ root, clock: later(HOUR), lock: { wait: 0 } });
    const err = await impatient.check('/', { fix: true }).catch((e: unknown) => e);
    expect((err as DatastoreError).code).toBe('ERR_LOCKED');
    await impatient.close();
    expect(existsSync(join(root, 'apps', '.kvdir-good.yaml.tmp-0123456789ab'))).toBe(true);
    expect(existsSync(join(root, 'apps', '.kvdir-trash-0123456789ab'))).toBe(true);
    holder.process.stdin.write('go\n');
    await holder.line((line) => line === 'released');
    const client = new FileBackend({ root, clock: later(HOUR) });
    expect((await client.check('/', { fix: true })).every((p) => p.fixed === true)).toBe(true);
    expect(existsSync(join(root, 'apps', '.kvdir-good.yaml.tmp-0123456789ab'))).toBe(false);
    await client.close();
  });

  it('the CLI: check exits 1 listing them; check --fix removes them and exits 0', async () => {
    const root = await treeWithLeftovers();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + HOUR });
    const check = await run(['--root', root, 'check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('.kvdir-trash-0123456789ab: leftover: a subtree moved aside');
    expect(check.stderr).toContain('4 problems');
    const fix = await run(['--root', root, 'check', '--fix']);
    expect(fix.code).toBe(0);
    expect(fix.stderr).toContain('4 problems (4 removed)');
    expect((await run(['--root', root, 'check'])).code).toBe(0);
  });

  it('through the real bin: check --fix removes an old trash directory and exits 0', async () => {
    const root = await treeWithLeftovers();
    // The bin's clock an hour ahead: the leftovers made just now look an hour old.
    const execArgv = ['--import', `data:text/javascript,const n=Date.now;Date.now=()=>n()+${HOUR}`];
    const check = await runNode(BIN, ['--root', root, 'check'], { timeoutMs: 30_000, execArgv });
    expect(check).toMatchObject({ timedOut: false, code: 1 });
    expect(check.stdout).toContain('leftover: a subtree moved aside');
    const fix = await runNode(BIN, ['--root', root, 'check', '--fix'], {
      timeoutMs: 30_000,
      execArgv,
    });
    expect(fix).toMatchObject({ timedOut: false, code: 0 });
    expect(existsSync(join(root, 'apps', '.kvdir-trash-0123456789ab'))).toBe(false);
  });
});

describe('a link in place of the lock folder (P31)', () => {
  it('writes are refused with ERR_SYMLINK and nothing is made outside; check reports it', async () => {
    const base = await tempDir();
    const root = join(base, 'root');
    const outside = join(base, 'outside');
    await mkdir(root);
    await mkdir(outside);
    await symlink(outside, join(root, '.kvdir-locks'));
    const client = new FileBackend({ root });
    const err = await client.apply({ key: new PathKey('/a/b'), value: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatastoreError);
    expect((err as DatastoreError).code).toBe('ERR_SYMLINK');
    expect(await readdir(outside)).toEqual([]);
    const problems = await client.check('/');
    expect(problems.map((p) => [p.file.slice(root.length + 1), p.message])).toEqual([
      ['.kvdir-locks', 'refusing to follow a symbolic link'],
    ]);
    await client.close();
    const cli = await run(['--root', root, 'put', '/a/b', '1']);
    expect(cli.code).toBe(7);
    expect(cli.stderr).toContain('refusing to follow a symbolic link');
    expect(await readdir(outside)).toEqual([]);
  });
});
