/**
 * The etcd backend as a package user meets it, in child processes on the build: `import
 * 'kvdir'` and the CLI do not load the etcd client (it costs 200-300 ms), `kvdir/etcd` loads it
 * only when a backend is made, a missing `etcd3` is told plainly, and `close()` lets the
 * process exit. Needs the build (`npm test` builds first; in a dev loop run `npm run build`).
 */
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Child, childScript } from '../../helpers/child.js';
import { etcdStore, hasEtcd } from '../../helpers/etcd.js';
import { REPO } from '../../helpers/paths.js';

const dist = join(REPO, 'dist', 'src');
const copies: string[] = [];

beforeAll(() => {
  if (!existsSync(join(dist, 'backends', 'etcd', 'index.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
});

afterEach(async () => {
  await Promise.all(copies.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Runs a child script to its end; returns its last line of output, parsed as JSON. */
async function run(script: string, args: string[]): Promise<unknown> {
  const child = new Child(childScript(script), args);
  const code = await child.exited;
  expect(code, child.stderr).toBe(0);
  return JSON.parse(child.lines.at(-1) ?? 'null');
}

describe('the etcd3 client is loaded only by the etcd backend', () => {
  it('is not loaded by importing kvdir or the CLI', async () => {
    const loaded = await run('loaded-packages.mjs', [
      join(dist, 'index.js'),
      join(dist, 'cli', 'main.js'),
    ]);
    expect(loaded).toEqual({ etcd3: false, grpc: false });
  });

  it('is not loaded by importing kvdir/mirror (only by the EtcdBackend it is given)', async () => {
    const loaded = await run('loaded-packages.mjs', [join(dist, 'mirror', 'index.js')]);
    expect(loaded).toEqual({ etcd3: false, grpc: false });
  });

  it('is loaded by kvdir/etcd only once an EtcdBackend is constructed', async () => {
    const etcdIndex = join(dist, 'backends', 'etcd', 'index.js');
    expect(await run('loaded-packages.mjs', [etcdIndex])).toEqual({ etcd3: false, grpc: false });
    expect(await run('loaded-packages.mjs', ['--construct-etcd', etcdIndex])).toEqual({
      etcd3: true,
      grpc: true,
    });
  });

  it('says to npm install etcd3 when it is missing', async () => {
    // The build, copied where no node_modules can be found above it but kvdir's own
    // dependencies (as an install without the optional peer etcd3 has them).
    const dir = await mkdtemp(join(tmpdir(), 'kvdir-no-etcd3-'));
    copies.push(dir);
    await cp(dist, join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
    const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    await mkdir(join(dir, 'node_modules'));
    for (const name of Object.keys(pkg.dependencies)) {
      await symlink(join(REPO, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
    }
    const result = await run('construct-etcd.mjs', [
      join(dir, 'src', 'backends', 'etcd', 'index.js'),
    ]);
    expect(result).toMatchObject({ name: 'DatastoreError', code: 'ERR_DATASTORE' });
    expect((result as { message: string }).message).toContain('npm install etcd3');
  });
});

describe.runIf(hasEtcd)('EtcdBackend.close()', () => {
  it('lets the process exit after writes on a lease, reads and a failed call', async () => {
    const store = etcdStore();
    const child = new Child(childScript('etcd-close.mjs'), [dist, store.endpoint, store.namespace]);
    // A process that something keeps alive would never exit: give up long before the test does.
    const hung = new Promise((resolve) => setTimeout(resolve, 20_000, 'still running').unref());
    const code = await Promise.race([child.exited, hung]);
    expect(code, child.stderr).toBe(0);
    expect(child.lines).toEqual(['closed']);
    // The lease outlived the process: close() does not revoke it.
    expect(JSON.parse((await store.rawGet('/close/a'))!)).toEqual({ a: 1 });
  });
});
