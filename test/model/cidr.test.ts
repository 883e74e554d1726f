import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  cidrFromSegment,
  cidrToSegment,
  formatIP,
  parseCidr,
  parseIP,
} from '../../src/model/cidr.js';

describe('parseIP / formatIP', () => {
  it.each([
    ['10.0.0.1', 4, '10.0.0.1'],
    ['0.0.0.0', 4, '0.0.0.0'],
    ['255.255.255.255', 4, '255.255.255.255'],
    ['::', 6, '::'],
    ['::1', 6, '::1'],
    ['2001:DB8:0:0:0:0:0:1', 6, '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', 6, '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', 6, '2001:db8:0:1:1:1:1:1'],
    ['fe80::0001:0:0:0', 6, 'fe80::1:0:0:0'],
    ['1:0:0:2:0:0:0:3', 6, '1:0:0:2::3'],
    ['::ffff:10.1.2.3', 6, '::ffff:10.1.2.3'],
    ['64:ff9b::1.2.3.4', 6, '64:ff9b::102:304'],
  ])('%s is IPv%i, %s', (text, version, canonical) => {
    const ip = parseIP(text);
    expect(ip?.version).toBe(version);
    expect(ip === null ? null : formatIP(ip)).toBe(canonical);
  });

  it.each([
    '',
    '10.0.0',
    '10.0.0.0.1',
    '256.0.0.1',
    '01.2.3.4',
    '1.2.3.-4',
    ' 1.2.3.4',
    '1::2::3',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    '12345::',
    'fe80::1%eth0',
    '1.2.3.4::',
    'g::1',
    ':1',
    '1:',
  ])('%j is not an IP', (text) => {
    expect(parseIP(text)).toBeNull();
  });
});

describe('parseCidr', () => {
  it('normalizes to the network address, as Go does', () => {
    expect(parseCidr('10.1.2.3/8')?.text).toBe('10.0.0.0/8');
    expect(parseCidr('10.1.2.3/32')?.text).toBe('10.1.2.3/32');
    expect(parseCidr('10.1.2.3/0')?.text).toBe('0.0.0.0/0');
    expect(parseCidr('10.1.255.3/17')?.text).toBe('10.1.128.0/17');
    expect(parseCidr('2001:db8:ffff::1/36')?.text).toBe('2001:db8:f000::/36');
    expect(parseCidr('fd00::1/128')).toMatchObject({
      version: 6,
      ip: 'fd00::1',
      prefixLength: 128,
    });
  });

  const notCidrs = [
    '10.0.0.0',
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
  ];
  it.each([...notCidrs, 'x/8', '/8', '10.0.0.0/ 8'])('%j is not a CIDR', (text) => {
    expect(parseCidr(text)).toBeNull();
  });

  it('writes a CIDR as a path segment with - for /', () => {
    const cidr = parseCidr('fd00::/64');
    expect(cidr === null ? null : cidrToSegment(cidr)).toBe('fd00::-64');
    expect(cidrFromSegment('10.0.0.0-8')?.text).toBe('10.0.0.0/8');
    expect(cidrFromSegment('577559')).toBeNull();
  });

  it('round-trips any IPv4 or IPv6 network through its text', () => {
    const v4 = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 }));
    const v6 = fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 }));
    fc.assert(
      fc.property(fc.oneof(v4, v6), ([ip, prefix]) => {
        const cidr = parseCidr(`${ip}/${prefix}`);
        expect(cidr).not.toBeNull();
        if (cidr === null) return;
        expect(parseCidr(cidr.text)).toStrictEqual(cidr);
        expect(cidrFromSegment(cidrToSegment(cidr))).toStrictEqual(cidr);
      }),
    );
  });
});
