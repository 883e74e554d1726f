/**
 * Case-insensitive file systems: the probe, the pure rule, and the refusal of a key whose
 * files would be another key's spelled in another case. No such file system can be mounted
 * here: the refusal runs with the probe's answer injected (`assumeCaseInsensitive`), the probe
 * against a file system that folds case in its lookups, and for real on this one (which does not).
 */
import nodeFs from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Volume, createFsFromVolume } from 'memfs';
import { describe, expect, it } from 'vitest';
import {
  assumeCaseInsensitive,
  caseTwin,
  foldName,
  probeCaseInsensitive,
} from '../../../src/backends/file/case-fold.js';
import { nodeFsLike } from '../../../src/backends/file/fs-like.js';
import type { FsLike } from '../../../src/index.js';
import { FileBackend, PathKey, PathListOptions, ValidationError } from '../../../src/index.js';
import { closedAfterEach } from '../../helpers/file-stores.js';
import { tempDir } from '../../helpers/temp-dir.js';

const clients = closedAfterEach();

async function backend(insensitive?: boolean) {
  const root = join(await tempDir(), 'store');
  const client = new FileBackend({ root, fsync: false });
  clients.push(client);
  if (insensitive !== undefined) assumeCaseInsensitive(client, insensitive);
  return { client, root };
}

describe('the case rule', () => {
  it.each([
    [['Web.yaml', 'db.yaml'], 'web.yaml', 'Web.yaml'],
    [['web.yaml'], 'web.yaml', undefined],
    [['apps'], 'Apps', 'apps'],
    [['other'], 'web', undefined],
    // macOS also takes é composed and decomposed as one name.
    [['caf\u0065\u0301.yaml'], 'CAF\u00c9.yaml', 'caf\u0065\u0301.yaml'],
  ])('in %j, %j meets %j', (names, wanted, twin) => {
    expect(caseTwin(names, wanted)).toBe(twin);
  });

  it('folds case and Unicode normalization', () => {
    expect(foldName('WEB')).toBe(foldName('web'));
    expect(foldName('\u00c9')).toBe(foldName('e\u0301'));
  });
});

describe('the probe', () => {
  it('finds this file system case-sensitive, and leaves nothing behind', async () => {
    const dir = await tempDir();
    expect(probeCaseInsensitive(nodeFsLike, dir)).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  it('finds a file system that folds case insensitive', async () => {
    const dir = await tempDir();
    // Node's fs, but a lookup of a name that is not there finds it in lower case, as APFS does.
    const folding: FsLike = Object.assign(Object.create(nodeFsLike) as FsLike, {
      lstatSync: (path: string, options?: { throwIfNoEntry: boolean }) =>
        nodeFsLike.lstatSync(path, { throwIfNoEntry: false }) ??
        nodeFsLike.lstatSync(join(dirname(path), basename(path).toLowerCase()), options),
    });
    expect(probeCaseInsensitive(folding, dir)).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('never writes into a memfs volume: it does not fold case', () => {
    const fs = createFsFromVolume(new Volume()) as unknown as FsLike;
    expect(probeCaseInsensitive(fs, '/')).toBe(false);
  });
});

describe('FileBackend on a file system that ignores case', () => {
  it('refuses a key whose file, or a directory on its way, exists in another case', async () => {
    const { client } = await backend(true);
    await client.apply({ key: new PathKey('/apps/Web'), value: 1 });
    await client.apply({ key: new PathKey('/apps/Web/tls'), value: 2 });
    const refused = (path: string) => client.apply({ key: new PathKey(path), value: 3 });
    await expect(refused('/apps/web')).rejects.toThrow(ValidationError);
    await expect(refused('/apps/web')).rejects.toThrow(
      "error with field path = '/apps/web' (the root's file system ignores case: apps/Web.yaml is there, spelled differently, and would be used instead)",
    );
    await expect(refused('/apps/WEB/tls')).rejects.toThrow(/apps\/Web is there/);
    await expect(refused('/Apps/other')).rejects.toThrow(/: apps is there/);
    await expect(client.delete({ key: new PathKey('/APPS') })).rejects.toThrow(/apps is there/);
    // The same spelling is the same key, as ever; a name no other spells is new.
    await client.apply({ key: new PathKey('/apps/Web'), value: 4 });
    await client.apply({ key: new PathKey('/apps/db'), value: 5 });
    const all = await client.list(new PathListOptions({ prefix: '/' }));
    expect(all.map((pair) => [pair.key.defaultPath(), pair.value])).toEqual([
      ['/apps/Web', 4],
      ['/apps/Web/tls', 2],
      ['/apps/db', 5],
    ]);
    expect(await client.deleteCounted({ key: new PathKey('/apps/Web') })).toBe(2);
  });

  it('keeps keys that differ in case apart on a file system that tells them apart (this one)', async () => {
    for (const insensitive of [false, undefined]) {
      const { client, root } = await backend(insensitive);
      await client.apply({ key: new PathKey('/apps/Web'), value: 1 });
      await client.apply({ key: new PathKey('/apps/web'), value: 2 });
      expect((await client.get(new PathKey('/apps/Web'))).value).toBe(1);
      expect((await client.get(new PathKey('/apps/web'))).value).toBe(2);
      expect((await readdir(join(root, 'apps'))).filter((name) => !name.startsWith('.'))).toEqual(
        expect.arrayContaining(['Web.yaml', 'web.yaml']),
      );
    }
  });
});

it('the probe runs in the root once a root exists, and leaves no file', async () => {
  const { client, root } = await backend();
  await client.apply({ key: new PathKey('/a'), value: 1 });
  await client.apply({ key: new PathKey('/b'), value: 1 });
  expect((await readdir(root)).filter((name) => name.includes('probe'))).toEqual([]);
  expect(nodeFs.existsSync(join(root, 'b.yaml'))).toBe(true);
});
