/**
 * Values <-> YAML text. Structured values are YAML documents with Calico's field names; raw
 * values (strings, bools, IPs) are YAML scalars, read with the failsafe schema so that `1.10`
 * stays the string "1.10".
 */
import { parseDocument, stringify } from 'yaml';
import type { Document } from 'yaml';
import type { ValueKind } from '../../model/key.js';
import { decodeRawValue, encodeRawValue } from '../../model/values.js';

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

export function decodeValue(kind: ValueKind, text: string): Decoded {
  return decodeDocument(kind, parseValueDocument(kind, text));
}

/** The value of a document from parseValueDocument, or why it has none. */
export function decodeDocument(kind: ValueKind, doc: Document.Parsed): Decoded {
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
  if (!raw) return { ok: true, value: value ?? null };
  if (value !== null && value !== undefined && typeof value !== 'string') {
    return { ok: false, failure: { message: 'expected a scalar value', line: 1, col: 1 } };
  }
  return { ok: true, value: decodeRawValue(kind, typeof value === 'string' ? value : '') };
}
