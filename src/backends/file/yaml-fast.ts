/**
 * A fast reader for the narrow block-style subset of YAML that kvdir's own `stringify` writes,
 * and that people write by hand: block maps and sequences (two-space steps, `- key: value`
 * items), one-line plain, single- and double-quoted scalars resolved with `yaml`'s core schema,
 * `[]`/`{}` for empty collections, one-line flow sequences of such scalars (`[80, 443]`),
 * comment lines, line comments after a value, and blank lines. On a 270-byte WorkloadEndpoint it
 * is about 10x quicker than `yaml`'s parser, which was 81-85% of a crawl + read + parse of the
 * deep layout (issue 19); with comments, a hand-written file is read as quickly, and an edit
 * that keeps them (yaml-edit.ts) checks its result with it.
 *
 * It is strict, not lenient: anything outside the subset (tags, anchors, aliases, flow maps,
 * nested or multi-line flow collections, block or multi-line scalars, tabs, CR, a key twice,
 * `<<`, `__proto__`, odd indentation, deep nesting, an escape it does not know, a line of spaces
 * or one that ends in a space) returns NOT_FAST, and the caller parses the text with `yaml` as
 * before, so errors, positions and limits are `yaml`'s. What it accepts reads exactly as `yaml`
 * reads it: plain scalars go through copies of `yaml`'s own core tag tests and resolvers, in
 * `yaml`'s order; a differential test (yaml-fast.test.ts) compares both over generated
 * documents, hand-written variants of them and their mutations.
 *
 * `stringifyFast` is the other direction: the text `yaml`'s `stringify` gives for a value that is
 * simple to write (most Calico values), made without `yaml`, about 10x quicker.
 */

/** The text is outside the subset: parse it with `yaml`. */
export const NOT_FAST: unique symbol = Symbol('not in the fast subset');

/** Collections nested deeper than this go to `yaml` (far below MAX_NESTING, far above Calico's values). */
const MAX_FAST_DEPTH = 32;

/** Anything that may make `yaml` read the text differently from a line-by-line reading. */
const OUTSIDE = /[\t\r\uFEFF\u0085\u2028\u2029]|^(?:---|\.\.\.)/m;

/** A lone surrogate (a string that is not well-formed UTF-16). */
const LONE = /\p{Cs}/u;

/** Thrown inside the reader to give up; never escapes `parseFastYaml`. */
class NotFast {}
const GIVE_UP = new NotFast();

interface Line {
  indent: number;
  content: string;
  /** Where `content` starts in the text. */
  offset: number;
}

/** Where the reader found a scalar: its text's range (no line comment) and its quotes. */
export interface ScalarSpot {
  start: number;
  end: number;
  style: 'plain' | 'single' | 'double';
}

/**
 * Filled by the reader when asked: each map and list it made, with the spots of its scalar
 * items by key or index (what an edit of the text needs to replace a scalar where it stands).
 */
export type ScalarSpots = Map<object, Map<string | number, ScalarSpot>>;

/** Where a scalar being read goes: its parent and key, and where its text starts. */
interface Place {
  spots: ScalarSpots;
  parent: object;
  key: string | number;
  offset: number;
}

/** The value of `text`, or NOT_FAST when it is outside the subset; `spots` gets its scalars'. */
export function parseFastYaml(text: string, spots?: ScalarSpots): unknown {
  if (text.length === 0 || !text.endsWith('\n') || OUTSIDE.test(text) || LONE.test(text))
    return NOT_FAST;
  const lines = splitLines(text);
  if (lines === undefined || lines[0]?.indent !== 0) return NOT_FAST;
  try {
    const reader = new Reader(lines, spots);
    const value = reader.block(0, 1);
    return reader.at === lines.length ? value : NOT_FAST;
  } catch (err) {
    if (err === GIVE_UP) return NOT_FAST;
    throw err;
  }
}

/**
 * The lines that hold content: blank lines and comment lines are left out (outside block and
 * multi-line scalars, which the subset has none of, they mean nothing to YAML's structure).
 */
