/**
 * Values <-> YAML text. Structured values are YAML documents with Calico's field names; raw
 * values (strings, bools, IPs) are YAML scalars, read with the failsafe schema so that `1.10`
 * stays the string "1.10". A Calico value is checked against its schema on the way in.
 *
 * `parseYaml` is the one YAML text parser (value files, and the command line's input through
 * the public surface). Text is untrusted, so it is parsed with limits: nesting deeper than
 * MAX_NESTING is refused before `yaml` builds anything (about 1,000 levels make `yaml` crash
 * the process with a V8 fatal error, P08c), and duplicate keys are found here in linear time
 * (`yaml`'s own check compares each key with every earlier one: a 4 MiB map would take half
 * an hour, P27). Aliases expand at most MAX_ALIAS_COUNT times (an alias bomb fails).
 */
import type { Document, Node } from 'yaml';
import {
  CST,
  Composer,
  LineCounter,
  Parser,
  isMap,
  isPair,
  isScalar,
  isSeq,
  stringify,
} from 'yaml';
import type { ValueKind } from '../../model/key.js';
import { MAX_NESTING } from '../../model/plain-data.js';
import { checkAgainst } from '../../model/value-check.js';
import { formatIssue } from '../../model/value-issues.js';
import { parseStoredAs } from '../../model/value-read.js';
import type { ValueTypeName } from '../../model/value-schemas.js';
import { decodeRawValue, encodeRawValue } from '../../model/values.js';
import { fieldPosition } from './yaml-positions.js';
import { NOT_FAST, parseFastYaml, stringifyFast } from './yaml-fast.js';

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
  if (kind === 'structured') {
    // The same text, made about 10x quicker where the value is simple to write (yaml-fast.ts).
    const fast = stringifyFast(value);
    return fast !== NOT_FAST ? fast : stringify(value, { aliasDuplicateObjects: false });
  }
  const text = encodeRawValue(kind, value);
  // A bool is written bare (`true`); a string is quoted where YAML would read it as another type.
  return kind === 'raw-bool' ? `${text}\n` : stringify(text);
}

/** A value file's text as the decoder reads it, with its YAML document (for the editor). */
export type ParsedValue =
  { ok: true; doc: Document.Parsed; value: unknown } | { ok: false; failure: DecodeFailure };

/**
 * The document and plain value (no schema applied) of a value's text, parsed with kvdir's
 * limits exactly as the decoder reads it. Exported so that the editor (yaml-edit.ts) sees the
 * same nodes, and checks its output with the same reading.
 */
export function parseValueDocument(kind: ValueKind, text: string): ParsedValue {
  const parsed = parseValue(kind, text);
  if (!parsed.ok || kind === 'structured') return parsed;
  return { ok: true, doc: parsed.doc, value: decodeRawValue(kind, parsed.value as string) };
}

/**
 * A value from its YAML text. With the key's `valueType`, a structured value is read as Go
 * reads it into Calico's struct (see model/value-read.ts): a field of the wrong type is a
 * failure at that field's line and column; missing and null fields get zero values.
 */
