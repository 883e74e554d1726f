/**
 * A root that is not what it should be (newcomer findings 6 and 7): a mistyped root is never
 * created by a command that fails anyway, and a root naming a file is an error (exit 7), not an
 * empty tree. In-process, and through the real bin.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DatastoreError, FileBackend, PathKey, PathListOptions } from '../../src/index.js';
import { runNode } from '../helpers/child.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';
import { run } from './memory-io.js';

const BIN = join(REPO, 'bin', 'kvdir.js');

let base: string;
beforeEach(async () => {
  base = await tempDir();
});

describe('a root that does not exist (finding 6)', () => {
  it.each([
    [['delete', '/a'], 3],
    [['update', '/a', '-f', '-'], 3],
    [['put', '/a', '1', '--revision', '1.1'], 3],
    [['get', '/a'], 3],
    [['apply', '/a', '-f', '-', '--revision', '0.1'], 3],
  ])('%j fails with exit %i and does not create the root', async (argv, code) => {
    const root = join(base, 'typo-root');
    const result = await run(['--root', root, ...argv], { stdin: 'v: 1\n' });
    expect(result.code, result.stderr).toBe(code);
    expect(existsSync(root)).toBe(false);
  });

  it('create and put still create it', async () => {
    const root = join(base, 'new-root');
    expect((await run(['--root', root, 'put', '/a', '1'])).code).toBe(0);
    expect(existsSync(join(root, 'a.yaml'))).toBe(true);
  });

  it('through the library: a failed delete leaves no directory behind', async () => {
    const root = join(base, 'typo-root');
    const client = new FileBackend({ root });
    await expect(client.delete({ key: new PathKey('/a') })).rejects.toMatchObject({
      code: 'ERR_RESOURCE_DOES_NOT_EXIST',
    });
    await client.close();
    expect(existsSync(root)).toBe(false);
  });

  it('through the real bin: delete exits 3 and leaves no directory behind', async () => {
    const root = join(base, 'typo-root');
    const result = await runNode(BIN, ['--root', root, 'delete', '/a'], { timeoutMs: 30_000 });
    expect(result).toMatchObject({ timedOut: false, code: 3 });
    expect(existsSync(root)).toBe(false);
  });
});

describe('a root that is a file (finding 7)', () => {
  it.each([
    [['list']],
    [['list', '-o', 'json']],
    [['get', '/a']],
    [['delete', '/a']],
    [['put', '/a', '1']],
    [['init']],
  ])('%j exits 7 saying the root is not a directory', async (argv: string[]) => {
    const root = join(base, 'afile');
    await writeFile(root, 'hi\n');
    const result = await run(['--root', root, ...argv]);
    expect(result.code, result.stderr).toBe(7);
    expect(result.stderr).toContain(`the root is not a directory: ${root}`);
    expect(result.stdout).toBe('');
  });

  it('through the library: list and get reject with DatastoreError', async () => {
    const root = join(base, 'afile');
    await writeFile(root, 'hi\n');
    const client = new FileBackend({ root });
    await expect(client.list(new PathListOptions({ prefix: '/' }))).rejects.toBeInstanceOf(
      DatastoreError,
    );
    await expect(client.get(new PathKey('/a'))).rejects.toBeInstanceOf(DatastoreError);
    await client.close();
  });

  it('through the real bin: list exits 7 instead of printing nothing', async () => {
    const root = join(base, 'afile');
    await writeFile(root, 'hi\n');
    const result = await runNode(BIN, ['--root', root, 'list'], { timeoutMs: 30_000 });
    expect(result).toMatchObject({ timedOut: false, code: 7, stdout: '' });
    expect(result.stderr).toContain('the root is not a directory');
  });
});
