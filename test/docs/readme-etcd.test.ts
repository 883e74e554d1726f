/**
 * The README's etcd example, as a newcomer pastes it (in a project whose node_modules/kvdir is
 * this package), run with node against the test run's etcd: its endpoint and namespace are
 * swapped for the run's. It must print what the README says, leave the value where it says,
 * and exit on its own.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { etcdStore, hasEtcd } from '../helpers/etcd.js';
import { tempDir } from '../helpers/temp-dir.js';

const repo = resolve(import.meta.dirname, '..', '..');

describe.runIf(hasEtcd)('the README on etcd', () => {
  it('has an example that works when pasted, printing what it says', async () => {
    const readme = await readFile(join(repo, 'README.md'), 'utf8');
    const start = readme.indexOf('\n## Running on etcd\n');
    expect(start).toBeGreaterThan(0);
    const open = readme.indexOf('```js\n', start);
    const code = readme.slice(open + 6, readme.indexOf('\n```\n', open) + 1);
    const prose = readme.slice(readme.indexOf('\n```\n', open), readme.indexOf('| option', open));
    expect(prose).toContain('then `1 Policy(name=allow-web)`');
    expect(prose).toContain('`/demo/calico/v1/policy/tier/default/policy/allow-web`');

    const store = etcdStore();
    const project = await tempDir();
    await mkdir(join(project, 'node_modules'));
    await symlink(repo, join(project, 'node_modules', 'kvdir'), 'dir');
    const pasted = code
      .replace("'http://127.0.0.1:2379'", `'${store.endpoint}'`)
      .replace("namespace: '/demo'", `namespace: '${store.namespace}/demo'`);
    expect(pasted).not.toBe(code);
    await writeFile(join(project, 'example.mjs'), pasted);
    const { stdout } = await promisify(execFile)(process.execPath, ['example.mjs'], {
      cwd: project,
      timeout: 20_000,
    });
    const [revision, update, ...rest] = stdout.split('\n');
    expect(revision).toMatch(/^\d+$/);
    expect(update).toBe('1 Policy(name=allow-web)');
    expect(rest).toEqual(['']);
    const stored = await store.rawGet('/demo/calico/v1/policy/tier/default/policy/allow-web');
    expect(JSON.parse(stored ?? 'null')).toMatchObject({ order: 10, selector: "role == 'web'" });
  });
});
