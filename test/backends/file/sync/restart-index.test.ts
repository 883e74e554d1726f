/**
 * The syncer's persistent index (issue 19): a restart over an unchanged tree takes every key
 * from it, and whatever changed while no syncer ran is seen: edits, a same-size rewrite in place
 * with its mtime put back (`touch -r`), renames, `git checkout` of another branch, a copied tree
 * (`cp -a`), and an index that is corrupt or not this root's. Each session converges on list();
 * `onIndexHits` says how many keys the index gave. Entries are indexed without the 2 s racy
 * margin (`indexRacyMs: 0`), once the tree is older than the syncer's 100 ms one.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileBackend, PathKey, SyncStatus } from '../../../../src/index.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { openSyncer, pathKeys, waitForConvergence } from './harness.js';

const INDEX = '.kvdir-index';

function endpoint(h: number, w: number): string {
  return `/calico/v1/host/h${h}/workload/k8s/w${h}-${w}/endpoint/eth0`;
}

/** A deep tree of `hosts` x `per` endpoints written through kvdir, older than the 100 ms racy margin. */
async function tree(hosts: number, per: number): Promise<string> {
  const root = join(await tempDir(), 'store');
  const client = new FileBackend({ root, fsync: false });
  for (let h = 0; h < hosts; h++)
    for (let w = 0; w < per; w++)
      await client.create({ key: new PathKey(endpoint(h, w)), value: { name: `cali${h}${w}` } });
  await client.close();
  await new Promise((resolve) => setTimeout(resolve, 150));
  return root;
}

/** One syncer session to InSync (converged on list()), stopped: it leaves its index. */
async function session(root: string): Promise<number> {
  let hits = -1;
  const { client, syncer, rec } = openSyncer(root, {
    ...pathKeys,
    indexRacyMs: 0,
    onIndexHits: (n) => void (hits = n),
  });
  await rec.waitForStatus(SyncStatus.InSync);
  await waitForConvergence(rec, client);
  await syncer.stop();
  return hits;
}

const file = (root: string, path: string): string => join(root, `${path}.yaml`);

