/**
 * Values <-> YAML text. Structured values are YAML documents with Calico's field names; raw
 * values (strings, bools, IPs) are YAML scalars, read with the failsafe schema so that `1.10`
 * stays the string "1.10". A Calico value is checked against its schema on the way in.
 */
import type { Document } from 'yaml';
import { parseDocument, stringify } from 'yaml';
import type { ValueKind } from '../../model/key.js';
import { checkAgainst } from '../../model/value-check.js';
import { formatIssue } from '../../model/value-issues.js';
import { parseStoredAs } from '../../model/value-read.js';
import type { ValueTypeName } from '../../model/value-schemas.js';
import { decodeRawValue, encodeRawValue } from '../../model/values.js';
import { fieldPosition } from './yaml-positions.js';

/** Why a text did not decode, with a 1-based position where YAML gives one. */
export interface DecodeFailure {
  message: string;
  line?: number;
  col?: number;
}

export type Decoded = { ok: true; value: unknown } | { ok: false; failure: DecodeFailure };

export type DecodedText = { ok: true; text: string } | { ok: false; failure: DecodeFailure };

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** C0 controls other than tab, LF and CR, and DEL: YAML does not allow them, binary files have them. */
const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/** The file's text, or why it is not YAML text at all (invalid UTF-8, control characters). */
export function decodeText(bytes: Uint8Array): DecodedText {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, failure: { message: 'not a text file: invalid UTF-8' } };
  }
  const bad = FORBIDDEN.exec(text);
  if (bad === null) return { ok: true, text };
  const before = text.slice(0, bad.index).split('\n');
  const code = bad[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase();
  return {
    ok: false,
    failure: {
      message: `not a text file: control character U+${code}`,
      line: before.length,
      col: (before.at(-1)?.length ?? 0) + 1,
    },
  };
}

/** Alias expansion limit: a YAML alias bomb fails instead of eating memory. */
const MAX_ALIAS_COUNT = 100;

export function encodeValue(kind: ValueKind, value: unknown): string {
  if (kind === 'structured') return stringify(value, { aliasDuplicateObjects: false });
  const text = encodeRawValue(kind, value);
  // A bool is written bare (`true`); a string is quoted where YAML would read it as another type.
  return kind === 'raw-bool' ? `${text}\n` : stringify(text);
}

/**
 * The YAML document of a value's text, parsed the way the decoder reads it. Exported so that the
 * editor (yaml-edit.ts) sees the same nodes, and checks its output with the same reading.
 */
export function parseValueDocument(kind: ValueKind, text: string): Document.Parsed {
  const raw = kind !== 'structured';
  return parseDocument(text, { logLevel: 'error', ...(raw ? { schema: 'failsafe' } : {}) });
}

/** The plain value of a document from parseValueDocument (no schema applied), or why it has none. */
export function decodeDocument(kind: ValueKind, doc: Document.Parsed): Decoded {
  const parsed = documentValue(kind, doc);
  if (!parsed.ok) return parsed;
  if (kind === 'structured') return { ok: true, value: parsed.value };
  return { ok: true, value: decodeRawValue(kind, parsed.value as string) };
}

/**
 * A value from its YAML text. With the key's `valueType`, a structured value is read as Go
 * reads it into Calico's struct (see model/value-read.ts): a field of the wrong type is a
 * failure at that field's line and column; missing and null fields get zero values.
 */
export function decodeValue(kind: ValueKind, text: string, valueType?: ValueTypeName): Decoded {
  const parsed = parseValue(kind, text);
  if (!parsed.ok) return parsed;
  const { doc, value } = parsed;
  if (kind !== 'structured') return { ok: true, value: decodeRawValue(kind, value as string) };
  if (valueType === undefined) return { ok: true, value };
  const stored = parseStoredAs(valueType, value);
  if (stored.ok) return stored;
  const [first, ...more] = stored.issues;
  const message = `${first === undefined ? 'invalid value' : formatIssue(first)}${
    more.length === 0 ? '' : ` (and ${more.length} more)`
  }`;
  return { ok: false, failure: { message, ...fieldPosition(doc, text, first?.path ?? []) } };
}

/**
 * Every problem of a value's YAML text as `kvdir check` reports it: what a write of the value
 * would refuse. A raw bool must be `true` or `false` and a raw IP an address (a read would
 * quietly take them as false and null); a structured value must fit its type exactly: required
 * fields present, no nulls the type does not have, and no unknown fields (a typo such as
 * `selecter:`), each at its own line and column.
 */
export function checkValueText(
  kind: ValueKind,
  text: string,
  valueType?: ValueTypeName,
): DecodeFailure[] {
  const parsed = parseValue(kind, text);
  if (!parsed.ok) return [parsed.failure];
  const { doc, value } = parsed;
  if (kind !== 'structured') {
    const problem = rawProblem(kind, value as string);
    return problem === undefined ? [] : [{ message: problem, ...fieldPosition(doc, text, []) }];
  }
  if (valueType === undefined) return [];
  return checkAgainst(valueType, value).map((issue) => ({
    message: formatIssue(issue),
    ...fieldPosition(doc, text, issue.path, issue.message === UNKNOWN_FIELD),
  }));
}

/** Why a raw value's text is not what a write of its kind gives, or undefined. */
function rawProblem(kind: Exclude<ValueKind, 'structured'>, text: string): string | undefined {
  const fits =
    kind === 'raw-bool'
      ? text === 'true' || text === 'false'
      : checkAgainst(kind, decodeRawValue(kind, text)).length === 0;
  if (fits) return undefined;
  const must = kind === 'raw-bool' ? 'must be true or false' : 'must be an IP address';
  return `${must}, not ${JSON.stringify(text)}`;
}

type Parsed = { ok: true; doc: Document; value: unknown } | { ok: false; failure: DecodeFailure };

const UNKNOWN_FIELD = 'unknown field';

/** The YAML document and its value (a raw value as its text); null for an empty document. */
function parseValue(kind: ValueKind, text: string): Parsed {
  return documentValue(kind, parseValueDocument(kind, text));
}

function documentValue(kind: ValueKind, doc: Document.Parsed): Parsed {
  const raw = kind !== 'structured';
  const error = doc.errors[0];
  if (error !== undefined) {
    const pos = error.linePos?.[0];
    const message = (error.message.split('\n')[0] ?? error.code).replace(
      / at line \d+, column \d+:?$/,
      '',
    );
    return { ok: false, failure: { message, ...pos } };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return { ok: false, failure: { message: (err as Error).message } };
  }
  if (!raw) return { ok: true, doc, value: value ?? null };
  if (value !== null && value !== undefined && typeof value !== 'string') {
    return { ok: false, failure: { message: 'expected a scalar value', line: 1, col: 1 } };
  }
  return { ok: true, doc, value: typeof value === 'string' ? value : '' };
}
