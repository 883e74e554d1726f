import { describe, expect, it } from 'vitest';
import { PathKey } from '../../src/index.js';
import { KeyCache } from '../../src/syncer/key-cache.js';

const entry = (path: string, revision = 'r1') => ({
  key: new PathKey(path),
  revision,
  state: 's',
});

function cacheOf(...paths: string[]): KeyCache<string> {
  const cache = new KeyCache<string>();
  for (const path of paths) cache.set(path, entry(path));
  return cache;
}

describe('KeyCache', () => {
  it('finds the keys at or below a prefix, and only those', () => {
    const cache = cacheOf('/a', '/a/b', '/a/b/c', '/a/bc', '/ab', '/x/y');
    expect(cache.pathsUnder('/a').sort()).toEqual(['/a', '/a/b', '/a/b/c', '/a/bc']);
    expect(cache.pathsUnder('/a/b').sort()).toEqual(['/a/b', '/a/b/c']);
    expect(cache.pathsUnder('/x').sort()).toEqual(['/x/y']);
    expect(cache.pathsUnder('/').sort()).toEqual(['/a', '/a/b', '/a/b/c', '/a/bc', '/ab', '/x/y']);
    expect(cache.pathsUnder('/nothing')).toEqual([]);
    expect(cache.pathsUnder('/a/b/c/d')).toEqual([]);
  });

  it('keeps the latest entry for a path and counts each path once', () => {
    const cache = cacheOf('/a');
    cache.set('/a', entry('/a', 'r2'));
    expect([...cache.paths()]).toEqual(['/a']);
    expect(cache.get('/a')?.revision).toBe('r2');
  });

  it('prunes the index on delete: an emptied branch is gone, a shared one stays', () => {
    const cache = cacheOf('/a/b/c', '/a/b/d', '/a/e');
    cache.delete('/a/b/c');
    expect(cache.pathsUnder('/a').sort()).toEqual(['/a/b/d', '/a/e']);
    cache.delete('/a/b/d');
    expect(cache.pathsUnder('/a/b')).toEqual([]);
    expect(cache.pathsUnder('/a')).toEqual(['/a/e']);
    cache.delete('/a/e');
    expect(cache.pathsUnder('/')).toEqual([]);
    expect([...cache.paths()]).toEqual([]);
    // Re-adding after pruning links the path again.
    cache.set('/a/b/c', entry('/a/b/c'));
    expect(cache.pathsUnder('/a')).toEqual(['/a/b/c']);
  });

  it('keeps a key whose children were deleted, and children whose parent key was deleted', () => {
    const cache = cacheOf('/a', '/a/b');
    cache.delete('/a/b');
    expect(cache.pathsUnder('/a')).toEqual(['/a']);
    cache.set('/a/b', entry('/a/b'));
    cache.delete('/a');
    expect(cache.pathsUnder('/a')).toEqual(['/a/b']);
    expect(cache.get('/a')).toBeUndefined();
  });

  it('ignores the delete of a path it does not hold', () => {
    const cache = cacheOf('/a/b');
    cache.delete('/a');
    cache.delete('/zzz');
    expect(cache.pathsUnder('/')).toEqual(['/a/b']);
  });
});
