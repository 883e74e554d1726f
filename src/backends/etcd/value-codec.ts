/**
 * Values <-> the bytes libcalico-go keeps in etcd (`model.SerializeValue` / `ParseValue`):
 * structured values as JSON with Calico's field names, raw values (strings, bools, IPs) as bare
 * text. Go's `json.Marshal` escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings, so a
 * selector such as `a == 'x' && b == 'y'` is stored as `\u0026\u0026`; kvdir writes the same
 * (any JSON reader decodes both forms alike). A structured value read back is checked against
 * its key's value type as Go's unmarshal would read it (writes are checked in BaseClient).
 */
import { isUtf8 } from 'node:buffer';
import { ParsingDatastoreEntryError, ValidationError } from '../../model/errors.js';
import type { Key, ValueKind } from '../../model/key.js';
import { formatIssue } from '../../model/value-issues.js';
import { parseStoredValue } from '../../model/value-read.js';
import { decodeRawValue, encodeRawValue } from '../../model/values.js';
import { jsonFieldPosition } from './json-field-position.js';
import { findJsonSyntaxError } from './json-position.js';

const GO_ESCAPED = /[<>&\u2028\u2029]/;
const GO_ESCAPED_ALL = /[<>&\u2028\u2029]/g;

/** The value's text as etcd stores it; a value that has no encoding is a ValidationError. */
export function encodeValue(key: Key, value: unknown): string {
  const kind = key.valueKind();
  if (kind !== 'structured') {
    try {
      return encodeRawValue(kind, value);
    } catch (err) {
      throw err instanceof ValidationError ? new ValidationError([...err.erroredFields], key) : err;
    }
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    // A BigInt or a cycle.
    throw invalid(key, value, `cannot be encoded as JSON: ${(err as Error).message}`);
  }
  if (text === undefined) throw invalid(key, value, 'cannot be encoded as JSON');
  return GO_ESCAPED.test(text) ? text.replace(GO_ESCAPED_ALL, goEscape) : text;
}

/**
 * The bytes stored at an etcd key decoded for `key`; throws ParsingDatastoreEntryError naming
 * the etcd key (`namespace + path`, built only then: this runs once per key of a list).
 */
export function decodeValue(key: Key, bytes: Buffer, path: string, namespace: string): unknown {
  const kind: ValueKind = key.valueKind();
  // Buffer's decoder is the fastest; it turns bad bytes into U+FFFD, so only a text holding
  // one needs the strict check.
  const text = bytes.toString('utf8');
  if (text.includes('\uFFFD') && !isUtf8(bytes)) {
    throw parseError(key, path, namespace, text, { reason: 'not UTF-8 text' });
  }
  if (kind !== 'structured') return decodeRawValue(kind, text);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (cause) {
    const found = findJsonSyntaxError(text);
    const detail = found ?? { reason: (cause as Error).message };
    throw parseError(key, path, namespace, text, { ...detail, cause });
  }
  // As libcalico-go's unmarshal into the key's struct: a field of the wrong type fails,
  // missing fields get Go's zero values (model/value-read.ts), as the file backend reads.
  const stored = parseStoredValue(key, value);
  if (stored.ok) return stored.value;
  const [first, ...more] = stored.issues;
  const reason = `${first === undefined ? 'invalid value' : formatIssue(first)}${
    more.length === 0 ? '' : ` (and ${more.length} more)`
  }`;
  throw parseError(key, path, namespace, text, {
    reason,
    ...jsonFieldPosition(text, first?.path ?? []),
  });
}

function parseError(
  key: Key,
  path: string,
  namespace: string,
  rawValue: string,
  detail: { reason: string; line?: number; col?: number; cause?: unknown },
): ParsingDatastoreEntryError {
  return new ParsingDatastoreEntryError({
    rawKey: path,
    rawValue,
    file: namespace + path,
    ...(detail.line === undefined ? {} : { line: detail.line, col: detail.col }),
    reason: detail.reason,
    key,
    cause: detail.cause,
  });
}

function invalid(key: Key, value: unknown, reason: string): ValidationError {
  return new ValidationError([{ name: 'value', value, reason }], key);
}

function goEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