function splitLines(text: string): Line[] | undefined {
  const lines: Line[] = [];
  for (let start = 0; start < text.length;) {
    const end = text.indexOf('\n', start);
    let indent = start;
    while (text.charCodeAt(indent) === 32) indent++;
    const blank = end === start;
    const comment = text.charCodeAt(indent) === 35; // #
    // A line of spaces only, or one that ends in a space: `yaml` trims, the subset has none.
    if (!blank && !comment && (indent === end || text.charCodeAt(end - 1) === 32)) return undefined;
    if (!blank && !comment)
      lines.push({ indent: indent - start, content: text.slice(indent, end), offset: indent });
    start = end + 1;
  }
  return lines;
}

class Reader {
  readonly #lines: Line[];
  readonly #spots: ScalarSpots | undefined;
  at = 0;

  constructor(lines: Line[], spots: ScalarSpots | undefined) {
    this.#lines = lines;
    this.#spots = spots;
  }

  /** The scalar `text` starting at `offset`, item `key` of `parent` (its spot noted if asked). */
  #scalar(text: string, offset: number, parent: object, key: string | number): unknown {
    const spots = this.#spots;
    return scalar(text, spots === undefined ? undefined : { spots, parent, key, offset });
  }

  /** The collection that starts at the current line (its indentation is the collection's). */
  block(indent: number, depth: number): unknown {
    if (depth > MAX_FAST_DEPTH) throw GIVE_UP;
    const first = this.#lines[this.at];
    if (first === undefined || first.indent !== indent) throw GIVE_UP;
    return isItem(first.content) ? this.#seq(indent, depth) : this.#map(indent, depth);
  }

  #map(indent: number, depth: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (let line = this.#lines[this.at]; line?.indent === indent; line = this.#lines[this.at]) {
      if (isItem(line.content)) throw GIVE_UP;
      const { key, rest } = splitKey(line.content);
      if (Object.hasOwn(map, key)) throw GIVE_UP; // `yaml`'s error, with its position
      this.at++;
      map[key] =
        rest === undefined
          ? this.#nested(indent, depth)
          : this.#scalar(rest, line.offset + line.content.length - rest.length, map, key);
    }
    this.#ended(indent);
    return map;
  }

  #seq(indent: number, depth: number): unknown[] {
    const seq: unknown[] = [];
    for (let line = this.#lines[this.at]; line?.indent === indent; line = this.#lines[this.at]) {
      if (!isItem(line.content)) throw GIVE_UP;
      const item = line.content.slice(2);
      if (item.startsWith(' ') || isItem(item) || item === '-') throw GIVE_UP;
      if (isKeyLine(item)) {
        // `- key: value`: a map whose lines are indented two more than the dash.
        this.#lines[this.at] = { indent: indent + 2, content: item, offset: line.offset + 2 };
        seq.push(this.block(indent + 2, depth + 1));
      } else {
        seq.push(this.#scalar(item, line.offset + 2, seq, seq.length));
        this.at++;
      }
    }
    this.#ended(indent);
    return seq;
  }

  /** The value of `key:` at the end of a line: a collection on the lines below, indented more. */
  #nested(indent: number, depth: number): unknown {
    const next = this.#lines[this.at];
    if (next === undefined || next.indent <= indent) throw GIVE_UP; // null, or `key:\n- item`
    return this.block(next.indent, depth + 1);
  }

  /** A collection ends at a line indented less; a line indented more is not in the subset. */
  #ended(indent: number): void {
    const next = this.#lines[this.at];
    if (next !== undefined && next.indent > indent) throw GIVE_UP;
  }
}

function isItem(content: string): boolean {
  return content === '-' || content.startsWith('- ');
}

/** True when the line is `key: value` or `key:` (the key plain or quoted). */
function isKeyLine(content: string): boolean {
  try {
    splitKey(content);
    return true;
  } catch (err) {
    if (err === GIVE_UP) return false;
    throw err;
  }
}

