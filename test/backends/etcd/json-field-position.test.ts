import { describe, expect, it } from 'vitest';
import { jsonFieldPosition } from '../../../src/backends/etcd/json-field-position.js';

const TEXT = '{"order": 10,\n "selector": "a\\"}",\n "rules": [\n  {"ports": [80, "http"]}\n ]}';

describe('jsonFieldPosition', () => {
  it.each([
    [[], { line: 1, col: 1 }],
    [['order'], { line: 1, col: 11 }],
    [['selector'], { line: 2, col: 14 }],
    [['rules', 0, 'ports', 1], { line: 4, col: 18 }],
    [['rules', 0, 'ports'], { line: 4, col: 13 }],
    // Missing: the nearest enclosing value.
    [['rules', 0, 'action'], { line: 4, col: 3 }],
    [['rules', 5], { line: 3, col: 11 }],
    [['nothing', 'here'], { line: 1, col: 1 }],
  ] as const)('places %j', (path, expected) => {
    expect(jsonFieldPosition(TEXT, path)).toEqual(expected);
  });

  it('reads names with escapes, and stays on the path past siblings of the same name', () => {
    const text = '{"a": {"x": 1}, "\\u0062": {"a": {"x": 2}}}';
    expect(jsonFieldPosition(text, ['b', 'a', 'x'])).toEqual({ line: 1, col: 39 });
    expect(text.slice(38, 39)).toBe('2');
  });
});
