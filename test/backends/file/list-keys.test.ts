/**
 * `listKeys` (the keys of `list`, found by names, values never read) and `deleteCounted` (the
 * number of keys a delete removed, counted from what it removed). Run on disk and on memfs.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FsLike, KvdirError } from '../../../src/index.js';
import {
  FileBackend,
  GlobalConfigKey,
  HostMetadataKey,
  PathKey,
  PathListOptions,
} from '../../../src/index.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { closedAfterEach, stores } from '../../helpers/file-stores.js';

const clients = closedAfterEach();

const all = new PathListOptions({ prefix: '/' });
const paths = (found: Array<{ key: { defaultPath(): string } }>) =>
  found.map((entry) => entry.key.defaultPath());

describe.each(stores)('FileBackend %s: listKeys and deleteCounted', (_name, makeStore) => {
  async function fresh() {
    const { fs, root } = await makeStore();
    const clock = new FakeClock();
    const errors: KvdirError[] = [];
    const client = new FileBackend({
      root,
      fs: fs as unknown as FsLike,
      fsync: false,
      clock,
      onListError: (error) => errors.push(error),
    });
    clients.push(client);
    const write = async (relative: string, text: string) => {
      await fs.promises.mkdir(join(root, relative, '..'), { recursive: true });
      await fs.promises.writeFile(join(root, relative), text);
    };
    return { client, clock, errors, write };
  }

  it('lists the keys list returns, in path order, without values', async () => {
    const { client } = await fresh();
    await client.apply({ key: new PathKey('/b'), value: 1 });
    await client.apply({ key: new PathKey('/a/x'), value: { y: 2 } });
    await client.apply({ key: new PathKey('/a'), value: 'top' });
    const keys = await client.listKeys(all);
    expect(paths(keys)).toEqual(paths(await client.list(all)));
    expect(paths(keys)).toEqual(['/a', '/a/x', '/b']);
    expect(keys.every((entry) => Object.keys(entry).join() === 'key')).toBe(true);
  });

  it('lists a key whose value does not parse (list skips it), and reports no error for it', async () => {
    const { client, errors, write } = await fresh();
    await client.apply({ key: new PathKey('/ok'), value: 1 });
    await write('broken.yaml', 'a: [\n');
    expect(paths(await client.listKeys(all))).toEqual(['/broken', '/ok']);
    expect(errors).toEqual([]);
    expect(paths(await client.list(all))).toEqual(['/ok']);
    expect(errors.map((error) => error.code)).toEqual(['ERR_PARSING_DATASTORE_ENTRY']);
  });

  it('leaves out a key whose TTL ran out, as list does', async () => {
    const { client, clock } = await fresh();
    await client.apply({ key: new PathKey('/short'), value: 1, ttl: 1000 });
    await client.apply({ key: new PathKey('/long'), value: 1, ttl: 60_000 });
    clock.advance(2000);
    expect(paths(await client.listKeys(all))).toEqual(['/long']);
  });

  it('reports names that are not keys, as list does', async () => {
    const { client, errors, write } = await fresh();
    await write('%41.yaml', '1\n');
    await write('calico/v1/config/IpInIpMtu.yaml', '1440\n');
    expect(paths(await client.listKeys(all))).toEqual(['/calico/v1/config/IpInIpMtu']);
    expect(errors.map((error) => error.code)).toEqual(['ERR_NOT_A_KEY']);
  });

  it('gives revision, size and TTL left with details, the same revision get gives', async () => {
    const { client, clock } = await fresh();
    const written = await client.apply({ key: new PathKey('/t'), value: 'abc', ttl: 30_000 });
    await client.apply({ key: new PathKey('/u'), value: { n: 1 } });
    clock.advance(10_000);
    const [t, u] = await client.listKeys(all, { details: true });
    expect(t).toEqual({
      key: expect.any(PathKey),
      revision: written.revision,
      size: 4,
      ttl: 20_000,
    });
    expect(u).toEqual({
      key: expect.any(PathKey),
      revision: (await client.get(new PathKey('/u'))).revision,
      size: 5,
    });
  });

  it('counts the keys a delete removed: the key, those below, unparseable ones too', async () => {
    const { client, write } = await fresh();
    await client.apply({ key: new PathKey('/a'), value: 1 });
    await client.apply({ key: new PathKey('/a/b'), value: 1 });
    await client.apply({ key: new PathKey('/a/b/c'), value: 1 });
    await write('a/broken.yaml', 'x: [\n');
    await write('a/notes.txt', 'not a key\n');
    expect(await client.deleteCounted({ key: new PathKey('/a') })).toBe(4);
    expect(await client.listKeys(all)).toEqual([]);
    // A directory of keys that is not a key itself.
    await client.apply({ key: new PathKey('/d/e'), value: 1 });
    expect(await client.deleteCounted({ key: new PathKey('/d') })).toBe(1);
  });

  it('does not count a key whose TTL ran out, nor a name that is not its key', async () => {
    const { client, clock, write } = await fresh();
    await client.apply({ key: new PathKey('/s/gone'), value: 1, ttl: 1000 });
    await client.apply({ key: new PathKey('/s/kept'), value: 1 });
    await write('s/%41.yaml', '1\n');
    clock.advance(2000);
    expect(await client.deleteCounted({ key: new PathKey('/s') })).toBe(1);
  });

  it('counts a Calico key that deletes a directory (host metadata: the whole host)', async () => {
    const { client } = await fresh();
    await client.apply({ key: new HostMetadataKey({ hostname: 'h1' }), value: {} });
    await client.apply({ key: new GlobalConfigKey({ name: 'X' }), value: 'y' });
    await client.apply({ key: new PathKey('/calico/v1/host/h1/other'), value: 1 });
    expect(await client.deleteCounted({ key: new HostMetadataKey({ hostname: 'h1' }) })).toBe(2);
    expect(await client.delete({ key: new GlobalConfigKey({ name: 'X' }) })).toBeUndefined();
  });
});
