/**
 * The README's first example, as a newcomer pastes it: saved as example.mjs in a project that
 * depends on kvdir (here a temp directory whose node_modules/kvdir is this package, built by
 * `npm test` before the tests), run with node. It must print what the README says it prints
 * and leave the file the README shows.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';

const repo = resolve(import.meta.dirname, '..', '..');

/** The first fenced block of `lang` after `heading`, and the prose up to the next block. */
function section(readme: string, heading: string): { code: string; after: string } {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no heading ${heading}`);
  const open = readme.indexOf('```js\n', start);
  const close = readme.indexOf('\n```\n', open);
  const next = readme.indexOf('```', close + 5);
  return { code: readme.slice(open + 6, close + 1), after: readme.slice(close + 5, next) };
}

describe('the README', () => {
  it('has a first example that works when pasted, printing what it says and leaving the file it shows', async () => {
    const readme = await readFile(join(repo, 'README.md'), 'utf8');
    const { code, after } = section(readme, '## A first example');
    const printed = /It prints `(.+?)` and `(.+?)`/s.exec(after);
    expect(printed).not.toBeNull();
    const yamlBlock = readme.slice(
      readme.indexOf('```yaml\n', readme.indexOf('## A first example')) + 8,
    );
    const shown = yamlBlock.slice(0, yamlBlock.indexOf('```'));
    const [comment, ...lines] = shown.split('\n');
    const file = /^# (.+)$/.exec(comment ?? '')?.[1];
    expect(file).toBe('config/calico/v1/policy/tier/default/policy/allow-web.yaml');

    const project = await tempDir();
    await mkdir(join(project, 'node_modules'));
    await symlink(repo, join(project, 'node_modules', 'kvdir'), 'dir');
    await writeFile(join(project, 'example.mjs'), code);
    const { stdout } = await promisify(execFile)(process.execPath, ['example.mjs'], {
      cwd: project,
    });

    expect(stdout).toBe(`${printed?.[1]}\n${printed?.[2]}\n`);
    expect(await readFile(join(project, file as string), 'utf8')).toBe(lines.join('\n'));
  });
});
