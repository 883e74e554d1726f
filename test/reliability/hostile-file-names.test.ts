/**
 * Names that a `git pull` can bring and that cannot be keys: legal file names too long to be a
 * key segment (P37, P37b), a value file whose sidecar path would pass PATH_MAX (P36), names
 * that are not UTF-8 (P04); and key paths that cannot be file names: lone surrogates (P01),
 * paths longer than the file system takes (newcomer finding 9). Each such file is skipped and
 * reported by list, check and the syncer; it never stops a walk or a syncer.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KvdirError } from '../../src/index.js';
import {
  FileBackend,
  PathKey,
  PathListOptions,
  PolicyKey,
  SyncStatus,
  ValidationError,
} from '../../src/index.js';
import { openSyncer } from '../backends/file/sync/harness.js';
import type { WatchSource } from '../../src/backends/file/sync/watch/port.js';
import { runNode } from '../helpers/child.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';
import { run } from '../cli/memory-io.js';

const BIN = join(REPO, 'bin', 'kvdir.js');

async function listWithErrors(root: string) {
  const errors: KvdirError[] = [];
  const client = new FileBackend({ root, onListError: (e) => errors.push(e) });
  const keys = (await client.list(new PathListOptions({ prefix: '/' }))).map((kv) =>
    kv.key.defaultPath(),
  );
  const problems = await client.check('/');
  await client.close();
  return { keys, errors, problems };
}

describe('file names too long to be keys (P37, P37b, P36)', () => {
  const longName = (bytes: number) => `${'n'.repeat(bytes - '.yaml'.length)}.yaml`;

  it.each([210, 250])(
    'a %i-byte value file among 5 keys: the syncer reaches in-sync with all 5 and reports the file; list and check report it',
    async (bytes) => {
      const root = await tempDir();
      await mkdir(join(root, 'apps'));
      for (let i = 0; i < 5; i++) await writeFile(join(root, 'apps', `k${i}.yaml`), `v: ${i}\n`);
      await writeFile(join(root, 'apps', longName(bytes)), 'v: long\n');
      const warnings: KvdirError[] = [];
      const { rec } = openSyncer(root, { onWarning: (w) => warnings.push(w) });
      await rec.waitForStatus(SyncStatus.InSync);
      expect([...rec.picture.keys()].sort()).toEqual([0, 1, 2, 3, 4].map((i) => `/apps/k${i}`));
      expect(rec.failures.map((f) => f.rawKey)).toEqual([`/apps/${longName(bytes)}`]);
      expect(rec.statuses.filter((s) => s === SyncStatus.ResyncInProgress)).toHaveLength(1);
      expect(warnings.map((w) => w.code)).not.toContain('ERR_SYNCER_RESTART');
      const listed = await listWithErrors(root);
      expect(listed.keys).toHaveLength(5);
      expect(listed.errors.map((e) => e.code)).toEqual(['ERR_NOT_A_KEY']);
      expect(listed.problems.map((p) => p.message)).toEqual([
        'not a key: kvdir never writes this file name',
      ]);
    },
  );

  it('the same file appearing while in sync: periodic full resyncs keep working (P37b)', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'apps'));
    await writeFile(join(root, 'apps', 'k.yaml'), 'v: 1\n');
    const warnings: KvdirError[] = [];
    // A watcher that says nothing: only the periodic full resyncs see what changes.
    const silent: WatchSource = { watch: async () => ({ close: async () => undefined }) };
    const { rec } = openSyncer(root, {
      onWarning: (w) => warnings.push(w),
      resyncIntervalMs: 100,
      watchSource: silent,
    });
    await rec.waitForStatus(SyncStatus.InSync);
    await writeFile(join(root, 'apps', longName(230)), 'v: long\n');
    await rec.waitFor(() => rec.failures.length > 0, 'the long name reported by a resync');
    await writeFile(join(root, 'apps', 'later.yaml'), 'v: 2\n');
    await rec.waitFor(() => rec.picture.has('/apps/later'), 'a later resync to find /apps/later');
    expect(warnings.map((w) => w.code)).toEqual([]);
    expect(rec.failures.map((f) => f.rawKey)).toEqual([`/apps/${longName(230)}`]);
  });

  it('a value file whose sidecar path would pass PATH_MAX is not a key: reported, and the syncer reaches in-sync (P36)', async () => {
    const root = await tempDir();
    let dir = join(root, 'deep');
    while (Buffer.byteLength(dir) < 3_800) dir = join(dir, 'd'.repeat(190));
    await mkdir(dir, { recursive: true });
    // The value file's path fits (4,080 bytes); its sidecar's temp file would not.
    const name = `${'f'.repeat(4_080 - Buffer.byteLength(dir) - 1 - 5)}.yaml`;
    await writeFile(join(dir, name), 'v: 1\n');
    await writeFile(join(root, 'ok.yaml'), 'v: 2\n');
    const { rec } = openSyncer(root);
    await rec.waitForStatus(SyncStatus.InSync);
    expect([...rec.picture.keys()]).toEqual(['/ok']);
    expect(rec.failures).toHaveLength(1);
    const listed = await listWithErrors(root);
    expect(listed.keys).toEqual(['/ok']);
    expect(listed.errors.map((e) => e.code)).toEqual(['ERR_NOT_A_KEY']);
    expect(listed.problems).toHaveLength(1);
  });

  it('a key path too long for the file system is a ValidationError with a short message (newcomer 9), exit 8 in the CLI', async () => {
    const root = await tempDir();
    const client = new FileBackend({ root });
    const path = `/${Array.from({ length: 25 }, () => 'a'.repeat(200)).join('/')}`;
    for (const attempt of [
      () => client.apply({ key: new PathKey(path), value: 1 }),
      () => client.get(new PathKey(path)),
      () => client.delete({ key: new PathKey(path) }),
    ]) {
      const err = (await attempt().catch((e: unknown) => e)) as ValidationError;
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toContain("over the file system's limit of 4095");
      expect(err.message.length).toBeLessThan(300);
    }
    await client.close();
    const cli = await run(['--root', root, 'put', path, '1']);
    expect(cli.code).toBe(8);
    expect(cli.stderr.length).toBeLessThan(300);
    expect(await readdir(root)).toEqual([]);
  });
});

describe('names that are not UTF-8 (P04)', () => {
  async function tree(): Promise<string> {
    const root = await tempDir();
    const n = join(root, 'n');
    await mkdir(n);
    await writeFile(join(n, 'good.yaml'), 'v: 1\n');
    await writeFile(Buffer.from(`${n}/a\xff.yaml`, 'latin1'), 'v: 2\n');
    await writeFile(Buffer.from(`${n}/a\xfe.yaml`, 'latin1'), 'v: 3\n');
    await mkdir(Buffer.from(`${n}/d\xff`, 'latin1'));
    await writeFile(Buffer.from(`${n}/d\xff/k.yaml`, 'latin1'), 'v: 4\n');
    await writeFile(join(n, 'real\ufffd.yaml'), 'v: 5\n');
    return root;
  }

  it('list, check and the syncer report each one (shown with \\xNN) and keep the good keys', async () => {
    const root = await tree();
    const listed = await listWithErrors(root);
    expect(listed.keys).toEqual(['/n/good', '/n/real\ufffd']);
    expect(listed.errors.map((e) => e.message).sort()).toEqual([
      'not a key: the name is not UTF-8: n/a\\xfe.yaml',
      'not a key: the name is not UTF-8: n/a\\xff.yaml',
      'not a key: the name is not UTF-8: n/d\\xff',
    ]);
    expect(listed.errors.every((e) => e.code === 'ERR_NOT_A_KEY')).toBe(true);
    expect(listed.problems).toHaveLength(3);
    const warnings: KvdirError[] = [];
    const { rec } = openSyncer(root, { onWarning: (w) => warnings.push(w) });
    await rec.waitForStatus(SyncStatus.InSync);
    expect([...rec.picture.keys()].sort()).toEqual(['/n/good', '/n/real\ufffd']);
    expect(warnings.map((w) => w.code)).toEqual([
      'ERR_SYNCER_UNREADABLE',
      'ERR_SYNCER_UNREADABLE',
      'ERR_SYNCER_UNREADABLE',
    ]);
  });

  it('through the real bin: check (the CI gate) exits 1 naming them', async () => {
    const root = await tree();
    const check = await runNode(BIN, ['--root', root, 'check'], { timeoutMs: 30_000 });
    expect(check).toMatchObject({ timedOut: false, code: 1 });
    expect(check.stdout).toContain('a\\xff.yaml: not a key: the name is not UTF-8');
    expect(check.stderr).toContain('3 problems');
  });
});

describe('lone surrogates (P01)', () => {
  it('key paths with a lone surrogate are refused; U+FFFD is a key of its own', async () => {
    const root = await tempDir();
    const client = new FileBackend({ root });
    for (const path of ['/s/a\uD800', '/s/a\uDC00', '/s/\uDC00\uD800']) {
      expect(() => new PathKey(path)).toThrow(ValidationError);
      expect(() => new PathKey(path)).toThrow('well-formed Unicode');
    }
    const policy = await client
      .create({ key: new PolicyKey({ name: 'p\uD800' }), value: { selector: 'all()' } })
      .catch((e: unknown) => e);
    expect(policy).toBeInstanceOf(ValidationError);
    await client.create({ key: new PathKey('/s/a\uFFFD'), value: 'fffd' });
    await client.create({ key: new PathKey('/s/a\u{1F525}'), value: 'pair' });
    const listed = await client.list(new PathListOptions({ prefix: '/s' }));
    // Path order is UTF-16 order: the pair (\uD83D\uDD25) sorts before U+FFFD.
    expect(listed.map((kv) => [kv.key.defaultPath(), kv.value])).toEqual([
      ['/s/a\u{1F525}', 'pair'],
      ['/s/a\uFFFD', 'fffd'],
    ]);
    await client.close();
  });

  it('the CLI refuses them with exit 8', async () => {
    const root = await tempDir();
    const result = await run(['--root', root, 'put', '/s/a\uD800', '1']);
    expect(result.code).toBe(8);
  });
});
