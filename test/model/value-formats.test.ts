/**
 * The text formats' patterns (what editors check too) agree with kvdir's own parsers of IPs
 * and CIDRs, on addresses of every shape and on near-misses; MACs, ports and AS numbers as
 * Go's parsers read them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCidr, parseIP } from '../../src/model/cidr.js';
import {
  AS_NUMBER_TEXT_FORMAT,
  IP_FORMAT,
  MAC_FORMAT,
  NET_FORMAT,
  PORT_TEXT_FORMAT,
} from '../../src/model/value-formats.js';

const ip = new RegExp(IP_FORMAT.pattern);
const net = new RegExp(NET_FORMAT.pattern);
const mac = new RegExp(MAC_FORMAT.pattern);
const port = new RegExp(PORT_TEXT_FORMAT.pattern);
const asNumber = new RegExp(AS_NUMBER_TEXT_FORMAT.pattern);

const address = fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended());
/** Strings made of the characters addresses are made of: mostly near-misses. */
const addressLike = fc.string({
  unit: fc.constantFrom(...'0123456789abcdefABCDEF:./'.split('')),
  maxLength: 45,
});
const withPrefix = fc
  .tuple(fc.oneof(address, addressLike), fc.integer({ min: 0, max: 200 }), fc.boolean())
  .map(([text, prefix, pad]) => `${text}/${pad ? String(prefix).padStart(3, '0') : prefix}`);

describe('IP and CIDR patterns', () => {
  it('match exactly the addresses parseIP reads', () => {
    fc.assert(
      fc.property(fc.oneof(address, addressLike), (text) => {
        expect(ip.test(text)).toBe(parseIP(text) !== null);
      }),
      { numRuns: 5000 },
    );
  });

  it('match exactly the CIDRs parseCidr reads, or an address', () => {
    fc.assert(
      fc.property(fc.oneof(address, addressLike, withPrefix), (text) => {
        expect(net.test(text)).toBe(parseCidr(text) !== null || parseIP(text) !== null);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['::', true],
    ['::1', true],
    ['1::', true],
    ['1:2:3:4:5:6:7::', true],
    ['::2:3:4:5:6:7:8', true],
    ['1:2:3:4:5:6:7:8', true],
    ['1:2:3:4:5:6:7:8::', false],
    ['::ffff:10.0.0.1', true],
    ['1:2:3:4:5:6:10.0.0.1', true],
    ['1::2::3', false],
    ['10.0.0.01', false],
    ['10.0.0', false],
  ])('%s is an IP: %s', (text, expected) => {
    expect(ip.test(text)).toBe(expected);
    expect(parseIP(text) !== null).toBe(expected);
  });
});

describe('MAC, port and AS number patterns', () => {
  it.each([
    ['00:00:5e:00:53:01', true],
    ['02:00:5E:10:00:00:00:01', true],
    ['00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01', true],
    ['00-00-5e-00-53-01', true],
    ['0000.5e00.5301', true],
    ['0200.5e10.0000.0001', true],
    ['00:00:5e:00:53', false],
    ['00:00:5e-00:53:01', false],
    ['0:0:5e:0:53:1', false],
    ['', false],
  ])('MAC %j: %s', (text, expected) => {
    expect(mac.test(text)).toBe(expected);
  });

  it.each([
    ['80', true],
    ['0', true],
    ['65535', true],
    ['065535', true],
    ['1000:2000', true],
    ['65536', false],
    ['1000:', false],
    ['http', false],
    ['-1', false],
  ])('port text %j: %s', (text, expected) => {
    expect(port.test(text)).toBe(expected);
  });

  it.each([
    ['64512', true],
    ['1.10', true],
    ['65535.65535', true],
    ['65536.1', false],
    ['AS64512', false],
  ])('AS number text %j: %s', (text, expected) => {
    expect(asNumber.test(text)).toBe(expected);
  });
});
