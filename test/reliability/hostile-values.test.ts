/**
 * Values that are not plain data, through the Client and the command line (P07): refused with a
 * ValidationError that names the problem (exit 8), before anything is written.
 */
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FileBackend, PathKey, PolicyKey, ValidationError } from '../../src/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { run } from '../cli/memory-io.js';

describe('values that are not plain data (P07)', () => {
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  let deep: unknown = 1;
  for (let i = 0; i < 10_000; i++) deep = { d: deep };

  it.each([
    ['a function', { a: () => 1 }, 'error with field value.a'],
    ['a symbol', { s: Symbol('x') }, 'a symbol is not plain data'],
    ['a BigInt', 12345678901234567890n, 'a BigInt'],
    ['a Map', new Map([['a', 1]]), 'a Map'],
    ['a Set', new Set(['a']), 'a Set'],
    ['a class instance', new (class Widget {})(), 'a Widget is not plain data'],
    ['a circular object', circular, 'value.self'],
    ['a value 10,000 deep', deep, 'nested deeper than 128 levels'],
  ])('%s: ValidationError, nothing written', async (_what, value, message) => {
    const root = await tempDir();
    const client = new FileBackend({ root });
    for (const op of ['create', 'apply'] as const) {
      const err = await client[op]({ key: new PathKey('/v'), value }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toContain(message);
    }
    const policy = await client
      // Not plain data inside a Calico value: refused as such, before the schema looks at it.
      .apply({
        key: new PolicyKey({ name: 'p' }),
        value: { selector: 'all()', annotations: { a: value } } as never,
      })
      .catch((e: unknown) => e);
    expect(policy).toBeInstanceOf(ValidationError);
    await client.close();
    expect(await readdir(root)).toEqual([]);
  });

  it('plain values with shared parts still round-trip', async () => {
    const root = await tempDir();
    const client = new FileBackend({ root });
    const shared = { port: 53 };
    await client.create({ key: new PathKey('/v'), value: { a: shared, b: [shared, shared] } });
    expect((await client.get(new PathKey('/v'))).value).toEqual({
      a: { port: 53 },
      b: [{ port: 53 }, { port: 53 }],
    });
    await client.close();
  });

  it('the CLI: YAML that gives a non-plain value (!!binary, a YAML 1.1 set or date) exits 8', async () => {
    const root = await tempDir();
    for (const text of ['!!binary aGVsbG8=', '%YAML 1.1\n---\ns: !!set {a, b}\n']) {
      const result = await run(['--root', root, 'apply', '/v', '-f', '-'], { stdin: text });
      expect(result.code, result.stderr).toBe(8);
      expect(result.stderr).toContain('is not plain data');
    }
    expect(await readdir(root)).toEqual([]);
  });
});
