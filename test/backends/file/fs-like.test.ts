import { execFileSync } from 'node:child_process';
import type * as FsPromises from 'node:fs/promises';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { memfs } from 'memfs';
import { describe, expect, it } from 'vitest';
import type { FsLike } from '../../../src/backends/file/fs-like.js';
import { nodeFsLike, readRegularFile } from '../../../src/backends/file/fs-like.js';
import { tempDir } from '../../helpers/temp-dir.js';

const limit = { bytes: 10, name: 'the limit' };
const HOWS = [
  { limit, lstatFirst: true, locate: true },
  { limit, lstatFirst: false, locate: false },
];

/** `<dir>/{ok, big, link, dir}` and, on a real disk, `fifo`. */
async function entries(fs: FsLike, dir: string, real: boolean): Promise<void> {
  const promises = fs.promises as unknown as typeof FsPromises;
  await promises.mkdir(join(dir, 'dir'), { recursive: true });
  await promises.writeFile(join(dir, 'ok'), 'hello');
  await promises.writeFile(join(dir, 'big'), 'x'.repeat(11));
  await promises.symlink(join(dir, 'ok'), join(dir, 'link'));
  if (real) execFileSync('mkfifo', [join(dir, 'fifo')]);
}

describe.each([
  ['node fs', true],
  ['memfs', false],
])('readRegularFile on %s', (_name, real) => {
  async function setup(): Promise<{ fs: FsLike; dir: string }> {
    if (real) {
      const dir = await tempDir();
      await entries(nodeFsLike, dir, true);
      return { fs: nodeFsLike, dir };
    }
    const fs = memfs().fs as unknown as FsLike;
    await entries(fs, '/r', false);
    return { fs, dir: '/r' };
  }

  it.each(HOWS)('reads a regular file within the limit, and nothing else (%o)', async (how) => {
    const { fs, dir } = await setup();
    expect(readRegularFile(fs, join(dir, 'ok'), how)?.bytes.toString()).toBe('hello');
    expect(readRegularFile(fs, join(dir, 'missing'), how)).toBeUndefined();
    expect(readRegularFile(fs, join(dir, 'missing', 'below'), how)).toBeUndefined();
    const code = (path: string) => {
      try {
        readRegularFile(fs, join(dir, path), how);
        return 'read';
      } catch (err) {
        return (err as { code: string }).code;
      }
    };
    expect(code('big')).toBe('ERR_TOO_LARGE');
    expect(code('link')).toBe('ERR_SYMLINK');
    expect(code('dir')).toBe('ERR_NOT_A_FILE');
    if (real) expect(code('fifo')).toBe('ERR_NOT_A_FILE');
  });

  it('says where the kernel has the opened file, on Linux with Node fs only', async () => {
    const { fs, dir } = await setup();
    const found = readRegularFile(fs, join(dir, 'ok'), HOWS[0]!);
    if (real && process.platform === 'linux') expect(found?.openedAt).toMatch(/\/ok$/);
    else expect(found?.openedAt).toBeUndefined();
  });
});

describe('readRegularFile on node fs, a link on the way', () => {
  it('reads through a directory link (the store checks where it landed), never a link at the name', async () => {
    const base = await tempDir();
    await mkdir(join(base, 'real'));
    await writeFile(join(base, 'real', 'f'), 'x');
    await symlink(join(base, 'real'), join(base, 'via'));
    const found = readRegularFile(nodeFsLike, join(base, 'via', 'f'), HOWS[0]!);
    if (process.platform === 'linux') expect(found?.openedAt).toBe(join(base, 'real', 'f'));
  });
});
