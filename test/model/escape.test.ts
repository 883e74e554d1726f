import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeName, unescapeName } from '../../src/index.js';

describe('escapeName / unescapeName', () => {
  it.each([
    ['plain', 'plain'],
    ['a/b', 'a%2fb'],
    ['a%b', 'a%25b'],
    ['%2f', '%252f'],
    ['/%/', '%2f%25%2f'],
    ['%25', '%2525'],
    ['', ''],
    ['ünï/cødé', 'ünï%2fcødé'],
  ])('%s <-> %s', (name, escaped) => {
    expect(escapeName(name)).toBe(escaped);
    expect(unescapeName(escaped)).toBe(name);
  });

  it('escapes % before / so that the result never holds a /', () => {
    expect(escapeName('a/b/c')).not.toContain('/');
  });

  it('accepts %2F as well as %2f', () => {
    expect(unescapeName('foo%2Fbar')).toBe('foo/bar');
  });

  it('decodes in one pass: %252f is %2f, not /', () => {
    expect(unescapeName('%252f')).toBe('%2f');
    expect(unescapeName('%25%2f')).toBe('%/');
  });

  it('keeps other % sequences as they are', () => {
    expect(unescapeName('100%')).toBe('100%');
    expect(unescapeName('a%41b')).toBe('a%41b');
  });

  it('round-trips any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (name) => {
        const escaped = escapeName(name);
        expect(escaped).not.toContain('/');
        expect(unescapeName(escaped)).toBe(name);
      }),
    );
  });
});