export function decodeValue(kind: ValueKind, text: string, valueType?: ValueTypeName): Decoded {
  if (kind === 'structured') {
    // The subset kvdir writes, read about 10x quicker; a value that fails its schema is read
    // again below so that the failure has `yaml`'s positions.
    const fast = parseFastYaml(text);
    if (fast !== NOT_FAST) {
      if (valueType === undefined) return { ok: true, value: fast };
      const stored = parseStoredAs(valueType, fast);
      if (stored.ok) return stored;
    }
  }
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

const UNKNOWN_FIELD = 'unknown field';

/** The YAML document and its value (a raw value as its text); null for an empty document. */
function parseValue(kind: ValueKind, text: string): ParsedValue {
  const raw = kind !== 'structured';
  const parsed = parseYamlDocument(text, { failsafe: raw });
  if (!parsed.ok) return parsed;
  // An empty file (or one with only comments) is null: a human may leave a value empty.
  const value = parsed.value ?? null;
  if (!raw) return { ok: true, doc: parsed.doc, value };
  if (value !== null && typeof value !== 'string') {
    return { ok: false, failure: { message: 'expected a scalar value', line: 1, col: 1 } };
  }
  return { ok: true, doc: parsed.doc, value: typeof value === 'string' ? value : '' };
}

/** How deep collections may nest (the same limit as for values written): see model/plain-data.ts. */
export { MAX_NESTING };

export interface ParseYamlOptions {
  /** YAML's failsafe schema: every scalar is a string (`1.10` stays "1.10"). Default: core. */
  failsafe?: boolean;
}

/**
 * Parses one YAML document with kvdir's limits (see the top of this file), from text or from
 * bytes (decoded as a value file is: strict UTF-8, no control characters). The value is
 * undefined when the text holds no document at all (empty, or only comments); a failure says
 * why, with a 1-based line and column where there is one.
 */
export function parseYaml(input: string | Uint8Array, options: ParseYamlOptions = {}): Decoded {
  // Bytes are decoded as a value file is: strict UTF-8, no control characters.
  const decoded =
    typeof input === 'string' ? { ok: true as const, text: input } : decodeText(input);
  if (!decoded.ok) return decoded;
  const parsed = parseYamlDocument(decoded.text, options);
  return parsed.ok ? { ok: true, value: parsed.value } : parsed;
}

/** What parseYaml gives, with the document (its contents null when the text holds none). */
export type ParsedYaml =
  { ok: true; doc: Document.Parsed; value: unknown } | { ok: false; failure: DecodeFailure };

/** parseYaml's work, keeping the document: the decoder needs it for the positions of fields. */
export function parseYamlDocument(text: string, options: ParseYamlOptions = {}): ParsedYaml {
  const lines = new LineCounter();
  const at = (offset: number): { line: number; col: number } => lines.linePos(offset);
  const composer = new Composer({
    uniqueKeys: false,
    logLevel: 'error',
    ...(options.failsafe === true ? { schema: 'failsafe' } : {}),
  });
  const docs: Document.Parsed[] = [];
  for (const token of new Parser(lines.addNewLine).parse(text)) {
    const deep = token.type === 'document' ? tooDeep(token) : undefined;
    if (deep !== undefined) {
      const message = `nested deeper than ${MAX_NESTING} levels`;
      return { ok: false, failure: { message, ...at(deep) } };
    }
    docs.push(...composer.next(token));
  }
  docs.push(...composer.end(true, text.length));
  const [doc, second] = docs;
  // composer.end(true) makes a document even of an empty text: there always is one.
  if (doc === undefined) throw new Error('yaml made no document');
  if (second !== undefined) {
    const message = 'one document per key: a second YAML document starts here';
    return { ok: false, failure: { message, ...at(second.range[0]) } };
  }
  const error = doc.errors[0] ?? duplicateKey(doc.contents);
  if (error !== undefined) {
    const message = error.message.split('\n')[0] ?? error.code;
    return { ok: false, failure: { message, ...at(error.pos[0]) } };
  }
  if (doc.contents === null) return { ok: true, doc, value: undefined };
  try {
    return { ok: true, doc, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (err) {
    return { ok: false, failure: { message: (err as Error).message } };
  }
}

/** The offset of the first collection nested deeper than MAX_NESTING, walking the CST without recursion. */
function tooDeep(doc: CST.Document): number | undefined {
  const stack: Array<{ token: CST.Token; depth: number }> = [];
  if (doc.value !== undefined) stack.push({ token: doc.value, depth: 1 });
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { token, depth } = next;
    if (!CST.isCollection(token)) continue;
    if (depth > MAX_NESTING) return token.offset;
    for (const item of token.items) {
      if (item.key) stack.push({ token: item.key, depth: depth + 1 });
      if (item.value) stack.push({ token: item.value, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * The first key that repeats an earlier scalar key of its map, as `yaml` would report it
 * (keys equal when their scalar values are ===), found with one Set per map.
 */
function duplicateKey(
  root: Node | null,
): { message: string; code: string; pos: [number, number] } | undefined {
  const stack: unknown[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (isSeq(node)) for (const item of node.items) stack.push(item);
    if (!isMap(node)) continue;
    const seen = new Set<unknown>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const { key, value } = pair;
      if (isScalar(key) && !Number.isNaN(key.value)) {
        if (seen.has(key.value) && key.range !== undefined && key.range !== null)
          return {
            message: 'Map keys must be unique',
            code: 'DUPLICATE_KEY',
            pos: [key.range[0], key.range[1]],
          };
        seen.add(key.value);
      }
      stack.push(key, value);
    }
  }
  return undefined;
}
