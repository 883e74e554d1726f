import { describe, expect, it } from 'vitest';
import { KeySpace, isEtcdRevision, prefixRange } from '../../../src/backends/etcd/key-space.js';

describe('KeySpace', () => {
  it('maps a key path to namespace + path and back, with Calico escaping untouched', () => {
    const keys = new KeySpace('/tenant-é');
    const etcdKey = keys.key('/calico/v1/policy/tier/default/policy/a%2fb');
    expect(etcdKey.toString('utf8')).toBe('/tenant-é/calico/v1/policy/tier/default/policy/a%2fb');
    expect(keys.path(etcdKey)).toBe('/calico/v1/policy/tier/default/policy/a%2fb');
    expect(new KeySpace('').key('/a').toString()).toBe('/a');
  });

  it("takes the keys strictly below a path with the prefix path + '/', never path alone", () => {
    const below = new KeySpace('/ns').below('/apps/web');
    expect(below.key.toString()).toBe('/ns/apps/web/');
    expect(below.range_end.toString()).toBe('/ns/apps/web0');
    for (const inside of ['/ns/apps/web/', '/ns/apps/web/x', '/ns/apps/web/\u{10ffff}']) {
      expect(Buffer.compare(Buffer.from(inside), below.key)).toBeGreaterThanOrEqual(0);
      expect(Buffer.compare(Buffer.from(inside), below.range_end)).toBeLessThan(0);
    }
    for (const outside of ['/ns/apps/web', '/ns/apps/webby', '/ns/apps/web-x', '/ns/apps/web0']) {
      const inRange =
        Buffer.compare(Buffer.from(outside), below.key) >= 0 &&
        Buffer.compare(Buffer.from(outside), below.range_end) < 0;
      expect(inRange, outside).toBe(false);
    }
    expect(new KeySpace('').below('/').key.toString()).toBe('/');
  });

  it('ends a prefix range after trailing 0xff bytes, or at etcd\'s "\\0" for all of them', () => {
    expect(prefixRange(Buffer.from([0x61, 0xff, 0xff])).range_end).toEqual(Buffer.from([0x62]));
    expect(prefixRange(Buffer.from([0xff])).range_end).toEqual(Buffer.from([0]));
  });
});

describe('isEtcdRevision', () => {
  it.each([
    ['1', true],
    ['42', true],
    ['9223372036854775807', true],
    ['9223372036854775808', false],
    ['0', false],
    ['007', false],
    ['-1', false],
    ['1.5', false],
    ['3f9a61c0b2d4.7', false],
    ['', false],
    [' 1', false],
  ])('%j -> %s', (revision, expected) => {
    expect(isEtcdRevision(revision)).toBe(expected);
  });
});
