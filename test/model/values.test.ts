import { describe, expect, it } from 'vitest';
import {
  ValidationError,
  decodeRawValue,
  encodeRawValue,
  isRawValueKind,
} from '../../src/index.js';

describe('decodeRawValue', () => {
  it('gives a raw string as it is', () => {
    expect(decodeRawValue('raw-string', 'info')).toBe('info');
    expect(decodeRawValue('raw-string', '')).toBe('');
    expect(decodeRawValue('raw-string', '1.10')).toBe('1.10');
  });

  it.each([
    ['true', true],
    ['false', false],
    ['True', false],
    ['TRUE', false],
    ['1', false],
    ['yes', false],
    ['', false],
    [' true', false],
  ])('raw bool %j is %s', (text, value) => {
    expect(decodeRawValue('raw-bool', text)).toBe(value);
  });

  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['2001:db8::1', '2001:db8::1'],
    ['not-an-ip', null],
    ['10.0.0.256', null],
    ['', null],
    ['10.0.0.0/8', null],
  ])('raw IP %j is %j', (text, value) => {
    expect(decodeRawValue('raw-ip', text)).toBe(value);
  });
});

describe('encodeRawValue', () => {
  it('encodes each raw kind as its scalar text', () => {
    expect(encodeRawValue('raw-string', 'info')).toBe('info');
    expect(encodeRawValue('raw-bool', true)).toBe('true');
    expect(encodeRawValue('raw-bool', false)).toBe('false');
    expect(encodeRawValue('raw-ip', '192.168.0.1')).toBe('192.168.0.1');
    expect(encodeRawValue('raw-ip', 'fd00::1')).toBe('fd00::1');
  });

  it.each([
    ['raw-string', 42],
    ['raw-string', undefined],
    ['raw-bool', 'true'],
    ['raw-bool', 1],
    ['raw-ip', 'nope'],
    ['raw-ip', 167772161],
  ] as const)('%s rejects %j with a ValidationError naming value', (kind, value) => {
    let caught: unknown;
    try {
      encodeRawValue(kind, value);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).erroredFields[0]?.name).toBe('value');
    expect((caught as ValidationError).message).toContain('error with field value = ');
  });

  it('round-trips through decodeRawValue', () => {
    expect(decodeRawValue('raw-bool', encodeRawValue('raw-bool', true))).toBe(true);
    expect(decodeRawValue('raw-ip', encodeRawValue('raw-ip', '10.1.1.1'))).toBe('10.1.1.1');
  });

  it('tells raw kinds from structured', () => {
    expect(isRawValueKind('raw-string')).toBe(true);
    expect(isRawValueKind('raw-bool')).toBe(true);
    expect(isRawValueKind('raw-ip')).toBe(true);
    expect(isRawValueKind('structured')).toBe(false);
  });
});
