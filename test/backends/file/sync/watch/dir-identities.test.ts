import { describe, expect, it } from 'vitest';
import { DirIdentities } from '../../../../../src/backends/file/sync/watch/dir-identities.js';

describe('DirIdentities', () => {
  it('tells a replaced directory from a known one, and knows nothing of others', () => {
    const dirs = new DirIdentities();
    dirs.set('/r/a', '10');
    expect(dirs.replaced('/r/a', '10')).toBe(false);
    expect(dirs.replaced('/r/a', '11')).toBe(true);
    expect(dirs.replaced('/r/unknown', '12')).toBe(false);
    expect(dirs.has('/r/unknown')).toBe(false);
  });

  it('forgets a directory and everything below it, not its siblings with a common prefix', () => {
    const dirs = new DirIdentities();
    for (const [dir, id] of [
      ['/r/a', '1'],
      ['/r/a/b', '2'],
      ['/r/a/b/c', '3'],
      ['/r/ab', '4'],
    ] as const)
      dirs.set(dir, id);
    dirs.forget('/r/a');
    expect(['/r/a', '/r/a/b', '/r/a/b/c', '/r/ab'].map((dir) => dirs.has(dir))).toEqual([
      false,
      false,
      false,
      true,
    ]);
  });

  it('renews the directories below one watched anew, dropping those that are gone', () => {
    const dirs = new DirIdentities();
    for (const [dir, id] of [
      ['/r/a', '1'],
      ['/r/a/b', '2'],
      ['/r/a/gone', '3'],
      ['/r/z', '4'],
    ] as const)
      dirs.set(dir, id);
    const now: Record<string, string> = { '/r/a/b': '20', '/r/z': '40' };
    dirs.renewBelow('/r/a', (dir) => now[dir]);
    expect(dirs.replaced('/r/a/b', '20')).toBe(false);
    expect(dirs.has('/r/a/gone')).toBe(false);
    expect(dirs.replaced('/r/a', '1')).toBe(false);
    expect(dirs.replaced('/r/z', '4')).toBe(false);
    // The three that are still there are known; the one that is gone is forgotten.
    expect(['/r/a', '/r/a/b', '/r/a/gone', '/r/z'].map((dir) => dirs.has(dir))).toEqual([
      true,
      true,
      false,
      true,
    ]);
  });
});
