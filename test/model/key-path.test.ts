import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import {
  isUnder,
  keyPathProblem,
  normalizePrefixes,
  parentPath,
} from '../../src/model/key-path.js';

describe('key paths', () => {
  it.each([
    ['/a/b', undefined],
    ['a/b', "must start with '/'"],
    ['/', "must name a key below '/'"],
    ['/a/', "must not end with '/'"],
    ['/a//b', "must not contain an empty segment ('//')"],
    ['/a\0b', 'must not contain a NUL character'],
  ])('keyPathProblem(%j) is %j', (path, problem) => {
    expect(keyPathProblem(path)).toBe(problem);
  });

  it('parentPath goes one level up, to / at the top', () => {
    expect(parentPath('/a/b/c')).toBe('/a/b');
    expect(parentPath('/a')).toBe('/');
  });

  it('isUnder compares whole segments', () => {
    expect(isUnder('/a/b', '/a')).toBe(true);
    expect(isUnder('/a', '/a')).toBe(true);
    expect(isUnder('/ab', '/a')).toBe(false);
    expect(isUnder('/anything', '/')).toBe(true);
  });

  it('normalizePrefixes drops prefixes another one covers, and trailing slashes', () => {
    expect(normalizePrefixes(['/calico/v1/policy', '/calico/v1', '/calico/v1/config/'])).toEqual([
      '/calico/v1',
    ]);
    expect(normalizePrefixes(['/b', '/a/', '/ab'])).toEqual(['/a', '/ab', '/b']);
    expect(normalizePrefixes(['/x', '/'])).toEqual(['/']);
  });

  it('normalizePrefixes names the option it refuses', () => {
    expect(() => normalizePrefixes([])).toThrow(ValidationError);
    expect(() => normalizePrefixes(['calico'])).toThrow(/prefixes/);
  });
});
