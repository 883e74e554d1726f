/**
 * What only the file backend promises beyond the shared contract: how keys are laid out as
 * files, that kvdir's own files stay hidden, that reading never writes, and that parse errors
 * name the file. Run on disk and on memfs.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FileBackend,
  IPPoolKey,
  ParsingDatastoreEntryError,
  PathKey,
  PathListOptions,
  PolicyKey,
  ValidationError,
} from '../../../src/index.js';
import type { FsLike } from '../../../src/index.js';
import { closedAfterEach, stores } from '../../helpers/file-stores.js';

const clients = closedAfterEach();

describe.each(stores)('FileBackend %s: the file layout', (_name, makeStore) => {
  async function fresh() {
    const { fs, root } = await makeStore();
    const client = new FileBackend({ root, fs: fs as unknown as FsLike, fsync: false });
    clients.push(client);
    const listAll = async (dir = root): Promise<string[]> => {
      const out: string[] = [];
      const entries = await fs.promises.readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const path = join(dir, String(entry.name));
        out.push(path.slice(root.length + 1));
        if (entry.isDirectory()) out.push(...(await listAll(path)));
      }
      return out.sort();
    };
    const write = async (relative: string, text: string) => {
      await fs.promises.mkdir(join(root, relative, '..'), { recursive: true });
      await fs.promises.writeFile(join(root, relative), text);
    };
    return { client, root, fs, listAll, write };
  }

  it('writes a key as a plain YAML file where its path says, with a hidden sidecar', async () => {
    const { client, fs, root, listAll } = await fresh();
    await client.create({
      key: new IPPoolKey({ cidr: '10.0.0.0/8' }),
      value: { cidr: '10.0.0.0/8', ipip: '', masquerade: true, ipam: true, disabled: false },
    });
    expect(await listAll()).toContain('calico/v1/ipam/v4/pool/10.0.0.0-8.yaml');
    expect(await listAll()).toContain('calico/v1/ipam/v4/pool/.kvdir-10.0.0.0-8.yaml.rev');
    const text = await fs.promises.readFile(
      join(root, 'calico/v1/ipam/v4/pool/10.0.0.0-8.yaml'),
      'utf8',
    );
    expect(text).toBe(
      'cidr: 10.0.0.0/8\nipip: ""\nmasquerade: true\nipam: true\ndisabled: false\n',
    );
  });

  it('removes a subtree with its sidecars, and keeps the sibling files', async () => {
    const { client, listAll } = await fresh();
    await client.create({ key: new PathKey('/apps/web'), value: { replicas: 2 } });
    await client.create({ key: new PathKey('/apps/web/settings'), value: { a: 1 } });
    await client.create({ key: new PathKey('/apps/webby'), value: { c: 3 } });
    await client.delete({ key: new PathKey('/apps/web') });
    expect((await listAll()).filter((p) => !p.startsWith('.kvdir-locks'))).toEqual([
      'apps',
      'apps/.kvdir-webby.yaml.rev',
      'apps/webby.yaml',
    ]);
  });

  it('never writes when it reads a tree without sidecars', async () => {
    const { client, listAll, write } = await fresh();
    await write('calico/v1/policy/tier/default/policy/p.yaml', 'order: 1\nselector: all()\n');
    const before = await listAll();
    await client.get(new PolicyKey({ name: 'p' }));
    await client.list(new PathListOptions({}));
    expect(await listAll()).toEqual(before);
  });

  it('names the file, line and column of a value that does not parse', async () => {
    const { client, root, write } = await fresh();
    await write('calico/v1/policy/tier/default/policy/bad.yaml', 'order: 1\nselector: a: b\n');
    const error = await client.get(new PolicyKey({ name: 'bad' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParsingDatastoreEntryError);
    const parseError = error as ParsingDatastoreEntryError;
    expect(parseError.file).toBe(join(root, 'calico/v1/policy/tier/default/policy/bad.yaml'));
    expect([parseError.line, parseError.col]).toEqual([2, 11]);
  });

  it('maps hostile path segments to safe names that round-trip, and refuses the rest', async () => {
    const { client, listAll } = await fresh();
    const names = ['..', '.', '.hidden', '%2e', '%25', '.kvdir-x.yaml.rev', 'a\\b', '-rf', 'é'];
    for (const [i, name] of [...names, 'new\nline', 'e\u0301', 'Case', 'case'].entries()) {
      await client.create({ key: new PathKey(`/n/${name}`), value: { i } });
      expect((await client.get(new PathKey(`/n/${name}`))).value).toEqual({ i });
    }
    const listed = await client.list(new PathListOptions({ prefix: '/n' }));
    expect(listed).toHaveLength(names.length + 4);
    expect(
      (await listAll()).filter((p) => p.startsWith('n/') && !p.startsWith('n/.kvdir-')),
    ).toEqual(
      expect.arrayContaining(['n/%2e..yaml', 'n/%2e.yaml', 'n/%2ehidden.yaml', 'n/%252e.yaml']),
    );
    for (const bad of ['/n/x.yaml', `/n/${'x'.repeat(201)}`]) {
      const error = await client.create({ key: new PathKey(bad), value: {} }).catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain('error with field path');
    }
  });

  it('keeps sidecars, temp files and locks hidden under .kvdir-', async () => {
    const { client, listAll } = await fresh();
    await client.create({
      key: new PolicyKey({ name: 'p' }),
      value: { order: 1, selector: 'all()' },
    });
    await client.update({
      key: new PolicyKey({ name: 'p' }),
      value: { order: 2, selector: 'all()' },
    });
    const visible = (await listAll()).filter(
      (p) => !p.split('/').some((s) => s.startsWith('.kvdir-')),
    );
    expect(visible).toEqual([
      'calico',
      'calico/v1',
      'calico/v1/policy',
      'calico/v1/policy/tier',
      'calico/v1/policy/tier/default',
      'calico/v1/policy/tier/default/policy',
      'calico/v1/policy/tier/default/policy/p.yaml',
    ]);
  });
});
