import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from '../../../src/backends/etcd/json-position.js';

describe('findJsonSyntaxError', () => {
  it.each([
    ['{"a": }', { reason: "unexpected '}'", line: 1, col: 7 }],
    ['{"order": 1,\n "selector": [unclosed\n', { reason: "unexpected 'u'", line: 2, col: 15 }],
    ['{"a":1', { reason: 'unexpected end of input', line: 1, col: 7 }],
    ['', { reason: 'unexpected end of input', line: 1, col: 1 }],
    ['{"a":1}x', { reason: "unexpected 'x' after the value", line: 1, col: 8 }],
    ['nul', { reason: 'unexpected end of input', line: 1, col: 4 }],
    ['{"a":"\u0001"}', { reason: 'control character U+0001 in a string', line: 1, col: 7 }],
    ['[1,]', { reason: "unexpected ']'", line: 1, col: 4 }],
    ['{"a":"\\x"}', { reason: 'bad escape', line: 1, col: 8 }],
    ['{"a":"\\u12g4"}', { reason: 'bad \\u escape', line: 1, col: 9 }],
    ['{"a":"open', { reason: 'unterminated string', line: 1, col: 11 }],
    ['{\n  "a": 01\n}', { reason: "unexpected '1'", line: 2, col: 9 }],
    ["{'a': 1}", { reason: "unexpected '''", line: 1, col: 2 }],
  ])('finds where %j goes wrong', (text, expected) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(findJsonSyntaxError(text)).toEqual(expected);
  });

  it.each(['{}', '[]', '"s"', '-1.5e+3', ' {"a": [1, true, false, null, "\\u00e9\\n"]} ', '0'])(
    'finds nothing wrong in %j, as JSON.parse',
    (text) => {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(findJsonSyntaxError(text)).toBeUndefined();
    },
  );
});
