/**
 * `kvdir edit` with $EDITOR set to a script (test/children/editor.mjs) that edits the temp file
 * as the test says: a change, no change, text that does not parse or does not fit the key, a
 * concurrent write (conflict), a missing key, an editor that fails.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fixtureCopy } from '../helpers/temp-dir.js';
import { memoryIO, run } from './memory-io.js';

const editorScript = join(import.meta.dirname, '..', 'children', 'editor.mjs');
const EDITOR = `${process.execPath} ${editorScript}`;
const POLICY = '/calico/v1/policy/tier/default/policy/allow-dns';

let root: string;
const fileOf = (path: string) => join(root, `${path}.yaml`);

/** `kvdir edit <path>` with the script editor doing `edit` (see editor.mjs). */
function kvdirEdit(path: string, edit: object, env: Record<string, string> = { EDITOR }) {
  return run(['--root', root, 'edit', path], {
    env: { ...env, KVDIR_TEST_EDIT: JSON.stringify(edit) },
  });
}

const keptDirs: string[] = [];
afterEach(async () => {
  await Promise.all(keptDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The temp file a message names as keeping the edited text (removed after the test). */
function keptFile(stderr: string): string {
  const kept = /the edited text is kept in (\S+)/.exec(stderr)?.[1];
  if (kept === undefined) throw new Error(`no kept file named in: ${stderr}`);
  keptDirs.push(dirname(kept));
  return kept;
}

async function revisionOf(path: string): Promise<string> {
  const shown = await run(['--root', root, 'get', path, '--show-revision', '-o', 'json']);
  return (JSON.parse(shown.stdout) as { revision: string }).revision;
}

beforeEach(async () => {
  root = await fixtureCopy('calico');
  await writeFile(fileOf(POLICY), '# DNS for every pod\norder: 100 # early\nselector: all()\n');
});

describe('kvdir edit', () => {
  it('writes the saved text back as it is and prints the new revision', async () => {
    const before = await revisionOf(POLICY);
    const result = await kvdirEdit(POLICY, { replace: ['order: 100', 'order: 90'] });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^editing \S+allow-dns\.yaml\n/);
    const revision = result.stdout.split('\n')[1];
    expect(revision).not.toBe(before);
    expect(revision).toBe(await revisionOf(POLICY));
    expect(await readFile(fileOf(POLICY), 'utf8')).toBe(
      '# DNS for every pod\norder: 90 # early\nselector: all()\n',
    );
    const tempFile = result.stdout.split('\n')[0]!.slice('editing '.length);
    expect(existsSync(tempFile)).toBe(false);
  });

  it('writes a change of comments only: the text is what the user wants to see', async () => {
    const result = await kvdirEdit(POLICY, { replace: ['# early', '# before the others'] });
    expect(result.code).toBe(0);
    expect(await readFile(fileOf(POLICY), 'utf8')).toContain('order: 100 # before the others');
  });

  it('changes nothing when the text is unchanged', async () => {
    const before = await revisionOf(POLICY);
    const result = await kvdirEdit(POLICY, {});
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/\nedit cancelled, no changes\n$/);
    expect(await revisionOf(POLICY)).toBe(before);
  });

  it('refuses text that does not parse (exit 6), naming the file that keeps it', async () => {
    const before = await revisionOf(POLICY);
    const result = await kvdirEdit(POLICY, { replace: ['selector: all()', 'selector: [all()'] });
    expect(result.code).toBe(6);
    const kept = keptFile(result.stderr);
    expect(result.stderr).toContain(`kvdir: ${kept}:`);
    expect(await readFile(kept, 'utf8')).toContain('selector: [all()');
    expect(await revisionOf(POLICY)).toBe(before);
  });

  it('refuses text that does not fit the key (exit 8)', async () => {
    const result = await kvdirEdit('/calico/v1/Ready', { text: 'maybe\n' });
    expect(result.code).toBe(8);
    expect(result.stderr).toContain("error with field value = 'maybe' (must be a boolean)");
    expect(await readFile(keptFile(result.stderr), 'utf8')).toBe('maybe\n');
    expect((await run(['--root', root, 'get', '/calico/v1/Ready'])).stdout).toBe('true\n');
  });

  it('exits 4 when the key was written meanwhile, keeping the edited text', async () => {
    const result = await kvdirEdit(POLICY, {
      replace: ['order: 100', 'order: 90'],
      write: { file: fileOf(POLICY), text: 'order: 7\nselector: all()\n' },
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(
      /^kvdir: update conflict: 'Policy\(name=allow-dns\)' \(the key was written since it was opened\)\nkvdir: the edited text is kept in \S+\n$/,
    );
    expect(await readFile(keptFile(result.stderr), 'utf8')).toContain('order: 90 # early');
    expect(await readFile(fileOf(POLICY), 'utf8')).toBe('order: 7\nselector: all()\n');
  });

  it('refuses a key that does not exist (exit 3) and opens no editor', async () => {
    const result = await kvdirEdit('/apps/missing', {});
    expect(result).toMatchObject({ code: 3, stdout: '' });
    expect(result.stderr).toBe(
      'kvdir: resource does not exist: PathKey(/apps/missing) (edit opens a key that exists: create it with kvdir create or kvdir put)\n',
    );
  });

  it('writes nothing when the editor fails, and keeps its text; says so when none can run', async () => {
    const before = await revisionOf(POLICY);
    const failed = await kvdirEdit(POLICY, { replace: ['100', '1'], exit: 3 });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^kvdir: the editor '.*editor\.mjs' exited with code 3\n/);
    expect(await readFile(keptFile(failed.stderr), 'utf8')).toContain('order: 1 #');
    expect(await revisionOf(POLICY)).toBe(before);

    const missing = await kvdirEdit(POLICY, {}, { VISUAL: 'no-such-editor --wait' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^kvdir: cannot run the editor 'no-such-editor --wait': .*ENOENT/,
    );
  });

  it('writes nothing when interrupted while the editor runs (exit 130), keeping the text', async () => {
    const before = await revisionOf(POLICY);
    const interrupt = new AbortController();
    const io = memoryIO({
      env: { EDITOR, KVDIR_TEST_EDIT: JSON.stringify({ replace: ['100', '1'] }) },
      signal: interrupt.signal,
    });
    const running = main(['--root', root, 'edit', POLICY], io);
    interrupt.abort();
    expect(await running).toBe(130);
    expect(io.stderr.text).toMatch(/^kvdir: interrupted: nothing was written\n/);
    expect(await readFile(keptFile(io.stderr.text), 'utf8')).toContain('order: 1 #');
    expect(await revisionOf(POLICY)).toBe(before);
  });

  it('takes $VISUAL before $EDITOR', async () => {
    const result = await kvdirEdit(
      POLICY,
      { replace: ['order: 100', 'order: 5'] },
      { VISUAL: EDITOR, EDITOR: 'no-such-editor' },
    );
    expect(result.code).toBe(0);
    expect(await readFile(fileOf(POLICY), 'utf8')).toContain('order: 5 # early');
  });
});
