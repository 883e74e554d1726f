/**
 * Raw values: decoding and encoding of the raw kinds from and to their scalar text. The types
 * of the structured values come from their schemas (value-types.ts, value-schemas.ts).
 */
import { parseIP } from './cidr.js';
import { ValidationError } from './errors.js';
import type { ValueKind } from './key.js';

/** The value kinds stored as a bare scalar. */
export type RawValueKind = Exclude<ValueKind, 'structured'>;

export function isRawValueKind(kind: ValueKind): kind is RawValueKind {
  return kind === 'raw-string' || kind === 'raw-bool' || kind === 'raw-ip';
}

/**
 * Decodes a raw value's scalar text: a string as is; a bool is true only for `true`; an IP is
 * its text if it parses, else null (not an error).
 */
export function decodeRawValue(kind: 'raw-string', text: string): string;
export function decodeRawValue(kind: 'raw-bool', text: string): boolean;
export function decodeRawValue(kind: 'raw-ip', text: string): string | null;
export function decodeRawValue(kind: RawValueKind, text: string): string | boolean | null;
export function decodeRawValue(kind: RawValueKind, text: string): string | boolean | null {
  switch (kind) {
    case 'raw-string':
      return text;
    case 'raw-bool':
      return text === 'true';
    case 'raw-ip':
      return parseIP(text) === null ? null : text;
  }
}

/** Encodes a raw value as its scalar text; a value of the wrong type is a ValidationError. */
export function encodeRawValue(kind: RawValueKind, value: unknown): string {
  switch (kind) {
    case 'raw-string':
      if (typeof value === 'string') return value;
      throw invalidValue(value, 'must be a string');
    case 'raw-bool':
      if (typeof value === 'boolean') return value ? 'true' : 'false';
      throw invalidValue(value, 'must be a boolean');
    case 'raw-ip':
      if (typeof value === 'string' && parseIP(value) !== null) return value;
      throw invalidValue(value, 'must be an IP address');
    default:
      throw invalidValue(value, `no raw encoding for value kind '${String(kind)}'`);
  }
}

function invalidValue(value: unknown, reason: string): ValidationError {
  return new ValidationError([{ name: 'value', value, reason }]);
}
