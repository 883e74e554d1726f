/**
 * The tree walk: value files come out in key-path order, directory by directory, without a
 * sort of the whole tree; problems are reported beside them.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeFsLike } from '../../../src/backends/file/fs-like.js';
import { encodeSegment } from '../../../src/backends/file/layout.js';
import { visitPrefix, walkPrefix } from '../../../src/backends/file/tree-walk.js';
import { tempDir } from '../../helpers/temp-dir.js';

async function tree(paths: string[]): Promise<string> {
  const root = join(await tempDir(), 'root');
  await mkdir(root);
  for (const path of paths) {
    const file = join(root, ...path.slice(1).split('/').map(encodeSegment)) + '.yaml';
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, 'x: 1\n');
  }
  return root;
}

const sorted = (paths: string[]) => [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('tree walk', () => {
  it('visits keys in the order a sort of all key paths gives, though a directory sorts apart from its name', async () => {
    // '-' and '.' sort before '/', so /a/b-x and /a/b.c come between /a/b and /a/b/c.
    const paths = [
      '/a/b',
      '/a/b/c',
      '/a/b-x',
      '/a/b.c',
      '/a/b0',
      '/a/B',
      '/a/%25',
      '/a/.hidden',
      '/a/b/c/d',
      '/z',
      '/a',
    ];
    const root = await tree(paths);
    const seen: string[] = [];
    expect(
      await visitPrefix(nodeFsLike, root, '/', {
        file: (found) => void seen.push(found.path),
        problem: () => undefined,
      }),
    ).toBe(true);
    expect(seen).toEqual(sorted(paths));
    expect((await walkPrefix(nodeFsLike, root, '/a/b')).files.map((found) => found.path)).toEqual([
      '/a/b',
      '/a/b/c',
      '/a/b/c/d',
    ]);
  });

  it('keeps that order for any set of keys (property)', async () => {
    const segment = fc.constantFrom('a', 'b', 'b-x', 'b.c', 'b0', 'B', '.d', '%e', 'é', '~');
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.array(segment, { minLength: 1, maxLength: 3 }).map((names) => `/${names.join('/')}`),
          { minLength: 1, maxLength: 12 },
        ),
        async (paths) => {
          const root = await tree(paths);
          const { files, existed } = await walkPrefix(nodeFsLike, root, '/');
          expect(existed).toBe(true);
          expect(files.map((found) => found.path)).toEqual(sorted(paths));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reports links and names that are no keys as problems, and a missing prefix as not existing', async () => {
    const root = await tree(['/a/k']);
    await symlink(join(root, 'a', 'k.yaml'), join(root, 'a', 'link.yaml'));
    await writeFile(join(root, 'a', '%zz.yaml'), 'x: 1\n');
    const walked = await walkPrefix(nodeFsLike, root, '/');
    expect(walked.files.map((found) => found.path)).toEqual(['/a/k']);
    expect(walked.problems.map((problem) => [problem.relative, problem.reason]).sort()).toEqual([
      ['a/%zz.yaml', 'not-a-key'],
      ['a/link.yaml', 'symlink'],
    ]);
    expect((await walkPrefix(nodeFsLike, root, '/nothing')).existed).toBe(false);
  });
});
