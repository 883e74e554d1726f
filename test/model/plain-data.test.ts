import { describe, expect, it } from 'vitest';
import { MAX_NESTING, plainDataProblem } from '../../src/model/plain-data.js';

class Thing {
  a = 1;
}

const circular: Record<string, unknown> = { a: { b: [] } };
(circular.a as { b: unknown[] }).b.push(circular);

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe('plain data (P07)', () => {
  it.each([
    ['a function', { a: () => 1 }, 'value.a', 'a function is not plain data'],
    ['a symbol', [1, Symbol('s')], 'value[1]', 'a symbol is not plain data'],
    ['a BigInt', { n: 12345678901234567890n }, 'value.n', 'a BigInt (write a number or a string)'],
    ['a Map', { 'a b': new Map([['x', 1]]) }, 'value["a b"]', 'a Map (write an object'],
    ['a Set', new Set([1]), 'value', 'a Set (write an array'],
    ['a Date', { when: new Date(0) }, 'value.when', 'a Date (write date.toISOString())'],
    ['a Buffer', { b: Buffer.from('x') }, 'value.b', 'a Buffer'],
    ['a Uint8Array', { b: new Uint8Array(1) }, 'value.b', 'a Uint8Array'],
    ['a class instance', { t: new Thing() }, 'value.t', 'a Thing is not plain data'],
    ['an Error', new Error('x'), 'value', 'an Error is not plain data'],
    ['a circular value', circular, 'value.a.b[0]', 'a circular reference is not plain data'],
    ['a value 10,000 deep', nested(10_000), `value${'[0]'.repeat(MAX_NESTING)}`, 'nested deeper'],
  ])('%s is refused, named where it is', (_what, value, path, reason) => {
    const problem = plainDataProblem(value);
    expect(problem?.path).toBe(path);
    expect(problem?.reason).toContain(reason);
  });

  it.each([
    ['null', null],
    ['a string', 'x'],
    ['numbers, NaN and Infinity', [1, -0, 1.5, Number.NaN, Infinity]],
    ['booleans', [true, false]],
    ['undefined inside', { a: undefined, b: [undefined] }],
    ['an object without a prototype', Object.assign(Object.create(null) as object, { a: 1 })],
    [`${MAX_NESTING} levels`, nested(MAX_NESTING)],
  ])('%s is plain', (_what, value) => {
    expect(plainDataProblem(value)).toBeUndefined();
  });

  it('an object shared by many places is looked at once, and its depth counted where it sits', () => {
    let shared: unknown = { leaf: 1 };
    for (let i = 0; i < 60; i++) shared = [shared, shared];
    expect(plainDataProblem(shared)).toBeUndefined();
    const inner = nested(MAX_NESTING - 1);
    expect(plainDataProblem([inner, [inner]])?.reason).toContain('nested deeper');
  });
});
