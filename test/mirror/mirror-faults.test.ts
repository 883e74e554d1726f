/**
 * The mirror under faults, against real etcd servers: two mirrors of one prefix (the second
 * waits, then takes over), a mirror process killed with SIGKILL in the middle of its first
 * pass and started again (it converges: every start is a full diff), and etcd killed and
 * restarted under a running mirror (it converges, and its drift watch works again).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MirrorEvent } from '../../src/mirror/index.js';
import { Child, childScript } from '../helpers/child.js';
import { etcdStore, hasEtcd } from '../helpers/etcd.js';
import { privateEtcd } from '../helpers/etcd-server.js';
import {
  converged,
  directory,
  manyFiles,
  startMirror,
  waitFor,
  writeFiles,
} from '../helpers/mirror.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const DIST = join(REPO, 'dist', 'src');

beforeAll(() => {
  if (!existsSync(join(DIST, 'mirror', 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
});

const isWrite = (e: MirrorEvent): boolean =>
  e.type === 'created' || e.type === 'updated' || e.type === 'deleted';

/**
 * Two directories of the same 12 keys with other values, each mirrored into one prefix: the
 * first mirror holds it and is in sync, the second has been started after it.
 */
async function twoMirrors() {
  const store = etcdStore();
  const [one, two] = [await tempDir(), await tempDir()];
  writeFiles(one, manyFiles('k', 12));
  writeFiles(
    two,
    manyFiles('k', 12, (i) => `n: ${i + 100}\n`),
  );
  const target = store.open();
  const first = startMirror(directory(one), target);
  await first.event((e) => e.type === 'pass' && e.inSync);
  const second = startMirror(directory(two), store.open());
  return { store, one, two, target, first, second };
}

describe.runIf(hasEtcd)('kvdir mirror under faults', () => {
  it('lets one mirror hold a prefix: a second one waits, writes nothing, and takes over when the first stops', async () => {
    const { store, one, two, target, first, second } = await twoMirrors();
    expect(await second.event((e) => e.type === 'waiting')).toMatchObject({
      holder: expect.stringMatching(/ pid \d+$/),
    });
    writeFiles(one, { 'k/05.yaml': 'n: 55\n' });
    await waitFor(async () => (await store.rawGet('/k/05')) === '{"n":55}', 'the first mirror');
    await converged(directory(one), target);
    expect(second.events.filter(isWrite)).toEqual([]);

    await first.mirror.close();
    await second.event((e) => e.type === 'leading');
    await second.event((e) => e.type === 'pass' && e.inSync);
    await converged(directory(two), target);
  });

  it('fences every txn with the election key: a mirror whose hold was taken from it writes nothing', async () => {
    const { store, two, target, first, second } = await twoMirrors();
    await second.event((e) => e.type === 'waiting');

    // The first one's election key goes (as if its lease expired while it was paused), but
    // its lease lives on: it still believes it holds the prefix.
    const election = `election/kvdir-mirror:${encodeURIComponent(`${store.namespace}/`)}/`;
    const candidates = await store.raw.getAll().prefix(election).sort('Create', 'Ascend').keys();
    expect(candidates).toHaveLength(2);
    const { header } = await store.raw.delete().key(candidates[0]!).exec();
    await second.event((e) => e.type === 'leading');
    await converged(directory(two), target);
    // The first one sees the second one's writes as drift, and its heal is fenced off.
    await first.event((e) => e.type === 'warning' && /no longer holds its prefix/.test(e.message));
    await first.event((e) => e.type === 'waiting');
    const late = first.events.filter(
      (e) => isWrite(e) && 'revision' in e && BigInt(e.revision!) > BigInt(header.revision),
    );
    expect(late).toEqual([]);
    await converged(directory(two), target);
  });

  it('converges when a mirror killed with SIGKILL in the middle of its first pass is started again', async () => {
    const store = etcdStore();
    const dir = await tempDir();
    const total = 4000;
    writeFiles(dir, manyFiles('big', total));
    const args = [DIST, dir, store.endpoint, store.namespace];
    const killed = new Child(childScript('mirror-child.mjs'), args);
    // Its first txn is done. Reading no more of its output stops it at its next few txns
    // (a pipe's writes block once its buffer is full), so that the kill is mid-pass even on
    // a slow machine.
    await killed.line((line) => {
      const created = line.includes('"created"');
      if (created) killed.process.stdout.pause();
      return created;
    });
    killed.process.kill('SIGKILL');
    await killed.exited;
    const written = (await store.rawPaths()).length;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(total);

    // Its lease outlives it by up to 2 s (lockTtlSeconds): the next mirror waits that long.
    const again = new Child(childScript('mirror-child.mjs'), args);
    await again.line((line) => line.includes('"type":"pass"'));
    const pass = JSON.parse(
      again.lines.find((line) => line.includes('"type":"pass"'))!,
    ) as MirrorEvent;
    expect(pass).toMatchObject({ inSync: true, keys: total, created: total - written });
    await converged(directory(dir), store.open());
    // Stopped, it leaves nothing alive (the lock's lease keepalive included): it exits by itself.
    again.process.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(again.lines.at(-1)).toBe('closed');
  });

  it('converges when etcd is killed and restarted under a running mirror', async () => {
    const server = await privateEtcd();
    const store = etcdStore(server.endpoint);
    const dir = await tempDir();
    writeFiles(dir, manyFiles('k', 20));
    const source = directory(dir);
    const target = store.open();
    const { event, events } = startMirror(source, target);
    await event((e) => e.type === 'pass' && e.inSync);

    await server.kill();
    writeFiles(dir, { 'k/03.yaml': 'n: 33\n', 'k/04.yaml': undefined, 'k/new.yaml': 'n: 0\n' });
    await event((e) => e.type === 'warning');
    await server.restart();
    await converged(source, target, '/', 45_000);
    await event(
      (e) => e.type === 'pass' && e.inSync,
      events.findIndex((e) => e.type === 'warning'),
    );

    // The drift watch is back: a foreign write is set back.
    const mark = events.length;
    await store.rawPut('/k/07', '{"n":-7}');
    await event((e) => e.type === 'updated' && e.healed && e.path === '/k/07', mark, 30_000);
    expect(await store.rawGet('/k/07')).toBe('{"n":7}');
  });
});
