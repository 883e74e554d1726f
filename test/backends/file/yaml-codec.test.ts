import { describe, expect, it } from 'vitest';
import {
  MAX_NESTING,
  decodeValue,
  encodeValue,
  parseYaml,
} from '../../../src/backends/file/yaml-codec.js';

describe('codec', () => {
  it('round-trips structured values', () => {
    const value = {
      order: 10,
      selector: "a == 'b'",
      inbound_rules: [{ action: 'allow', dst_ports: [53] }],
    };
    expect(decodeValue('structured', encodeValue('structured', value))).toEqual({
      ok: true,
      value,
    });
  });

  it.each([
    ['raw-string', '1.10', '1.10'],
    ['raw-string', 'true', 'true'],
    ['raw-string', '', ''],
    ['raw-string', 'multi\nline', 'multi\nline'],
    ['raw-bool', true, true],
    ['raw-bool', false, false],
    ['raw-ip', '10.0.0.1', '10.0.0.1'],
    ['raw-ip', 'fd00::1', 'fd00::1'],
  ] as const)('round-trips %s %j', (kind, value, back) => {
    expect(decodeValue(kind, encodeValue(kind, value))).toEqual({ ok: true, value: back });
  });

  it('reads hand-written raw scalars as their text', () => {
    expect(decodeValue('raw-string', '1.10\n')).toEqual({ ok: true, value: '1.10' });
    expect(decodeValue('raw-bool', 'yes\n')).toEqual({ ok: true, value: false });
    expect(decodeValue('raw-ip', 'nope\n')).toEqual({ ok: true, value: null });
  });

  it('gives line and column for YAML that does not parse', () => {
    const result = decodeValue('structured', 'a: 1\nb: [x\n');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.failure.line).toBeGreaterThanOrEqual(2);
      expect(result.failure.col).toEqual(expect.any(Number));
    }
  });

  it('refuses a mapping where a raw value belongs', () => {
    expect(decodeValue('raw-string', 'a: 1\n').ok).toBe(false);
  });

  it('stops an alias bomb instead of expanding it', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'
        .split('')
        .map((l, i) => `${l}: &${l} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ].join('\n');
    expect(decodeValue('structured', bomb).ok).toBe(false);
  });

  it('reads an empty file as null', () => {
    expect(decodeValue('structured', '')).toEqual({ ok: true, value: null });
    expect(decodeValue('structured', '# only a comment\n')).toEqual({ ok: true, value: null });
  });
});

describe('codec: text', () => {
  it('accepts UTF-8 text with tabs and CRLF', async () => {
    const { decodeText } = await import('../../../src/backends/file/yaml-codec.js');
    expect(decodeText(Buffer.from('a:\t1\r\nb: é\n'))).toEqual({
      ok: true,
      text: 'a:\t1\r\nb: é\n',
    });
  });

  it('refuses invalid UTF-8 and control characters, with their position', async () => {
    const { decodeText } = await import('../../../src/backends/file/yaml-codec.js');
    expect(decodeText(Buffer.from([0x61, 0xff, 0xfe]))).toMatchObject({
      ok: false,
      failure: { message: 'not a text file: invalid UTF-8' },
    });
    expect(decodeText(Buffer.from('a: 1\nbb\0'))).toEqual({
      ok: false,
      failure: { message: 'not a text file: control character U+0000', line: 2, col: 3 },
    });
  });
});

describe('parseYaml: limits', () => {
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it(`accepts ${MAX_NESTING} levels of nesting and refuses one more, with the position`, () => {
    expect(parseYaml(nested(MAX_NESTING)).ok).toBe(true);
    expect(parseYaml(nested(MAX_NESTING + 1))).toEqual({
      ok: false,
      failure: { message: `nested deeper than ${MAX_NESTING} levels`, line: 1, col: 129 },
    });
  });

  it('counts block nesting too: compact sequences and indented maps', () => {
    expect(parseYaml(`${'- '.repeat(MAX_NESTING + 1)}x\n`).ok).toBe(false);
    const block = Array.from({ length: MAX_NESTING + 1 }, (_, i) => `${' '.repeat(i)}a:`).join(
      '\n',
    );
    expect(parseYaml(`${block} 1\n`)).toMatchObject({ ok: false, failure: { line: 129 } });
    expect(parseYaml(`${block.split('\n').slice(0, MAX_NESTING).join('\n')} 1\n`).ok).toBe(true);
  });

  it('finds duplicate keys in nested, flow and sequence maps, where yaml would', () => {
    expect(parseYaml('a:\n  b: 1\n  c: 2\n  b: 3\n')).toEqual({
      ok: false,
      failure: { message: 'Map keys must be unique', line: 4, col: 3 },
    });
    expect(parseYaml('x: [{a: 1, a: 2}]\n')).toMatchObject({ ok: false, failure: { line: 1 } });
    expect(parseYaml('- a: 1\n- a: 2\n  a: 3\n')).toMatchObject({
      ok: false,
      failure: { line: 3 },
    });
    // Equal as values, as yaml compares them: 1 and 1.0 are one key, 1 and "1" are two.
    expect(parseYaml('1: a\n1.0: b\n').ok).toBe(false);
    expect(parseYaml('1: a\n"1": b\n').ok).toBe(true);
    expect(parseYaml('a: 1\nb: 1\n')).toEqual({ ok: true, value: { a: 1, b: 1 } });
  });

  it('says when there is no document, and refuses more than one', () => {
    expect(parseYaml('')).toEqual({ ok: true, value: undefined });
    expect(parseYaml('# only a comment\n')).toEqual({ ok: true, value: undefined });
    expect(parseYaml('~')).toEqual({ ok: true, value: null });
    expect(parseYaml('a: 1\n---\nb: 2\n')).toEqual({
      ok: false,
      failure: {
        message: 'one document per key: a second YAML document starts here',
        line: 2,
        col: 1,
      },
    });
  });

  it('decodes bytes strictly, as a value file', () => {
    expect(parseYaml(Buffer.from([0x61, 0x3a, 0x20, 0xff]))).toMatchObject({
      ok: false,
      failure: { message: 'not a text file: invalid UTF-8' },
    });
    expect(parseYaml(Buffer.from('a: é\n'))).toEqual({ ok: true, value: { a: 'é' } });
  });
});
