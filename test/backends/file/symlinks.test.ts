import { mkdir, readdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatastoreError, FileBackend, PathKey, PathListOptions } from '../../../src/index.js';
import type { KvdirError } from '../../../src/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('symbolic links below the root are never followed', () => {
  async function setup() {
    const base = await tempDir();
    const root = join(base, 'root');
    const outside = join(base, 'outside');
    await mkdir(join(root, 'apps'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(outside, 'secret.yaml'), 'password: hunter2\n');
    await symlink(outside, join(root, 'apps', 'linked'));
    await symlink(join(outside, 'secret.yaml'), join(root, 'apps', 'secret.yaml'));
    const errors: KvdirError[] = [];
    const client = new FileBackend({ root, fsync: false, onListError: (e) => errors.push(e) });
    return { root, outside, client, errors };
  }

  it('refuses to write through a linked directory, creating nothing outside the root', async () => {
    const { outside, client } = await setup();
    const err = await client
      .create({ key: new PathKey('/apps/linked/new'), value: { a: 1 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatastoreError);
    expect((err as DatastoreError).code).toBe('ERR_SYMLINK');
    const err2 = await client
      .create({ key: new PathKey('/apps/linked/deeper/new'), value: { a: 1 } })
      .catch((e: unknown) => e);
    expect((err2 as DatastoreError).code).toBe('ERR_SYMLINK');
    expect((await readdir(outside)).sort()).toEqual(['secret.yaml']);
    await client.close();
  });

  it('refuses to read a linked file or a file in a linked directory', async () => {
    const { client } = await setup();
    await expect(client.get(new PathKey('/apps/secret'))).rejects.toMatchObject({
      code: 'ERR_SYMLINK',
    });
    await expect(client.get(new PathKey('/apps/linked/secret'))).rejects.toMatchObject({
      code: 'ERR_SYMLINK',
    });
    await client.close();
  });

  it('lists around links and reports each one', async () => {
    const { client, errors } = await setup();
    await client.create({ key: new PathKey('/apps/real'), value: { ok: true } });
    const listed = await client.list(new PathListOptions({ prefix: '/' }));
    expect(listed.map((kv) => kv.key.defaultPath())).toEqual(['/apps/real']);
    expect(errors.map((e) => e.message).sort()).toEqual([
      'refusing to follow a symbolic link: apps/linked',
      'refusing to follow a symbolic link: apps/secret.yaml',
    ]);
    await client.close();
  });

  it('replaces nothing behind a linked value file on update', async () => {
    const { client } = await setup();
    const err = await client
      .apply({ key: new PathKey('/apps/secret'), value: { password: 'x' } })
      .catch((e: unknown) => e);
    expect((err as DatastoreError).code).toBe('ERR_SYMLINK');
    await client.close();
  });

  it("replaces a link planted at a new key's sidecar name instead of writing through it", async () => {
    const { root, outside, client } = await setup();
    await symlink(join(outside, 'secret.yaml'), join(root, 'apps', '.kvdir-fresh.yaml.rev'));
    const created = await client.create({ key: new PathKey('/apps/fresh'), value: { a: 1 } });
    expect(await readFile(join(outside, 'secret.yaml'), 'utf8')).toBe('password: hunter2\n');
    expect(await client.get(new PathKey('/apps/fresh'))).toMatchObject({
      value: { a: 1 },
      revision: created.revision,
    });
  });

  it('works through a root that is itself a link', async () => {
    const { root } = await setup();
    const alias = join(root, '..', 'alias');
    await symlink(root, alias);
    const client = new FileBackend({ root: alias, fsync: false });
    await client.create({ key: new PathKey('/via/alias'), value: { a: 1 } });
    expect((await client.get(new PathKey('/via/alias'))).value).toEqual({ a: 1 });
    await client.close();
  });

  it('follows a root link that is pointed somewhere else (git-sync style)', async () => {
    const base = await tempDir();
    await mkdir(join(base, 'a'));
    await mkdir(join(base, 'b'));
    await writeFile(join(base, 'a', 'k.yaml'), 'v: a\n');
    await writeFile(join(base, 'b', 'k.yaml'), 'v: b\n');
    const root = join(base, 'current');
    await symlink(join(base, 'a'), root);
    const client = new FileBackend({ root, fsync: false });
    expect((await client.get(new PathKey('/k'))).value).toEqual({ v: 'a' });
    await symlink(join(base, 'b'), join(base, 'next'));
    await rename(join(base, 'next'), root);
    expect((await client.get(new PathKey('/k'))).value).toEqual({ v: 'b' });
    await client.update({ key: new PathKey('/k'), value: { v: 'b2' } });
    expect(await readFile(join(base, 'b', 'k.yaml'), 'utf8')).toBe('v: b2\n');
    await client.close();
  });
});
