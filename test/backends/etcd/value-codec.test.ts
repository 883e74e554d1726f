import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from '../../../src/backends/etcd/value-codec.js';
import {
  GlobalConfigKey,
  HostIPKey,
  ParsingDatastoreEntryError,
  PolicyKey,
  ReadyFlagKey,
  ValidationError,
} from '../../../src/index.js';

const stored = (text: string | Buffer) => ({
  path: '/calico/v1/policy/tier/default/policy/p',
  etcdKey: '/ns/calico/v1/policy/tier/default/policy/p',
  bytes: typeof text === 'string' ? Buffer.from(text) : text,
});
const policyKey = new PolicyKey({ name: 'p' });

describe('value codec', () => {
  it("writes structured values as Go's json.Marshal does: <, >, & escaped in strings", () => {
    const value = { order: 1, selector: "a == 'x' && b != '<y>'", note: 'line\u2028sep' };
    const text = encodeValue(policyKey, value);
    expect(text).toBe(
      '{"order":1,"selector":"a == \'x\' \\u0026\\u0026 b != \'\\u003cy\\u003e\'","note":"line\\u2028sep"}',
    );
    expect(JSON.parse(text)).toEqual(value);
    expect(decodeValue(policyKey, stored(text))).toEqual(value);
    expect(encodeValue(policyKey, { a: 'plain' })).toBe('{"a":"plain"}');
  });

  it('writes raw values as bare text and reads them by key type', () => {
    expect(encodeValue(new GlobalConfigKey({ name: 'V' }), '1.10')).toBe('1.10');
    expect(encodeValue(new ReadyFlagKey(), true)).toBe('true');
    expect(encodeValue(new HostIPKey({ hostname: 'h' }), '10.0.0.1')).toBe('10.0.0.1');
    expect(decodeValue(new ReadyFlagKey(), stored('true'))).toBe(true);
    expect(decodeValue(new ReadyFlagKey(), stored('yes'))).toBe(false);
    expect(decodeValue(new HostIPKey({ hostname: 'h' }), stored('nope'))).toBeNull();
    expect(decodeValue(new GlobalConfigKey({ name: 'V' }), stored('{not json'))).toBe('{not json');
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
        decodeValue(policyKey, stored(bytes));
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
