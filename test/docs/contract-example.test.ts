/**
 * The README's `kvdir/contract` example, as a user pastes it: saved in a project whose
 * node_modules/kvdir is this package (built by `npm test` before the tests) and run with
 * `node --test`. Every contract test must pass there, under node:test instead of vitest.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The first ```js block after `heading`. */
function firstJsBlock(readme: string, heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no heading ${heading}`);
  const open = readme.indexOf('```js\n', start);
  return readme.slice(open + 6, readme.indexOf('\n```\n', open) + 1);
}

describe('the README', () => {
  it('has a kvdir/contract example that runs every contract test under node:test', async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8');
    const code = firstJsBlock(readme, '### The contract suites (`kvdir/contract`)');
    expect(code).toContain("from 'node:test'");
    const project = await tempDir();
    await mkdir(join(project, 'node_modules'));
    await symlink(REPO, join(project, 'node_modules', 'kvdir'), 'dir');
    await writeFile(join(project, 'contract.test.mjs'), code);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--test', '--test-reporter=tap', 'contract.test.mjs'],
      { cwd: project, timeout: 240_000 },
    );
    const passed = Number(/^# pass (\d+)$/m.exec(stdout)?.[1]);
    expect(/^# fail (\d+)$/m.exec(stdout)?.[1]).toBe('0');
    // Both suites ran: the client suite alone has more than 25 tests, the syncer suite 10.
    expect(passed).toBeGreaterThan(35);
  }, 300_000);
});