describe('syncer restarts with its persistent index', () => {
  it('takes every key of an unchanged tree from the index, and re-reads only what was edited', async () => {
    const root = await tree(2, 3);
    expect(await session(root)).toBe(0);
    await stat(join(root, INDEX));
    expect(await session(root)).toBe(6);
    await writeFile(file(root, endpoint(1, 2)), 'name: edited while no syncer ran\n');
    expect(await session(root)).toBe(5);
  });

  it('leaves the index of an unchanged tree as it is, and after a change writes what a fresh index would hold', async () => {
    const root = await tree(2, 3);
    const index = join(root, INDEX);
    expect(await session(root)).toBe(0);
    // Past the syncer's racy margin: the root's stamp is one it may trust again.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const before = await stat(index);
    for (let restart = 0; restart < 2; restart++) {
      expect(await session(root)).toBe(6);
      const kept = await stat(index);
      expect([kept.ino, kept.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    }
    // Its root (the directory the index is in) has no row: it changes with each index written.
    expect(await readFile(index, 'utf8')).not.toMatch(/^d\t\t/m);
    const rows = async (): Promise<string> => await readFile(index, 'utf8');
    // A change after the first rows, one before them, one at the end: each time the new index
    // is the rows kept (copied from the last one) and those made anew, in order.
    const changes = [
      () => writeFile(file(root, endpoint(1, 0)), 'name: edited while no syncer ran\n'),
      () => writeFile(file(root, endpoint(0, 0)), 'name: edited too\n'),
      () => rm(join(root, 'calico/v1/host/h1/workload/k8s/w1-2'), { recursive: true }),
    ];
    for (const change of changes) {
      await change();
      await new Promise((resolve) => setTimeout(resolve, 150));
      await session(root);
      expect((await stat(index)).ino).not.toBe(before.ino);
      const written = await rows();
      await rm(index);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await session(root)).toBe(0);
      expect(written).toEqual(await rows());
      expect(await session(root)).toBe(change === changes[2] ? 5 : 6);
    }
  });

  it('indexes rows longer than the writer gathers before a write, multi-byte text too', async () => {
    const root = await tree(2, 3);
    const client = new FileBackend({ root, fsync: false });
    // 1.2 MB of UTF-8 in one row (written alone), then 600 kB (gathered after a flush).
    const big = [{ name: 'é'.repeat(600_000) }, { name: '€'.repeat(200_000) }];
    await client.update({ key: new PathKey(endpoint(0, 1)), value: big[0] });
    await client.update({ key: new PathKey(endpoint(1, 1)), value: big[1] });
    await client.close();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await session(root)).toBe(0);
    expect(await session(root)).toBe(6);
  });

  it('sees a same-size rewrite in place whose mtime was put back (touch -r): ctime tells', async () => {
    const root = await tree(1, 2);
    await session(root);
    const path = file(root, endpoint(0, 1));
    const reference = join(await tempDir(), 'times');
    await writeFile(reference, '');
    execFileSync('touch', ['-r', path, reference]);
    const before = await stat(path);
    const text = await readFile(path, 'utf8');
    const same = text.replace('cali01', 'CALI01');
    expect(same.length).toBe(text.length);
    await writeFile(path, same);
    execFileSync('touch', ['-r', reference, path]);
    const after = await stat(path);
    expect([after.ino, after.size, after.mtimeMs]).toEqual([
      before.ino,
      before.size,
      before.mtimeMs,
    ]);
    expect(await session(root)).toBe(1);
  });

  it('sees workloads renamed, removed and added while no syncer ran', async () => {
    const root = await tree(2, 2);
    await session(root);
    const k8s = join(root, 'calico/v1/host/h0/workload/k8s');
    await rename(join(k8s, 'w0-0'), join(k8s, 'w0-7'));
    await mkdir(join(k8s, 'w0-8', 'endpoint'), { recursive: true });
    await writeFile(join(k8s, 'w0-8', 'endpoint', 'eth0.yaml'), 'name: new\n');
    // The renamed workload's files are the same inodes under a new name: listed, not trusted by name.
    expect(await session(root)).toBe(3);
  });

  it('sees a git checkout of another branch', async () => {
    const root = await tree(2, 2);
    const git = (...args: string[]): string =>
      execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' });
    git('init', '-q');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'test');
    await writeFile(join(root, '.git', 'info', 'exclude'), `${INDEX}*\n`);
    git('add', '-A');
    git('commit', '-qm', 'one');
    git('checkout', '-qb', 'other');
    await writeFile(file(root, endpoint(0, 0)), 'name: on the other branch\n');
    await mkdir(join(root, 'calico/v1/host/h1/workload/k8s/w1-9/endpoint'), { recursive: true });
    await writeFile(file(root, endpoint(1, 9)), 'name: only on the other branch\n');
    git('rm', '-rq', 'calico/v1/host/h1/workload/k8s/w1-1');
    git('add', '-A');
    git('commit', '-qm', 'two');
    git('checkout', '-q', '-');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await session(root)).toBe(0);
    git('checkout', '-q', 'other');
    // Two keys untouched by the checkout come from the index; the rest is read.
    expect(await session(root)).toBe(2);
    git('checkout', '-q', '-');
    expect(await session(root)).toBeGreaterThanOrEqual(0);
  });

  it('ignores the index of a copied tree (cp -a): another root', async () => {
    const root = await tree(1, 3);
    await session(root);
    const copy = join(await tempDir(), 'copy');
    execFileSync('cp', ['-a', root, copy]);
    await stat(join(copy, INDEX));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await session(copy)).toBe(0);
    expect(await session(copy)).toBe(3);
  });

  it('ignores an index that is cut short, not its format or version, of another root, or a link, and writes a good one', async () => {
    const root = await tree(1, 2);
    await session(root);
    const good = await readFile(join(root, INDEX), 'utf8');
    for (const bad of [
      good.slice(0, good.length / 2),
      'not json',
      '{"format":"kvdir-syncer-index"}',
      good.replace(/"version":\d+/, '"version":0'),
      good.replace(/\nend\t\d+\n$/, '\n'),
    ]) {
      await writeFile(join(root, INDEX), bad);
      expect(await session(root)).toBe(0);
      expect(await session(root)).toBe(2);
    }
    const other = await tree(1, 2);
    await session(other);
    await cp(join(other, INDEX), join(root, INDEX));
    expect(await session(root)).toBe(0);
    // A link to a good index of this root is not followed.
    await writeFile(join(other, 'saved'), await readFile(join(root, INDEX)));
    await rm(join(root, INDEX));
    await symlink(join(other, 'saved'), join(root, INDEX));
    expect(await session(root)).toBe(0);
  });
});