/** A map line's key and the text of its value (undefined for `key:` alone). */
function splitKey(content: string): { key: string; rest: string | undefined } {
  let key: string;
  let after: number;
  const first = content[0];
  if (first === '"' || first === "'") {
    const end = closingQuote(content, 0);
    key =
      first === '"'
        ? doubleQuoted(content.slice(0, end + 1))
        : singleQuoted(content.slice(0, end + 1));
    after = end + 1;
    if (content[after] !== ':') throw GIVE_UP;
  } else {
    after = content.indexOf(':');
    if (after <= 0) throw GIVE_UP;
    key = content.slice(0, after);
    if (!isSimplePlain(key) || key.endsWith(' ') || resolvePlain(key) !== key) throw GIVE_UP;
  }
  if (key === '__proto__' || key === '<<') throw GIVE_UP;
  if (after === content.length - 1) return { key, rest: undefined };
  if (content[after + 1] !== ' ' || content[after + 2] === ' ') throw GIVE_UP;
  const rest = content.slice(after + 2);
  // `key: # comment`: the value is on the lines below.
  return { key, rest: rest.startsWith('#') ? undefined : rest };
}

/**
 * One-line scalar (or `[]`, `{}`, a flow sequence of scalars) in block context, maybe followed
 * by a line comment, as `yaml`'s core schema reads it.
 */
function scalar(text: string, place: Place | undefined): unknown {
  const first = text[0];
  if (first === '"' || first === "'") {
    const end = closingQuote(text, 0);
    endsLine(text, end + 1);
    note(place, 0, end + 1, first === '"' ? 'double' : 'single');
    const quoted = text.slice(0, end + 1);
    return first === '"' ? doubleQuoted(quoted) : singleQuoted(quoted);
  }
  if (first === '[') return flowSequence(text, place);
  const comment = text.indexOf(' #');
  const plain = comment === -1 ? text : text.slice(0, comment).trimEnd();
  if (plain === '{}') return {};
  if (!isSimplePlain(plain)) throw GIVE_UP;
  note(place, 0, plain.length, 'plain');
  return resolvePlain(plain);
}

/** Notes the spot of the scalar at `start`-`end` of the text read for `place`. */
function note(place: Place | undefined, start: number, end: number, style: ScalarSpot['style']) {
  if (place === undefined) return;
  let spots = place.spots.get(place.parent);
  if (spots === undefined) place.spots.set(place.parent, (spots = new Map()));
  spots.set(place.key, { start: place.offset + start, end: place.offset + end, style });
}

