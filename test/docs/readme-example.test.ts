/**
 * The README's first examples, as a newcomer pastes them: each `js` block of "A first example"
 * saved as example.mjs in a project that depends on kvdir (here a temp directory whose
 * node_modules/kvdir is this package, built by `npm test` before the tests), run with node. Each
 * must print what the README says it prints and leave the file the README shows after it.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { examples } from '../helpers/readme.js';
import { tempDir } from '../helpers/temp-dir.js';

const repo = resolve(import.meta.dirname, '..', '..');

describe('the README', () => {
  it('has first examples (PathKey, then Calico) that work when pasted, printing what they say and leaving the files they show', async () => {
    const readme = await readFile(join(repo, 'README.md'), 'utf8');
    const found = examples(readme, '## A first example');
    expect(found.map((e) => /import \{ FileBackend, (\w+)/.exec(e.code)?.[1])).toEqual([
      'PathKey',
      'PolicyKey',
    ]);
    for (const { code, prose, shown } of found) {
      const printed = /It prints `(.+?)` and `(.+?)`/s.exec(prose);
      expect(printed).not.toBeNull();
      const [comment, ...lines] = shown.split('\n');
      const file = /^# (config\/.+\.yaml)$/.exec(comment ?? '')?.[1];
      expect(file).toBeDefined();

      const project = await tempDir();
      await mkdir(join(project, 'node_modules'));
      await symlink(repo, join(project, 'node_modules', 'kvdir'), 'dir');
      await writeFile(join(project, 'example.mjs'), code);
      const { stdout } = await promisify(execFile)(process.execPath, ['example.mjs'], {
        cwd: project,
      });

      expect(stdout).toBe(`${printed?.[1]}\n${printed?.[2]}\n`);
      expect(await readFile(join(project, file as string), 'utf8')).toBe(lines.join('\n'));
    }
  });
});
