import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from '../../../src/backends/etcd/value-codec.js';
import type { Key } from '../../../src/index.js';
import {
  GlobalConfigKey,
  HostIPKey,
  ParsingDatastoreEntryError,
  PolicyKey,
  ReadyFlagKey,
  ValidationError,
} from '../../../src/index.js';

const PATH = '/calico/v1/policy/tier/default/policy/p';
const decode = (key: Key, text: string | Buffer) =>
  decodeValue(key, typeof text === 'string' ? Buffer.from(text) : text, PATH, '/ns');
const policyKey = new PolicyKey({ name: 'p' });

describe('value codec', () => {
  it("writes structured values as Go's json.Marshal does: <, >, & escaped in strings", () => {
    const value = { order: 1, selector: "a == 'x' && b != '<y>'", note: 'line\u2028sep' };
    const text = encodeValue(policyKey, value);
    expect(text).toBe(
      '{"order":1,"selector":"a == \'x\' \\u0026\\u0026 b != \'\\u003cy\\u003e\'","note":"line\\u2028sep"}',
    );
    expect(JSON.parse(text)).toEqual(value);
    expect(decode(policyKey, text)).toEqual(value);
    expect(encodeValue(policyKey, { a: 'plain' })).toBe('{"a":"plain"}');
  });

  it('writes raw values as bare text and reads them by key type', () => {
    expect(encodeValue(new GlobalConfigKey({ name: 'V' }), '1.10')).toBe('1.10');
    expect(encodeValue(new ReadyFlagKey(), true)).toBe('true');
    expect(encodeValue(new HostIPKey({ hostname: 'h' }), '10.0.0.1')).toBe('10.0.0.1');
    expect(decode(new ReadyFlagKey(), 'true')).toBe(true);
    expect(decode(new ReadyFlagKey(), 'yes')).toBe(false);
    expect(decode(new HostIPKey({ hostname: 'h' }), 'nope')).toBeNull();
    expect(decode(new GlobalConfigKey({ name: 'V' }), '{not json')).toBe('{not json');
    // U+FFFD is a character like any other when its bytes are valid UTF-8.
    expect(decode(policyKey, '{"selector":"\uFFFD"}')).toEqual({ selector: '\uFFFD' });
  });

  it('refuses values without an encoding, naming the field and the key', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const [key, value] of [
      [policyKey, cycle],
      [policyKey, { n: 1n }],
      [policyKey, () => 1],
      [new ReadyFlagKey(), 'true'],
    ] as const) {
      const err = (() => {
        try {
          return encodeValue(key, value);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).identifier).toBe(key);
      expect((err as Error).message).toContain('error with field value');
    }
  });

  it('reports bytes that are not UTF-8 or not JSON as parse errors naming the etcd key', () => {
    for (const [bytes, reason, line, col] of [
      [Buffer.from([0x7b, 0xff, 0x7d]), 'not UTF-8 text', undefined, undefined],
      ['{"a":\n  tru}', "unexpected '}'", 2, 6],
    ] as const) {
      let err: unknown;
      try {
        decode(policyKey, bytes);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ParsingDatastoreEntryError);
      expect(err).toMatchObject({
        file: '/ns/calico/v1/policy/tier/default/policy/p',
        rawKey: '/calico/v1/policy/tier/default/policy/p',
        reason,
        line,
        col,
        identifier: policyKey,
      });
    }
  });
});
