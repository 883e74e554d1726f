/**
 * The text formats inside Calico values, as JSON Schema `pattern`s (ECMAScript regular
 * expressions): what Go's unmarshalling of `net.IP`, `net.IPNet`, `net.MAC`, a port and an AS
 * number accepts, so a value Go could not read is refused here too. They are patterns rather
 * than code so that the JSON Schema files an editor loads check the same thing. The address
 * patterns agree with `parseIP`/`parseCidr` (cidr.ts), which a property test proves.
 */

const HEX = '[0-9a-fA-F]{1,4}';
/** 0-255 without leading zeros, as parseIP reads a dotted quad. */
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = `(?:${OCTET}\\.){3}${OCTET}`;

/** `count` groups `h:h:...` (no trailing colon), or nothing for 0. */
function groups(count: number): string {
  if (count === 0) return '';
  return count === 1 ? HEX : `${HEX}(?::${HEX}){${count - 1}}`;
}

/**
 * IPv6 without a zone: eight groups, or `::` standing for at least one group of zeros between
 * `head` and at most `7 - head` further groups; the last 32 bits may be written as IPv4.
 * Spelled out per head length, because a regular expression cannot count groups otherwise.
 */
function ipv6(): string {
  const forms = [`${groups(8)}`, `(?:${HEX}:){6}${IPV4}`];
  for (let head = 0; head <= 7; head++) {
    const tail = 7 - head;
    const after = tail === 0 ? '' : `(?:${HEX}(?::${HEX}){0,${tail - 1}})?`;
    forms.push(`${groups(head)}::${after}`);
  }
  for (let head = 0; head <= 5; head++) {
    const tail = 5 - head;
    forms.push(`${groups(head)}::(?:${HEX}:){0,${tail}}${IPV4}`);
  }
  return `(?:${forms.join('|')})`;
}

const IPV6 = ipv6();
/** A prefix length of 1 to 3 digits (leading zeros allowed) up to 32 or 128, as parseCidr reads it. */
const PREFIX_V4 = '(?:[0-9]|[0-2][0-9]|3[0-2]|0[0-2][0-9]|03[0-2])';
const PREFIX_V6 = '(?:[0-9]{1,2}|0[0-9]{2}|1[01][0-9]|12[0-8])';

const MAC_COLON =
  '[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}(?:(?::[0-9a-fA-F]{2}){2}|(?::[0-9a-fA-F]{2}){14})?';
const MAC_DASH =
  '[0-9a-fA-F]{2}(?:-[0-9a-fA-F]{2}){5}(?:(?:-[0-9a-fA-F]{2}){2}|(?:-[0-9a-fA-F]{2}){14})?';
const MAC_DOT =
  '[0-9a-fA-F]{4}(?:\\.[0-9a-fA-F]{4}){2}(?:\\.[0-9a-fA-F]{4}|(?:\\.[0-9a-fA-F]{4}){7})?';

/** A format: its pattern, and what a value must be, as an error message ends (`must be ...`). */
export interface TextFormat {
  pattern: string;
  noun: string;
}

/** An IPv4 or IPv6 address (Calico's `net.IP`). */
export const IP_FORMAT: TextFormat = {
  pattern: `^(?:${IPV4}|${IPV6})$`,
  noun: 'an IP address',
};

/** A CIDR, or an IP meaning its host network (Calico's `net.IPNet` reads both). */
export const NET_FORMAT: TextFormat = {
  pattern: `^(?:${IPV4}(?:/${PREFIX_V4})?|${IPV6}(?:/${PREFIX_V6})?)$`,
  noun: 'a CIDR or an IP address',
};

/** A MAC address as Go's `net.ParseMAC` reads it: 6, 8 or 20 octets, `:` `-` or `.` separated. */
export const MAC_FORMAT: TextFormat = {
  pattern: `^(?:${MAC_COLON}|${MAC_DASH}|${MAC_DOT})$`,
  noun: 'a MAC address',
};

/** 0-65535 as Go's `strconv.ParseUint(s, 10, 16)` reads it (leading zeros allowed). */
const UINT16 =
  '0*(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}|0)';

/**
 * A port written as text: a number or a range `min:max` (numorstring.Port). That `min` is not
 * above `max` is left to Calico's validation: no pattern can compare two numbers.
 */
export const PORT_TEXT_FORMAT: TextFormat = {
  pattern: `^${UINT16}(?::${UINT16})?$`,
  noun: 'a range "min:max"',
};

/**
 * An AS number written as text: a number or the dotted `high.low` form (numorstring.ASNumber).
 * The plain form is limited to 10 digits, not to 2^32 - 1: close enough for a pattern.
 */
export const AS_NUMBER_TEXT_FORMAT: TextFormat = {
  pattern: `^(?:[0-9]{1,10}|${UINT16}\\.${UINT16})$`,
  noun: 'an AS number',
};

const BY_PATTERN = new Map(
  [IP_FORMAT, NET_FORMAT, MAC_FORMAT, PORT_TEXT_FORMAT, AS_NUMBER_TEXT_FORMAT].map((format) => [
    format.pattern,
    format.noun,
  ]),
);

/** What a string that fails `pattern` should have been, e.g. `an IP address`. */
export function patternNoun(pattern: string): string | undefined {
  return BY_PATTERN.get(pattern);
}
