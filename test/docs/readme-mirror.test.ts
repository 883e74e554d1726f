/**
 * The README's `kvdir mirror` session, replayed against the test run's etcd in a namespace of
 * its own: the same git repository and the two keys etcd held before, then every command of
 * the session but the live mirror's (and the writes made while it ran), each of which must
 * print the lines the README shows (revision numbers aside: the run's etcd is shared).
 */
import { execSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { etcdStore, hasEtcd } from '../helpers/etcd.js';
import { git, writeFiles } from '../helpers/mirror.js';
import { tempDir } from '../helpers/temp-dir.js';
import { run } from '../cli/memory-io.js';

const repo = resolve(import.meta.dirname, '..', '..');
const README_ENDPOINT = 'http://127.0.0.1:2379';

interface Step {
  command: string;
  output: string[];
}

/** The session's console block: each `$ command` with the lines it printed. */
async function session(): Promise<Step[]> {
  const readme = await readFile(join(repo, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Mirroring a directory to etcd (`kvdir mirror`)\n');
  expect(start).toBeGreaterThan(0);
  const open = readme.indexOf('```console\n', start);
  const block = readme.slice(open + 11, readme.indexOf('\n```\n', open));
  const steps: Step[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('$ ')) steps.push({ command: line.slice(2), output: [] });
    else steps.at(-1)!.output.push(line);
  }
  return steps;
}

const normal = (lines: string[]) => lines.map((line) => line.replace(/revision \d+/, 'revision N'));

describe.runIf(hasEtcd)("the README's kvdir mirror session", () => {
  it('prints what the README shows for the dry run, the first pass and the refused prune', async () => {
    const store = etcdStore();
    const cwd = await tempDir();
    const config = join(cwd, 'config');
    git(cwd, 'init', '-q', '-b', 'main', 'config');
    writeFiles(config, {
      'apps/cache.yaml': 'replicas: 1\n',
      'apps/db.yaml': 'replicas: 2\nimage: postgres:16\n',
      'apps/web.yaml': 'replicas: 3\nimage: nginx:1.27\n',
      'calico/v1/policy/tier/default/policy/allow-web.yaml':
        "order: 10\nselector: role == 'web'\ninbound_rules:\n  - action: allow\n",
    });
    git(config, 'add', '-A');
    git(config, 'commit', '-qm', 'the apps');
    await store.rawPut('/apps/old', '{"replicas":1}');
    await store.rawPut('/apps/web', '{"replicas":2,"image":"nginx:1.25"}');

    const steps = await session();
    let live = false;
    let replayed = 0;
    for (const { command, output } of steps) {
      // The live mirror and what was done while it ran (but the file edit) are not replayed.
      if (command.endsWith(' &')) live = true;
      if (live) {
        if (command.startsWith('sed ')) execSync(command, { cwd });
        if (command.startsWith('kill ')) live = false;
        continue;
      }
      if (command.startsWith('git ') || command.startsWith('find ')) {
        const env = { ...process.env, GIT_AUTHOR_NAME: 'demo', GIT_AUTHOR_EMAIL: 'd@example.com' };
        const printed = execSync(command, {
          cwd,
          encoding: 'utf8',
          env: { ...env, GIT_COMMITTER_NAME: 'demo', GIT_COMMITTER_EMAIL: 'd@example.com' },
        });
        expect(printed.split('\n').slice(0, -1), command).toEqual(output);
        continue;
      }
      const [argv, exit] = command.split('; echo "exit code $?"');
      const words = argv!.split(' ');
      expect(words[0], command).toBe('kvdir');
      const at = words.indexOf(README_ENDPOINT);
      words.splice(at, 1, store.endpoint, '--namespace', store.namespace);
      const result = await run(words.slice(1), { cwd });
      expect(result.stderr, command).toBe('');
      const printed = result.stdout.split('\n').slice(0, -1);
      if (exit !== undefined) printed.push(`exit code ${result.code}`);
      expect(normal(printed), command).toEqual(normal(output));
      replayed++;
    }
    expect(replayed).toBe(4);
    expect(await store.rawPaths()).toEqual(expect.arrayContaining(['/apps/cache', '/apps/web']));
  });
});
