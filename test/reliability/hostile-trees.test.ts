import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileBackend, PathKey, PathListOptions } from '../../src/index.js';
import type { KvdirError, ParsingDatastoreEntryError } from '../../src/index.js';
import { faultyFs } from '../helpers/faulty-fs.js';
import { tempDir } from '../helpers/temp-dir.js';

const MB = 1024 * 1024;

/** Fails the test instead of hanging when an operation does not settle. */
function settles<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not settle in ${ms} ms`)), ms).unref(),
    ),
  ]);
}

export async function hostileTree(): Promise<{ root: string; outside: string }> {
  const base = await tempDir();
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await writeFile(join(outside, 'secret.yaml'), 'password: hunter2\n');
  await writeFile(join(root, 'good.yaml'), 'ok: true\n');
  await symlink(join(outside, 'secret.yaml'), join(root, 'link-file.yaml'));
  await symlink(outside, join(root, 'link-dir'));
  await symlink(join(root, 'loop-b.yaml'), join(root, 'loop-a.yaml'));
  await symlink(join(root, 'loop-a.yaml'), join(root, 'loop-b.yaml'));
  execFileSync('mkfifo', [join(root, 'fifo.yaml')]);
  let seed = 7;
  const byte = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) & 255;
  await writeFile(join(root, 'binary.yaml'), Buffer.from(Array.from({ length: 4096 }, byte)));
  await writeFile(join(root, 'big.yaml'), Buffer.alloc(50 * MB, 'a'));
  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x]',
    ...'bcdefghi'
      .split('')
      .map((l, i) => `${l}: &${l} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`),
  ];
  await writeFile(join(root, 'bomb.yaml'), `${bomb.join('\n')}\n`);
  return { root, outside };
}

const HOSTILE: Array<[string, string]> = [
  ['/link-file', 'ERR_SYMLINK'],
  ['/link-dir/secret', 'ERR_SYMLINK'],
  ['/loop-a', 'ERR_SYMLINK'],
  ['/fifo', 'ERR_NOT_A_FILE'],
  ['/big', 'ERR_TOO_LARGE'],
  ['/binary', 'ERR_PARSING_DATASTORE_ENTRY'],
  ['/bomb', 'ERR_PARSING_DATASTORE_ENTRY'],
];

describe('hostile trees', () => {
  it(`get refuses each of ${HOSTILE.length} hostile entries with a clear error, never hanging or loading 50 MB`, async () => {
    const { root } = await hostileTree();
    const client = new FileBackend({ root });
    const heapBefore = process.memoryUsage().heapUsed;
    for (const [path, code] of HOSTILE) {
      const err = await settles(
        client.get(new PathKey(path)).catch((e: unknown) => e),
        `get ${path}`,
      );
      expect((err as KvdirError).code, path).toBe(code);
    }
    const bomb = (await client
      .get(new PathKey('/bomb'))
      .catch((e: unknown) => e)) as ParsingDatastoreEntryError;
    expect(bomb.message).toContain('bomb.yaml');
    expect((await client.get(new PathKey('/good'))).value).toEqual({ ok: true });
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / MB;
    console.log(
      `hostile tree: ${HOSTILE.length} hostile entries refused by get; heap growth ${heapGrowthMb.toFixed(1)} MB`,
    );
    expect(heapGrowthMb).toBeLessThan(40);
    await client.close();
  });

  it('list returns the good key and reports every hostile entry; check names each file', async () => {
    const { root } = await hostileTree();
    const reported: KvdirError[] = [];
    const client = new FileBackend({ root, onListError: (e) => reported.push(e) });
    const listed = await settles(client.list(new PathListOptions({ prefix: '/' })), 'list');
    expect(listed.map((kv) => kv.key.defaultPath())).toEqual(['/good']);
    expect(reported.map((e) => e.code).sort()).toEqual(
      [
        'ERR_NOT_A_FILE',
        'ERR_PARSING_DATASTORE_ENTRY',
        'ERR_PARSING_DATASTORE_ENTRY',
        'ERR_SYMLINK',
        'ERR_SYMLINK',
        'ERR_SYMLINK',
        'ERR_SYMLINK',
        'ERR_TOO_LARGE',
      ].sort(),
    );
    const problems = await settles(client.check('/'), 'check');
    expect(problems.map((p) => p.file.slice(root.length + 1))).toEqual([
      'big.yaml',
      'binary.yaml',
      'bomb.yaml',
      'fifo.yaml',
      'link-dir',
      'link-file.yaml',
      'loop-a.yaml',
      'loop-b.yaml',
    ]);
    console.log(
      `hostile tree: list reported ${reported.length} entries; check reported ${problems.length} files`,
    );
    await client.close();
  });

  it('a directory that cannot be read (EACCES injected through the fs port) is reported, the rest listed', async () => {
    const { fs, faults } = faultyFs();
    const client = new FileBackend({ root: '/store', fs });
    await client.create({ key: new PathKey('/open/a'), value: 1 });
    await client.create({ key: new PathKey('/locked/b'), value: 2 });
    faults.push({ op: 'readdir', code: 'EACCES', when: (p) => p === '/store/locked' });
    const reported: KvdirError[] = [];
    const listing = new FileBackend({ root: '/store', fs, onListError: (e) => reported.push(e) });
    expect(
      (await listing.list(new PathListOptions({ prefix: '/' }))).map((kv) => kv.key.defaultPath()),
    ).toEqual(['/open/a']);
    expect(reported).toHaveLength(1);
    expect((reported[0]!.cause as { code: string }).code).toBe('EACCES');
    await client.close();
    await listing.close();
  });
});