/** Gives up unless only a line comment (or nothing) follows `from`. */
function endsLine(text: string, from: number): void {
  if (from === text.length) return;
  if (!/^ +#/.test(text.slice(from))) throw GIVE_UP;
}

/** A plain item of a flow sequence the subset takes: no character that means something there. */
const FLOW_PLAIN = /^(?:[A-Za-z0-9_]|[-+.][A-Za-z0-9_.])[A-Za-z0-9_./+-]*$/;

/** `[a, "b", 3]` on one line (items plain, as FLOW_PLAIN, or quoted), maybe a line comment after. */
function flowSequence(text: string, place: Place | undefined): unknown[] {
  const items: unknown[] = [];
  const item = (key: number): Place | undefined =>
    place && { spots: place.spots, parent: items, key, offset: place.offset };
  let at = skipSpaces(text, 1);
  if (text[at] === ']') {
    endsLine(text, at + 1);
    return items;
  }
  for (;;) {
    const first = text[at];
    if (first === '"' || first === "'") {
      const end = closingQuote(text, at);
      const quoted = text.slice(at, end + 1);
      note(item(items.length), at, end + 1, first === '"' ? 'double' : 'single');
      items.push(first === '"' ? doubleQuoted(quoted) : singleQuoted(quoted));
      at = end + 1;
    } else {
      let end = at;
      while (end < text.length && text[end] !== ',' && text[end] !== ']') end++;
      const plain = text.slice(at, end).trimEnd();
      if (!FLOW_PLAIN.test(plain)) throw GIVE_UP;
      note(item(items.length), at, at + plain.length, 'plain');
      items.push(resolvePlain(plain));
      at = end;
    }
    at = skipSpaces(text, at);
    if (text[at] === ']') break;
    if (text[at] !== ',') throw GIVE_UP;
    at = skipSpaces(text, at + 1);
    if (text[at] === ']') throw GIVE_UP; // `[a, ]`: not in the subset
  }
  endsLine(text, at + 1);
  return items;
}

function skipSpaces(text: string, from: number): number {
  let at = from;
  while (text[at] === ' ') at++;
  return at;
}

/** Characters that start something other than a plain scalar (`-` only when a space follows). */
const INDICATORS = new Set([...'?:,[]{}#&*!|>\'"%@`']);

function isSimplePlain(text: string): boolean {
  const first = text[0];
  if (first === undefined || INDICATORS.has(first) || first === ' ') return false;
  if (first === '-' && (text.length === 1 || text[1] === ' ')) return false;
  return !text.includes(': ') && !text.endsWith(':') && !text.includes(' #');
}

/** The index of the quote that closes the quoted scalar starting at `start`; gives up on none. */
function closingQuote(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (quote === '"' && ch === '\\') i++;
    else if (ch === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  throw GIVE_UP;
}

function singleQuoted(source: string): string {
  return source.slice(1, -1).replaceAll("''", "'");
}

/** `yaml`'s escapes (resolve-flow-scalar.js), less `\` + tab (tabs are outside the subset). */
const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

function doubleQuoted(source: string): string {
  let value = '';
  let from = 1;
  for (
    let i = source.indexOf('\\', 1);
    i !== -1 && i < source.length - 1;
    i = source.indexOf('\\', from)
  ) {
    value += source.slice(from, i);
    const next = source[i + 1] ?? '';
    const simple = ESCAPES[next];
    const length = HEX_LENGTH[next];
    if (simple !== undefined) {
      value += simple;
      from = i + 2;
    } else if (length !== undefined) {
      const hex = source.slice(i + 2, i + 2 + length);
      const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === length ? parseInt(hex, 16) : NaN;
      if (!(code <= 0x10ffff)) throw GIVE_UP; // `yaml` reports a bad escape
      value += String.fromCodePoint(code);
      from = i + 2 + length;
    } else throw GIVE_UP;
  }
  return value + source.slice(from, -1);
}

/**
 * A plain scalar as `yaml`'s core schema resolves it: its tags' tests in its order
 * (yaml/dist/schema/core/schema.js: null, bool, int oct, int, int hex, float nan, float exp,
 * float), each with `yaml`'s own resolver; a string when none matches.
 */
export function resolvePlain(text: string): unknown {
  // Every core tag's test needs its first character to be one of these: a plain scalar that
  // starts otherwise is a string without running eight regular expressions (most values).
  const first = text.charCodeAt(0);
  const numeric = (first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46;
  if (!numeric && text !== '' && !'~nNtTfF'.includes(text[0] ?? '')) return text;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(text)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(text)) return text[0] === 't' || text[0] === 'T';
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(text)) return parseInt(text, 10);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text)) {
    if (text.slice(-3).toLowerCase() === 'nan') return NaN;
    return text[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(text)) return parseFloat(text);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(text)) return parseFloat(text);
  return text;
}

/**
 * The text `yaml`'s `stringify(value, { aliasDuplicateObjects: false })` gives for `value`, made
 * without `yaml` when the value stays inside the subset that is simple to write exactly as it
 * does: maps and lists (empty ones as `{}` and `[]`), null, booleans, safe integers, and
 * printable ASCII strings on one short line, written plain where `yaml` writes them plain and
 * in double quotes where they would read as another type. Anything else (another number, a
 * string with a quote or a backslash that needs quoting, or one long enough to be folded, a
 * key that needs quotes, deep nesting, a top-level scalar, a non-plain object) gives NOT_FAST
 * and the caller uses `stringify`. About 10x quicker; the differential test in yaml-fast.test.ts
 * compares both over generated values.
 */
