/**
 * Small, pure IP and CIDR parsing: what libcalico-go's `net.ParseIP` and `net.ParseCIDR` give,
 * enough to build and parse key paths. A malformed address gives null, never an exception.
 */

export type IPVersion = 4 | 6;

/** A parsed IP address: its version and its bytes (4 or 16). */
export interface ParsedIP {
  readonly version: IPVersion;
  readonly bytes: readonly number[];
}

/** A parsed CIDR, normalized to its network address as Go's `net.ParseCIDR` does. */
export interface ParsedCidr {
  readonly version: IPVersion;
  /** The network address, in canonical text form. */
  readonly ip: string;
  readonly prefixLength: number;
  /** `ip/prefixLength`, e.g. `10.0.0.0/8` or `fd00::/64`. */
  readonly text: string;
}

const IPV4_PART = /^(0|[1-9][0-9]{0,2})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;
const PREFIX = /^[0-9]{1,3}$/;

/** Parses a dotted-quad IPv4 address (no leading zeros) or an IPv6 address (no zone). */
export function parseIP(text: string): ParsedIP | null {
  if (text.includes(':')) {
    const bytes = parseIPv6(text);
    return bytes === null ? null : { version: 6, bytes };
  }
  const bytes = parseIPv4(text);
  return bytes === null ? null : { version: 4, bytes };
}

function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!IPV4_PART.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    bytes.push(n);
  }
  return bytes;
}

function parseIPv6(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '', true) : [];
  if (head === null || tail === null) return null;
  const missing = 16 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 2) return null;
  return [...head, ...new Array<number>(halves.length === 1 ? 0 : missing).fill(0), ...tail];
}

/** The bytes of colon-separated groups; the last group may be an IPv4 address if allowed. */
function parseGroups(text: string, ipv4Last: boolean): number[] | null {
  if (text === '') return [];
  const groups = text.split(':');
  const bytes: number[] = [];
  for (const [i, group] of groups.entries()) {
    if (ipv4Last && i === groups.length - 1 && group.includes('.')) {
      const v4 = parseIPv4(group);
      if (v4 === null) return null;
      bytes.push(...v4);
    } else if (IPV6_GROUP.test(group)) {
      const n = parseInt(group, 16);
      bytes.push(n >> 8, n & 0xff);
    } else {
      return null;
    }
  }
  return bytes;
}

/** Canonical text: dotted quad for IPv4, RFC 5952 for IPv6 (as Go prints it). */
export function formatIP(ip: ParsedIP): string {
  if (ip.version === 4) return ip.bytes.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip.bytes[i] ?? 0) << 8) | (ip.bytes[i + 1] ?? 0));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${ip.bytes.slice(12).join('.')}`;
  }
  const [start, length] = longestZeroRun(groups);
  const hex = groups.map((g) => g.toString(16));
  if (length < 2) return hex.join(':');
  return `${hex.slice(0, start).join(':')}::${hex.slice(start + length).join(':')}`;
}

/** The first longest run of zero groups, as [start, length]. */
function longestZeroRun(groups: readonly number[]): [number, number] {
  let best: [number, number] = [-1, 0];
  let start = -1;
  for (let i = 0; i <= groups.length; i++) {
    if (i < groups.length && groups[i] === 0) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start > best[1]) best = [start, i - start];
      start = -1;
    }
  }
  return best;
}

/** Parses `ip/prefix`; the address is masked to the network address. Null if malformed. */
export function parseCidr(text: string): ParsedCidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const ip = parseIP(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (ip === null || !PREFIX.test(prefixText)) return null;
  const prefixLength = Number(prefixText);
  if (prefixLength > ip.bytes.length * 8) return null;
  const network = { version: ip.version, bytes: maskBytes(ip.bytes, prefixLength) };
  const canonical = formatIP(network);
  return { version: ip.version, ip: canonical, prefixLength, text: `${canonical}/${prefixLength}` };
}

function maskBytes(bytes: readonly number[], prefixLength: number): number[] {
  return bytes.map((byte, i) => {
    const bits = Math.min(8, Math.max(0, prefixLength - i * 8));
    return byte & ((0xff << (8 - bits)) & 0xff);
  });
}

/** A CIDR as one path segment: its `/` becomes `-` (`10.0.0.0/8` -> `10.0.0.0-8`). */
export function cidrToSegment(cidr: ParsedCidr): string {
  return cidr.text.replace('/', '-');
}

/** The reverse of {@link cidrToSegment}: the first `-` becomes `/`. Null if malformed. */
export function cidrFromSegment(segment: string): ParsedCidr | null {
  return parseCidr(segment.replace('-', '/'));
}
