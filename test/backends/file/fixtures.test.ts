import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FileBackend,
  GlobalConfigListOptions,
  HostConfigListOptions,
  HostEndpointListOptions,
  HostMetadataKey,
  HostMetadataListOptions,
  IPPoolListOptions,
  PathListOptions,
  PolicyKey,
  PolicyListOptions,
  ProfileListOptions,
  ReadyFlagKey,
  WorkloadEndpointListOptions,
} from '../../../src/index.js';
import type { ListInterface } from '../../../src/index.js';
import { loadFixtureIntoMemfs } from '../../../src/testing.js';
import { fixtureCopy } from '../../helpers/temp-dir.js';
import { fixturePath } from '../../helpers/paths.js';

const families: Array<[string, ListInterface, number]> = [
  ['workload endpoints', new WorkloadEndpointListOptions({}), 12],
  ['host endpoints', new HostEndpointListOptions({}), 3],
  ['host metadata', new HostMetadataListOptions({}), 3],
  ['host config', new HostConfigListOptions({}), 6],
  ['policies', new PolicyListOptions({}), 6],
  ['profile parts', new ProfileListOptions({}), 9],
  ['IP pools', new IPPoolListOptions({}), 3],
  ['global config', new GlobalConfigListOptions({}), 5],
];

describe('the calico fixture tree', () => {
  it.each(families)(
    'lists its %s (as fixtures/README.md counts them)',
    async (_name, options, count) => {
      const client = new FileBackend({ root: await fixtureCopy('calico'), fsync: false });
      const listed = await client.list(options);
      expect(listed).toHaveLength(count);
      for (const kv of listed) expect(kv.value).not.toBeUndefined();
      await client.close();
    },
  );

  it('decodes escaped names, raw values and the Ready flag', async () => {
    const client = new FileBackend({ root: await fixtureCopy('calico'), fsync: false });
    expect(
      (await client.get(new PolicyKey({ name: 'k8s/allow-kube-system' }))).value,
    ).toMatchObject({ order: expect.any(Number) });
    expect((await client.get(new PolicyKey({ name: 'canary-10%' }))).value).toBeTruthy();
    expect((await client.get(new ReadyFlagKey())).value).toBe(true);
    expect((await client.get(new HostMetadataKey({ hostname: 'node-1' }))).value).toEqual({});
    const all = await client.list(new PathListOptions({ prefix: '/' }));
    expect(all).toHaveLength(51);
    await client.close();
  });

  it('loads into memfs with the same content and revisions as on disk', async () => {
    const root = await fixtureCopy('calico');
    const disk = new FileBackend({ root, fsync: false });
    const memory = await loadFixtureIntoMemfs(fixturePath('calico'));
    const inMemory = new FileBackend({ root: memory.root, fs: memory.fs });
    const strip = (kvs: Awaited<ReturnType<FileBackend['list']>>) =>
      kvs.map((kv) => [kv.key.defaultPath(), kv.value, kv.revision]);
    expect(strip(await inMemory.list(new PathListOptions({ prefix: '/' })))).toEqual(
      strip(await disk.list(new PathListOptions({ prefix: '/' }))),
    );
    await inMemory.create({
      key: new PolicyKey({ name: 'new' }),
      value: { order: 1, selector: '' },
    });
    expect(Object.keys(memory.vol.toJSON())).toContain(
      '/kvdir/calico/v1/policy/tier/default/policy/new.yaml',
    );
    await disk.close();
    await inMemory.close();
  });
});