export function stringifyFast(value: unknown): string | typeof NOT_FAST {
  if (!isPlainMap(value) && !Array.isArray(value)) return NOT_FAST;
  const empty = emptyText(value);
  if (empty !== undefined) return `${empty}\n`;
  try {
    const out: string[] = [];
    writeCollection(out, value, 0, '', 1);
    return out.join('');
  } catch (err) {
    if (err === GIVE_UP) return NOT_FAST;
    throw err;
  }
}

/**
 * Appends `value` (a map or a list) at `indent`; its first line follows `lead` (`''` on a line
 * of its own, `- ` after a list's dash).
 */
function writeCollection(
  out: string[],
  value: Record<string, unknown> | unknown[],
  indent: number,
  lead: string,
  depth: number,
): void {
  if (depth > MAX_FAST_DEPTH) throw GIVE_UP;
  const pad = ' '.repeat(indent);
  let first = lead !== '';
  const start = (): string => {
    if (first) {
      first = false;
      return '';
    }
    return pad;
  };
  if (Array.isArray(value)) {
    for (const item of value) {
      const line = `${start()}- `;
      out.push(line);
      writeValue(out, item === undefined ? null : item, indent + 2, indent + 2, depth, true);
    }
    return;
  }
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined) continue;
    const keyText = stringText(key, indent);
    out.push(`${start()}${keyText}:`);
    writeValue(out, item, indent + 2, indent + keyText.length + 2, depth, false);
  }
}

/** Appends a map's value or a list's item (after `key:` or `- `) and its line break. */
function writeValue(
  out: string[],
  value: unknown,
  indent: number,
  column: number,
  depth: number,
  inList: boolean,
): void {
  const empty = emptyText(value);
  if (empty !== undefined) {
    out.push(`${inList ? '' : ' '}${empty}\n`);
    return;
  }
  if (isPlainMap(value) || Array.isArray(value)) {
    if (inList) writeCollection(out, value, indent, '- ', depth + 1);
    else {
      out.push('\n');
      writeCollection(out, value, indent, '', depth + 1);
    }
    return;
  }
  out.push(`${inList ? '' : ' '}${scalarText(value, column)}\n`);
}

function emptyText(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined;
  if (!isPlainMap(value)) return undefined;
  for (const key in value) if (value[key] !== undefined) return undefined;
  return '{}';
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A scalar as `yaml` writes it, starting at `column` of its line. */
function scalarText(value: unknown, column: number): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw GIVE_UP;
    return String(value);
  }
  if (typeof value !== 'string') throw GIVE_UP;
  return stringText(value, column);
}

/** Printable ASCII, no leading or trailing space, no two spaces in a row; or empty. */
const SIMPLE_ASCII = /^(?:[!-~](?:[!-~]| (?! ))*[!-~]|[!-~])?$/;
/** `yaml`'s plainString: a string it will not write plain (then it quotes it). */
const NOT_PLAIN =
  /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;

/**
 * A string (a map key, or a value at `column`) as `yaml` writes it: plain, unless that would
 * not read back as the same string; then in double quotes. Gives up where `yaml` would do
 * more: single quotes (a `"` in it), escapes, folding a long line, a document marker.
 */
function stringText(text: string, column: number): string {
  if (!SIMPLE_ASCII.test(text) || /^(?:%|---|\.\.\.)/.test(text)) throw GIVE_UP;
  if (!fitsLine(text, column + 2)) throw GIVE_UP;
  if (!NOT_PLAIN.test(text) && resolvePlain(text) === text) return text;
  if (/["\\]/.test(text)) throw GIVE_UP;
  return `"${text}"`;
}

/** Far inside `yaml`'s 80-column line width, so that no folding can apply. */
function fitsLine(text: string, column: number): boolean {
  return column + text.length <= 60;
}
