/**
 * Writes that respect what people wrote (issue 16): the text of an existing value file changed as
 * little as possible so that it holds a new value. Comments, key order, quoting and flow style of
 * everything that did not change survive, and `git diff` shows only the lines that did.
 *
 * How: the current text is parsed once, exactly as the decoder reads it (parseValueDocument), and
 * its nodes are walked side by side with the new value. Each difference becomes a text edit at the
 * node's source range: a changed scalar's text is replaced where it stands, a removed key's lines
 * are cut, new keys are rendered as lines after the last existing key of their map. The edits are
 * spliced into the original string, so every byte outside them is the original byte.
 *
 * Why node ranges and splicing rather than yaml's printers: `Document#toString()` re-prints the
 * whole document, and an untouched part can change (`[80, 443]` becomes `[ 80, 443 ]`, block
 * sequences are re-indented, aligned line comments lose their spaces). The CST (`CST.stringify`,
 * `CST.setScalarValue`) is lossless, but adding a key means building tokens by hand, and it files
 * the comment above a key under the previous map's last item. The composed nodes' ranges give
 * exact offsets in the original text together with the composer's structure; new parts are
 * rendered with yaml's `stringify`, as for files kvdir creates, and indented to their place.
 *
 * A part that cannot be edited in place (a value that changes type, a map that loses all its keys,
 * the first key of a compact `- a: 1` item removed, a node with an anchor or a tag that changes)
 * is re-rendered on its own; when even that is not possible, the answer is undefined and the
 * caller writes fresh text. Last, the result is decoded again as the decoder would and must equal
 * the value as the decoder would return it: an edit can never store anything but what was asked.
 *
 * Kept: every comment of a part that remains (head, line, above keys and items, trailing), blank
 * lines, key order, indentation, the text of unchanged scalars, the quotes of a changed string
 * where they still hold it, number formats (`0x1F`, `1.50`), flow collections, `---` and `...`,
 * CRLF line breaks, anchors and aliases of unchanged parts. Re-rendered in stringify's style: a
 * value that changes type (its line comment goes when it then spans lines), a string that spans
 * lines (a block scalar), a map or list left empty (`{}`, `[]`), a `- a: 1` item that loses its
 * first key, an alias whose value changes (written out). Not edited (undefined): a text that does
 * not decode, `%YAML 1.1`, mixed line breaks, a changed anchored node or top-level tagged node.
 *
 * Cost: one parse of the current text, one of the result, a `stringify` per changed part that is
 * not a word, number or quoted ASCII string, and line scans around the changed parts: linear.
 * Two shortcuts skip `yaml` altogether: a file exactly as kvdir writes it whose new value keeps
 * its keys in order (most updates of files no person edited) gets the fresh text of the new value
 * (isOwnPlainText); a text the fast reader takes (yaml-fast.ts: comments, blank lines and all)
 * where only scalars changed gets them replaced where they stand, as the full edit would
 * (editScalarsInPlace, checked against it by a differential test).
 */
import { isDeepStrictEqual } from 'node:util';
import { Scalar, isAlias, isCollection, isPair, isMap, isScalar, isSeq, stringify } from 'yaml';
import type {
  CreateNodeOptions,
  Document,
  ParsedNode,
  ToStringOptions,
  YAMLMap,
  YAMLSeq,
} from 'yaml';
import type { ValueKind } from '../../model/key.js';
import { decodeRawValue, encodeRawValue, isRawValueKind } from '../../model/values.js';
import { decodeText, decodeValue, encodeValue, parseValueDocument } from './yaml-codec.js';
import type { ScalarSpot, ScalarSpots } from './yaml-fast.js';
import { parseFastYaml } from './yaml-fast.js';

/**
 * The text of `current` (a value file's text, as found on disk) changed as little as possible so
 * that it decodes to `value` for a key of `kind`; undefined when the text cannot be edited safely
 * (it does not decode, the value has no YAML form, a part could not be edited): then the caller
 * writes fresh text (encodeValue). Returns `current` itself when it already decodes to `value`.
 */
export function editYamlText(current: string, value: unknown, kind: ValueKind): string | undefined {
  const wanted = wantedOf(kind, value);
  if (wanted === undefined) return undefined;
  if (kind === 'structured') {
    // One fast read serves both shortcuts (outside its subset, neither applies).
    const spots: ScalarSpots = new Map();
    const now = parseFastYaml(current, spots);
    if (typeof now === 'object' && now !== null) {
      if (isOwnPlainText(current, now, wanted.value)) return encodeValue(kind, value);
      const scalarsOnly = editScalarsInPlace(current, now, spots, wanted.value);
      if (scalarsOnly !== undefined) return scalarsOnly;
    }
  }
  return editParsed(current, kind, wanted);
}

/**
 * editYamlText without its shortcuts: the text parsed by `yaml` and edited node by node. The
 * shortcut for changed scalars gives the same text (the differential test in yaml-edit.test.ts).
 */
export function editWithDocument(
  current: string,
  value: unknown,
  kind: ValueKind,
): string | undefined {
  const wanted = wantedOf(kind, value);
  return wanted === undefined ? undefined : editParsed(current, kind, wanted);
}

function editParsed(current: string, kind: ValueKind, wanted: Wanted): string | undefined {
  const now = parseValueDocument(kind, current);
  if (!now.ok) return undefined;
  if (isDeepStrictEqual(now.value, wanted.value)) return current;
  const edited = current.includes('\r')
    ? editCrlfText(current, kind, wanted)
    : editDocument(current, now.doc, kind, wanted);
  return edited !== undefined && decodesTo(kind, edited, wanted.value) ? edited : undefined;
}

/**
 * Whether `current` (read by the fast reader as `now`) is exactly the text kvdir writes for the
 * value it holds, with the same keys in the same order as `wanted` in every map: a file no one
 * has touched since kvdir wrote it fresh (no comment, blank line or style of anyone's). Its edit
 * is then the fresh text of the new value: the lines of what did not change are the same, only
 * changed scalars may be quoted as a fresh file quotes them. Costs a `stringify`, against a full
 * `yaml` parse, the edit and the check of its result.
 */
function isOwnPlainText(current: string, now: object, wanted: unknown): boolean {
  // A comment or a blank line is someone's (stringify writes a `#` after a space only inside
  // quotes: such a value just takes the edit).
  if (PERSON.test(current)) return false;
  return sameKeyOrder(now, wanted) && encodeValue('structured', now) === current;
}

/**
 * The edit of a text the fast reader took (as `now`, its scalars at `spots`: comments, blank
 * lines and all) to `wanted` when only scalars changed (the same keys in the same order, lists
 * of the same lengths): each changed scalar's text replaced where it stands, in its own quotes,
 * exactly as the full edit below writes it (quickScalarText), and checked the same way, with no
 * `yaml` parse (the common update of a hand-written file: `order: 10 # ...` to `order: 20 #
 * ...`). Undefined for anything else.
 */
function editScalarsInPlace(
  current: string,
  now: object,
  spots: ScalarSpots,
  wanted: unknown,
): string | undefined {
  if (isDeepStrictEqual(now, wanted)) return current;
  const edits: Edit[] = [];
  if (!scalarEdits(current, now, wanted, spots, edits)) return undefined;
  const edited = applyEdits(current, edits);
  return edited !== undefined && decodesTo('structured', edited, wanted) ? edited : undefined;
}

/** Adds to `edits` what turns collection `now` into `wanted`; false when not scalars alone. */
function scalarEdits(
  text: string,
  now: object,
  wanted: unknown,
  spots: ScalarSpots,
  edits: Edit[],
): boolean {
  const item = (key: string | number, from: unknown, to: unknown): boolean => {
    if (typeof from === 'object' && from !== null) return scalarEdits(text, from, to, spots, edits);
    if (isDeepStrictEqual(from, to)) return true;
    if (typeof to === 'object' && to !== null) return false;
    const spot = spots.get(now)?.get(key);
    if (spot === undefined || (typeof from === 'number' && !isPlainNumber(text, spot)))
      return false;
    const like = Object.assign(new Scalar(from), { type: SPOT_TYPES[spot.style] });
    const replacement = quickScalarText(to, like);
    if (replacement === undefined) return false;
    edits.push({ start: spot.start, end: spot.end, text: replacement });
    return true;
  };
  if (Array.isArray(now)) {
    return (
      Array.isArray(wanted) &&
      wanted.length === now.length &&
      now.every((from: unknown, i) => item(i, from, wanted[i]))
    );
  }
  if (!isObject(now) || !isObject(wanted)) return false;
  const keys = Object.keys(now);
  const other = Object.keys(wanted);
  return (
    keys.length === other.length &&
    keys.every((key, i) => key === other[i] && item(key, now[key], wanted[key]))
  );
}

/**
 * Whether a number's text has no format of its own to keep (`0x1F`, `1.50`, `1e3`, `+1` have:
 * the full edit keeps it).
 */
function isPlainNumber(text: string, spot: ScalarSpot): boolean {
  const source = text.slice(spot.start, spot.end);
  return /^-?[0-9]+(?:\.[0-9]+)?$/.test(source) && source === String(Number(source));
}

const SPOT_TYPES = {
  plain: Scalar.PLAIN,
  single: Scalar.QUOTE_SINGLE,
  double: Scalar.QUOTE_DOUBLE,
} as const;

/** A comment (`#` at a line's start or after a space) or a blank line. */
const PERSON = /(?:^|\s)#|\n\n/;

/** Whether every map in `a` has the keys of the map at the same place in `b`, in its order. */
function sameKeyOrder(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return true;
    const common = Math.min(a.length, b.length);
    for (let i = 0; i < common; i++) if (!sameKeyOrder(a[i], b[i])) return false;
    return true;
  }
  if (!isObject(a) || !isObject(b)) return true;
  const keys = Object.keys(a);
  const other = Object.keys(b);
  if (keys.length !== other.length) return false;
  return keys.every((key, i) => key === other[i] && sameKeyOrder(a[key], b[key]));
}

/**
 * The text to write for `value`: `current` edited (editYamlText) when there is a current text and
 * it can be edited, else fresh text as kvdir has always written it (encodeValue). This is the one
 * call `update`/`apply` need.
 */
export function encodeValueOnto(kind: ValueKind, value: unknown, current?: string): string {
  const edited = current === undefined ? undefined : editYamlText(current, value, kind);
  return edited ?? encodeValue(kind, value);
}

/**
 * The user's own YAML text for `value` (the input of `kvdir put`, the file saved by `kvdir edit`),
 * so that their comments and layout are stored as they wrote them: the text with a leading BOM
 * dropped and a final line break added, when that decodes to exactly `value` (and is a text kvdir
 * reads back); otherwise undefined, and the caller writes fresh or edited text.
 */
export function textForValue(input: string, value: unknown, kind: ValueKind): string | undefined {
  const wanted = wantedOf(kind, value);
  if (wanted === undefined) return undefined;
  let text = input.startsWith('\ufeff') ? input.slice(1) : input;
  if (text !== '' && !text.endsWith('\n')) text += text.includes('\r\n') ? '\r\n' : '\n';
  return decodesTo(kind, text, wanted.value) ? text : undefined;
}

/** What the decoder returns for `value`, and for raw kinds the scalar text that stands for it. */
interface Wanted {
  value: unknown;
  scalar?: string;
}

function wantedOf(kind: ValueKind, value: unknown): Wanted | undefined {
  try {
    if (!isRawValueKind(kind)) return { value: asDecoded(value, new Set()) };
    const scalar = encodeRawValue(kind, value);
    return { value: decodeRawValue(kind, scalar), scalar };
  } catch {
    // A value of the wrong type for a raw kind, or one YAML cannot hold (a cycle, a Date, a
    // bigint): no edit; encodeValue reports or writes it as it always has.
    return undefined;
  }
}

class Unsupported extends Error {}

/**
 * `value` as the decoder would return it after encodeValue: object fields that are undefined are
 * dropped, undefined array items are null, objects are plain. Throws Unsupported for anything
 * else, so that the result check compares like with like.
 */
function asDecoded(value: unknown, ancestors: Set<object>): unknown {
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') {
    return value;
  }
  if (value === null) return null;
  if (typeof value !== 'object' || ancestors.has(value)) throw new Unsupported();
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return Array.from(value, (item) => (item === undefined ? null : asDecoded(item, ancestors)));
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new Unsupported();
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) setField(out, key, asDecoded(item, ancestors));
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

/** Sets a field the way yaml's toJS does: `__proto__` as an own field, not the prototype. */
function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

/** The safety net: `text` is a text kvdir reads back, and it decodes to exactly `wanted`. */
function decodesTo(kind: ValueKind, text: string, wanted: unknown): boolean {
  const read = decodeText(new TextEncoder().encode(text));
  if (!read.ok || read.text !== text) return false;
  const back = decodeValue(kind, text);
  return back.ok && isDeepStrictEqual(back.value, wanted);
}

/**
 * A text with CRLF line breaks is edited as LF text and converted back, so that the line logic
 * and the inserted lines need not know about CR. A lone CR (mixed line breaks): no edit.
 */
function editCrlfText(current: string, kind: ValueKind, wanted: Wanted): string | undefined {
  const lf = current.replaceAll('\r\n', '\n');
  if (lf.includes('\r')) return undefined;
  const parsed = parseValueDocument(kind, lf);
  if (!parsed.ok) return undefined;
  return editDocument(lf, parsed.doc, kind, wanted)?.replaceAll('\n', '\r\n');
}

function editDocument(
  text: string,
  doc: Document.Parsed,
  kind: ValueKind,
  wanted: Wanted,
): string | undefined {
  // Another schema (a `%YAML 1.1` directive) reads plain scalars differently from the one new
  // parts are rendered for.
  if (doc.schema.name !== (kind === 'structured' ? 'core' : 'failsafe')) return undefined;
  const editor = new Editor(text, doc, kind);
  const value = wanted.scalar ?? wanted.value;
  try {
    const edits =
      doc.contents === null ? [editor.append(value)] : editor.edit(doc.contents, value, DOC);
    return applyEdits(text, edits);
  } catch (err) {
    if (err instanceof CannotEdit) return undefined;
    throw err;
  }
}

/** Replace `text[start, end)` by `text`. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Splices non-overlapping edits into `text`; undefined if two overlap (a bug, not a guess). */
function applyEdits(text: string, edits: Edit[]): string | undefined {
  const sorted = edits.toSorted((a, b) => a.start - b.start || a.end - b.end);
  const parts: string[] = [];
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) return undefined;
    parts.push(text.slice(at, edit.start), edit.text);
    at = edit.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** Thrown where a part cannot be edited in place: its parent re-renders it, or the edit stops. */
class CannotEdit extends Error {}

/** Where a node stands, which decides how it is re-rendered when it cannot be edited in place. */
type Place =
  | { kind: 'doc' }
  | { kind: 'flow'; padding: boolean }
  | { kind: 'map-value'; key: ParsedNode; column: number }
  /** `dash`: the offset of the item's `-`, or -1 when something other than space precedes it. */
  | { kind: 'seq-item'; dash: number; column: number };

const DOC: Place = { kind: 'doc' };

/** An item of a collection in the text: its first character (key or `-`) and its end. */
interface Span {
  start: number;
  end: number;
}

type RenderOptions = CreateNodeOptions & ToStringOptions;

/** New parts, as files kvdir creates are written (encodeValue). */
const FRESH: RenderOptions = { aliasDuplicateObjects: false };
/** A scalar replaced where it stands: on one line, never folded. */
const INLINE: RenderOptions = {
  aliasDuplicateObjects: false,
  lineWidth: 0,
  doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER,
};
const FLOW: RenderOptions = { ...INLINE, collectionStyle: 'flow' };
/** A scalar to take the style of: double quotes. */
const QUOTED = Object.assign(new Scalar(''), { type: Scalar.QUOTE_DOUBLE });

class Editor {
  constructor(
    private readonly text: string,
    private readonly doc: Document.Parsed,
    private readonly kind: ValueKind,
  ) {}

  /** The edits that make `node` hold `value`; a node that cannot be edited is re-rendered. */
  edit(node: ParsedNode, value: unknown, place: Place): Edit[] {
    try {
      return this.editInPlace(node, value, place);
    } catch (err) {
      if (!(err instanceof CannotEdit)) throw err;
      return [this.replace(node, value, place)];
    }
  }

  /** A document with no node (empty, or only comments): the value goes after what is there. */
  append(value: unknown): Edit {
    const end = this.text.length;
    const lineBreak = end > 0 && !this.text.endsWith('\n') ? '\n' : '';
    return { start: end, end, text: `${lineBreak}${this.documentText(value, undefined)}\n` };
  }

  private editInPlace(node: ParsedNode, value: unknown, place: Place): Edit[] {
    if (isScalar(node)) return this.editScalar(node, value, place);
    if (isAlias(node) || hasProps(node)) {
      // An alias, or an anchored node others may alias: only kept when it stays the same.
      if (this.equals(node, value)) return [];
      throw new CannotEdit();
    }
    if (isMap(node) && isObject(value)) return this.editMap(node, value);
    if (isSeq(node) && Array.isArray(value)) return this.editSeq(node, value);
    throw new CannotEdit();
  }

  private equals(node: ParsedNode, value: unknown): boolean {
    try {
      return isDeepStrictEqual(node.toJS(this.doc, { maxAliasCount: 100 }), value);
    } catch {
      return false;
    }
  }

  // Scalars

  /** A changed scalar's text is replaced where it stands; its line comment stays after it. */
  private editScalar(node: Scalar.Parsed, value: unknown, place: Place): Edit[] {
    if (isDeepStrictEqual(node.value, value)) return [];
    if (hasProps(node) || (typeof value === 'object' && value !== null)) throw new CannotEdit();
    const text = this.inlineText(value, node, place);
    const start = node.range[0];
    const end = this.contentEnd(node);
    // An empty scalar (`key:` or `-` alone) at the top has no place to write into.
    if (text === undefined || (start === end && place.kind === 'doc')) throw new CannotEdit();
    // After `key:` or `-` with nothing, the new text needs its separating space.
    return [{ start, end, text: start === end ? ` ${text}` : text }];
  }

  /** `value` on one line, in the style of `like` where that still reads as `value`. */
  private inlineText(value: unknown, like: Scalar, place: Place): string | undefined {
    if (this.kind === 'raw-bool') return String(value); // `true`/`false`, plain as encodeValue writes
    const quick = quickScalarText(value, like);
    if (quick !== undefined) return quick;
    const styledValue = styled(value, like);
    // At the top, stringify knows that a plain `---` would start a document; inside a
    // collection it need not.
    const text =
      place.kind === 'flow'
        ? flowText(styledValue, false)
        : place.kind === 'doc'
          ? stringify(styledValue, INLINE).slice(0, -1)
          : stringify([styledValue], INLINE).slice(2, -1);
    return text.includes('\n') ? undefined : text;
  }

  /** A document's whole text for `value`, as encodeValue writes it, without the final newline. */
  private documentText(value: unknown, like: ParsedNode | undefined): string {
    if (this.kind === 'raw-bool') return String(value);
    const styledValue = styled(value, blockStyled(like));
    const text = stringify(styledValue, FRESH).slice(0, -1);
    if (!/^[|>]/.test(text)) return text;
    // yaml 2.9 writes a top-level block scalar whose first line starts with a space as `|1-` with
    // its lines not indented, which does not parse: such a string is double-quoted instead.
    if (/^[|>]\d/.test(text)) return stringify(styled(value, QUOTED), FRESH).slice(0, -1);
    // stringify does not indent a top-level block scalar's lines; one that was indented stays so,
    // when the value is a block scalar as a list item too (`---` is plain there, not at the top).
    if (like === undefined || !this.isIndentedBlock(like)) return text;
    const item = stringify([styledValue], FRESH).slice('- '.length, -1);
    return /^[|>]/.test(item) ? item : text;
  }

  private isIndentedBlock(node: ParsedNode): boolean {
    if (!isBlockScalar(node)) return false;
    const body = this.text.indexOf('\n', node.range[0]) + 1;
    return body > 0 && body < node.range[1] && /[ \t]/.test(this.text[body] as string);
  }

  // Re-rendering a part

  /** An edit that re-renders `node` as `value`, in the style of its place. */
  private replace(node: ParsedNode, value: unknown, place: Place): Edit {
    // The range starts after a node's anchor and tag; the map and seq places replace from the
    // indicator on, the others cannot drop them.
    switch (place.kind) {
      case 'doc':
        if (node.range[0] === node.range[1]) return this.append(value);
        if (hasProps(node)) throw new CannotEdit();
        return this.replaceDocument(node, value);
      case 'flow':
        if (hasProps(node)) throw new CannotEdit();
        return {
          start: node.range[0],
          end: node.range[1],
          text: flowText(styled(value, blockStyled(node)), place.padding),
        };
      case 'map-value':
      case 'seq-item':
        return this.replaceBlockPart(node, value, place);
    }
  }

  private replaceDocument(node: ParsedNode, value: unknown): Edit {
    const text = this.documentText(value, node);
    // A scalar or flow node rendered on one line keeps its line comment after it.
    return { start: node.range[0], end: this.replacedEnd(node, text), text };
  }

  /**
   * Where the text that `text` replaces ends. A scalar or flow node that stays on one line keeps
   * its line comment; otherwise the node's lines go, with the deeper comment lines below a block
   * collection (`column`: the key's or dash's column; none at the top).
   */
  private replacedEnd(node: ParsedNode, text: string, column?: number): number {
    if (isBlockScalar(node)) return this.contentEnd(node); // its comment is in its header
    if (!text.includes('\n') && !isBlockCollection(node)) return node.range[1];
    const end = column === undefined ? node.range[1] : this.extentEnd(node.range[1], column);
    return this.trimEnd(this.lineAfter(end));
  }

  /** `key: <node>` or `- <node>`: everything after the indicator is rendered anew. */
  private replaceBlockPart(
    node: ParsedNode,
    value: unknown,
    place: Extract<Place, { kind: 'map-value' | 'seq-item' }>,
  ): Edit {
    if (place.kind === 'seq-item' && place.dash < 0) throw new CannotEdit();
    const start = place.kind === 'map-value' ? this.colonEnd(place.key) : place.dash + 1;
    const text = this.blockPartText(node, value, place);
    return { start, end: this.replacedEnd(node, text, place.column), text };
  }

  /** The text after `key:` or `-`: a flow collection stays flow, the rest as stringify has it. */
  private blockPartText(
    node: ParsedNode,
    value: unknown,
    place: Extract<Place, { kind: 'map-value' | 'seq-item' }>,
  ): string {
    const isCollectionValue = typeof value === 'object' && value !== null;
    if (isCollection(node) && node.flow && node.items.length > 0 && isCollectionValue) {
      return ` ${flowText(value, this.padding(node))}`;
    }
    const styledValue = styled(value, blockStyled(node));
    const rendered =
      place.kind === 'map-value'
        ? stringify({ x: styledValue }, FRESH).slice('x:'.length, -1)
        : stringify([styledValue], FRESH).slice('-'.length, -1);
    return indentLines(rendered, place.column);
  }

  // Maps

  private editMap(node: YAMLMap.Parsed, value: Record<string, unknown>): Edit[] {
    const keys = this.mapKeys(node);
    const kept = keys.map((key) => Object.hasOwn(value, key));
    const known = new Set(keys);
    const added = Object.keys(value).filter((key) => !known.has(key));
    if (!kept.includes(true)) {
      if (keys.length === 0 && added.length === 0) return [];
      throw new CannotEdit(); // nothing left to keep: the map is rendered anew
    }
    const edits: Edit[] = [];
    node.items.forEach((pair, i) => {
      const key = keys[i] as string;
      if (!kept[i]) return;
      if (pair.value === null) {
        if (value[key] !== null) throw new CannotEdit(); // `? key` without a value
        return;
      }
      edits.push(...this.edit(pair.value, value[key], this.valuePlace(node, pair.key)));
    });
    if (kept.includes(false) || added.length > 0) {
      const spans = node.items.map((pair) => this.pairSpan(pair.key, pair.value));
      const newPart = Object.fromEntries(added.map((key) => [key, value[key]]));
      edits.push(...this.restructure(node, spans, kept, added.length > 0 ? newPart : undefined));
    }
    return edits;
  }

  /** The keys as toJS names them; a key that is not a scalar, or a repeated name: no edit. */
  private mapKeys(node: YAMLMap.Parsed): string[] {
    const keys = node.items.map(({ key }) => {
      if (!isScalar(key) || hasProps(key)) throw new CannotEdit();
      const name = key.value;
      if (typeof name === 'object' && name !== null) throw new CannotEdit();
      return name === null ? '' : String(name as string | number | boolean);
    });
    if (new Set(keys).size !== keys.length) throw new CannotEdit();
    return keys;
  }

  private valuePlace(node: YAMLMap.Parsed, key: ParsedNode): Place {
    if (node.flow) return { kind: 'flow', padding: this.padding(node) };
    return { kind: 'map-value', key, column: this.column(key.range[0]) };
  }

  private pairSpan(key: ParsedNode, value: ParsedNode | null): Span {
    return { start: key.range[0], end: (value ?? key).range[1] };
  }

  // Sequences

  /**
   * A list is edited item by item: the items equal at its start and at its end stay as they are,
   * the changed middle is edited pairwise, and what is left over is removed or inserted there.
   */
  private editSeq(node: YAMLSeq.Parsed, value: unknown[]): Edit[] {
    const items = node.items;
    if (items.some((item) => isPair(item))) {
      if (this.equals(node, value)) return []; // `[a: 1]`: a flow pair in a list
      throw new CannotEdit();
    }
    const old = items.map((item) => this.toJS(item));
    const n = items.length;
    const m = value.length;
    let prefix = 0;
    while (prefix < n && prefix < m && isDeepStrictEqual(old[prefix], value[prefix])) prefix++;
    let suffix = 0;
    while (
      suffix < n - prefix &&
      suffix < m - prefix &&
      isDeepStrictEqual(old[n - 1 - suffix], value[m - 1 - suffix])
    ) {
      suffix++;
    }
    if (prefix === n && n === m) return [];
    const paired = Math.min(n - suffix - prefix, m - suffix - prefix);
    const edits: Edit[] = [];
    for (let i = prefix; i < prefix + paired; i++) {
      edits.push(...this.edit(items[i] as ParsedNode, value[i], this.itemPlace(node, i)));
    }
    const removedFrom = prefix + paired;
    const kept = items.map((_, i) => i < removedFrom || i >= n - suffix);
    const added = value.slice(prefix + paired, m - suffix);
    if (kept.includes(false) || added.length > 0) {
      if (!kept.includes(true)) throw new CannotEdit();
      const spans = items.map((_, i) => this.itemSpan(node, i));
      const before = suffix > 0 && added.length > 0 ? n - suffix : undefined;
      edits.push(
        ...this.restructure(node, spans, kept, added.length > 0 ? added : undefined, before),
      );
    }
    return edits;
  }

  private toJS(node: ParsedNode): unknown {
    try {
      return node.toJS(this.doc, { maxAliasCount: 100 });
    } catch {
      return undefined; // compares unequal to every decoded value
    }
  }

  private itemPlace(node: YAMLSeq.Parsed, i: number): Place {
    if (node.flow) return { kind: 'flow', padding: this.padding(node) };
    const dash = this.dashOf(node.items[i] as ParsedNode);
    return { kind: 'seq-item', dash, column: dash < 0 ? 0 : this.column(dash) };
  }

  private itemSpan(node: YAMLSeq.Parsed, i: number): Span {
    const item = node.items[i] as ParsedNode;
    if (node.flow) return { start: item.range[0], end: item.range[1] };
    const dash = this.dashOf(item);
    if (dash < 0) throw new CannotEdit();
    return { start: dash, end: item.range[1] };
  }

  /** The `-` of a block sequence item: only space may stand between it and the item. */
  private dashOf(item: ParsedNode): number {
    let i = item.range[0] - 1;
    while (i >= 0 && /[ \t\n]/.test(this.text[i] as string)) i--;
    return this.text[i] === '-' && !hasProps(item) ? i : -1;
  }

  // Removing and adding items

  /**
   * Removes the items that are not kept and adds `added` (an object's new fields, or list items)
   * after the last item, or before item `before`.
   */
  private restructure(
    node: YAMLMap.Parsed | YAMLSeq.Parsed,
    spans: Span[],
    kept: boolean[],
    added: unknown,
    before?: number,
  ): Edit[] {
    if (node.items.length === 0) throw new CannotEdit(); // `{}` or `[]`: rendered anew
    const edits = node.flow
      ? this.flowRemovals(spans, kept)
      : this.blockRemovals(spans, kept, this.column((spans[0] as Span).start));
    if (added !== undefined) {
      edits.push(
        node.flow
          ? this.flowInsertion(spans, kept, added, this.padding(node), before)
          : this.blockInsertion(spans, kept, added, before),
      );
    }
    return edits;
  }

  /** Each run of removed items goes with the comment lines above it and its separator. */
  private blockRemovals(spans: Span[], kept: boolean[], column: number): Edit[] {
    const edits: Edit[] = [];
    for (const [first, last] of removedRuns(kept)) {
      for (let i = first; i <= last; i++) {
        if (!this.atLineStart((spans[i] as Span).start)) throw new CannotEdit(); // `- a: 1`
      }
      const floor = first > 0 ? this.extentEnd((spans[first - 1] as Span).end, column) : 0;
      let start = this.ownedStart((spans[first] as Span).start, column, floor);
      let end = this.extentEnd((spans[last] as Span).end, column);
      // One blank line separated the removed items from their neighbours: keep one, not two.
      const blankBefore = start > floor && this.isBlankLine(this.lineStart(start - 1));
      const blankAfter = this.isBlankLine(end);
      if (blankBefore && (blankAfter || last === kept.length - 1)) {
        while (start > floor && this.isBlankLine(this.lineStart(start - 1))) {
          start = this.lineStart(start - 1);
        }
      } else if (first === 0 && blankAfter) {
        while (this.isBlankLine(end)) end = this.lineAfter(end + 1);
      }
      edits.push({ start, end, text: '' });
    }
    return edits;
  }

  /** New items as lines at the items' column, after the last kept item or before item `before`. */
  private blockInsertion(spans: Span[], kept: boolean[], added: unknown, before?: number): Edit {
    const column = this.column((spans[0] as Span).start);
    const lines = indentLines(stringify(added, FRESH), column).replace(
      /^(?=.)/,
      ' '.repeat(column),
    );
    let at: number;
    if (before === undefined) {
      at = this.extentEnd((spans[kept.lastIndexOf(true)] as Span).end, column);
    } else {
      if (!this.atLineStart((spans[before] as Span).start)) throw new CannotEdit(); // `- - a`
      const floor = before > 0 ? this.extentEnd((spans[before - 1] as Span).end, column) : 0;
      at = this.ownedStart((spans[before] as Span).start, column, floor);
    }
    const lineBreak = at === this.text.length && !this.text.endsWith('\n') ? '\n' : '';
    return { start: at, end: at, text: lineBreak + lines };
  }

  /** A removed flow item goes with the comma after it, or before it when it is the last. */
  private flowRemovals(spans: Span[], kept: boolean[]): Edit[] {
    return removedRuns(kept).map(([first, last]) => {
      const next = spans[last + 1];
      if (next !== undefined)
        return { start: (spans[first] as Span).start, end: next.start, text: '' };
      return { start: (spans[first - 1] as Span).end, end: (spans[last] as Span).end, text: '' };
    });
  }

  private flowInsertion(
    spans: Span[],
    kept: boolean[],
    added: unknown,
    padding: boolean,
    before?: number,
  ): Edit {
    // The new items without their brackets, padded as the collection is.
    const styledInner = padding
      ? flowText(added, true).slice(2, -2)
      : flowText(added, false).slice(1, -1);
    if (before !== undefined) {
      const at = (spans[before] as Span).start;
      return { start: at, end: at, text: `${styledInner}, ` };
    }
    const at = (spans[kept.lastIndexOf(true)] as Span).end;
    return { start: at, end: at, text: `, ${styledInner}` };
  }

  // Lines and columns of the text

  private column(offset: number): number {
    return offset - this.lineStart(offset);
  }

  private lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** The start of the line after the one `offset` ends (itself when it starts a line). */
  private lineAfter(offset: number): number {
    if (offset > 0 && this.text[offset - 1] === '\n') return offset;
    const lineBreak = this.text.indexOf('\n', offset);
    return lineBreak < 0 ? this.text.length : lineBreak + 1;
  }

  private lineAt(start: number): string {
    return this.text.slice(start, this.lineAfter(start + 1));
  }

  private isBlankLine(start: number): boolean {
    return start < this.text.length && this.lineAt(start).trim() === '';
  }

  private atLineStart(offset: number): boolean {
    return this.text.slice(this.lineStart(offset), offset).trim() === '';
  }

  /** The end of `[.., end)`: its last line, and the comment lines indented deeper below it. */
  private extentEnd(end: number, column: number): number {
    let at = this.lineAfter(end);
    while (at < this.text.length) {
      const line = this.lineAt(at);
      const body = line.trimStart();
      if (!body.startsWith('#') || line.length - body.length <= column) break;
      at += line.length;
    }
    return at;
  }

  /**
   * Where an item's lines start: the comment lines right above it (no blank line between, not
   * indented deeper) are its own. Comment lines at the very top of the document are the
   * document's: they stay.
   */
  private ownedStart(itemStart: number, column: number, floor: number): number {
    const own = this.lineStart(itemStart);
    let at = own;
    while (at > floor) {
      const above = this.lineStart(at - 1);
      const line = this.text.slice(above, at);
      const body = line.trimStart();
      if (body.startsWith('#') && line.length - body.length <= column) {
        at = above;
        continue;
      }
      return /^(---|%)/.test(line) ? own : at;
    }
    return at === 0 ? own : at;
  }

  /**
   * The end of a node's own text: a block scalar's range goes on past its last line break (its
   * trailing spaces are content, and are replaced with it).
   */
  private contentEnd(node: ParsedNode): number {
    let end = node.range[1];
    if (isBlockScalar(node)) while (end > node.range[0] && this.text[end - 1] === '\n') end--;
    return end;
  }

  private trimEnd(end: number): number {
    let at = end;
    while (at > 0 && /\s/.test(this.text[at - 1] as string)) at--;
    return at;
  }

  /** The offset after a block map key's `:`; an explicit `? key` has none on its line. */
  private colonEnd(key: ParsedNode): number {
    let at = key.range[1];
    while (this.text[at] === ' ' || this.text[at] === '\t') at++;
    if (this.text[at] !== ':') throw new CannotEdit();
    return at + 1;
  }

  /** Whether a flow collection is written `[ a ]` rather than `[a]`. */
  private padding(node: ParsedNode): boolean {
    return this.text[node.range[0] + 1] === ' ';
  }
}

/** The maximal runs `[first, last]` of items not kept. */
function removedRuns(kept: boolean[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  kept.forEach((isKept, i) => {
    if (isKept) return;
    const run = runs.at(-1);
    if (run !== undefined && run[1] === i - 1) run[1] = i;
    else runs.push([i, i]);
  });
  return runs;
}

function hasProps(node: ParsedNode): boolean {
  return !isAlias(node) && (node.anchor !== undefined || node.tag !== undefined);
}

function isBlockCollection(node: ParsedNode): boolean {
  return isCollection(node) && !node.flow;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `value` as a node that keeps the style of `like`: a string its quotes (stringify still quotes a
 * plain string that would read as another type), a number its format (`0x1F`, `1.50`).
 */
function styled(value: unknown, like: ParsedNode | Scalar | undefined): unknown {
  if (like === undefined || !isScalar(like)) return value;
  // A block scalar's style is kept only for a text that still spans lines.
  const keepsType = !isBlockScalar(like) || (typeof value === 'string' && value.includes('\n'));
  if (typeof value === 'string' && typeof like.value === 'string' && keepsType) {
    const node = new Scalar(value);
    node.type = like.type;
    return node;
  }
  if (typeof value === 'number' && typeof like.value === 'number') {
    const node = new Scalar(value);
    node.format = like.format;
    node.minFractionDigits = like.minFractionDigits;
    return node;
  }
  return value;
}

/**
 * The scalar whose style a re-rendered part keeps: only a block scalar's (`|`, `>`). A quoted or
 * plain one re-rendered because it now spans lines takes stringify's choice, as a new file would.
 */
function blockStyled(node: ParsedNode | undefined): ParsedNode | undefined {
  return node !== undefined && isBlockScalar(node) ? node : undefined;
}

function isBlockScalar(node: ParsedNode | Scalar): boolean {
  return (
    isScalar(node) && (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED)
  );
}

/**
 * The text stringify would give `value` in the style of `like`, for the common cases that need
 * no rules (a word, an integer, a bool, a printable ASCII string in quotes); undefined for the
 * rest. Why: stringify builds a Document per call (~25 µs), more than the rest of a one-field edit.
 */
function quickScalarText(value: unknown, like: Scalar): string | undefined {
  if (typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'number') {
    const plainNumber = typeof like.value !== 'number' || (!like.format && !like.minFractionDigits);
    return Number.isSafeInteger(value) && !Object.is(value, -0) && plainNumber
      ? String(value)
      : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const type = typeof like.value === 'string' ? like.type : Scalar.PLAIN;
  if (type === Scalar.PLAIN) {
    // A word: no indicator, no space, not read as a bool or null (numbers start otherwise).
    const word = /^[A-Za-z][\w./-]*$/.test(value) && !/^(?:true|false|null)$/i.test(value);
    return word ? value : undefined;
  }
  if (!/^[\x20-\x7e]*$/.test(value)) return undefined;
  if (type === Scalar.QUOTE_SINGLE) return `'${value.replaceAll("'", "''")}'`;
  if (type === Scalar.QUOTE_DOUBLE && !/["\\]/.test(value)) return `"${value}"`;
  return undefined;
}

/** `value` as one flow item, e.g. inside `[...]`, on one line. */
function flowText(value: unknown, padding: boolean): string {
  const text = stringify([oneLineStrings(value)], { ...FLOW, flowCollectionPadding: padding });
  const pad = padding ? 1 : 0;
  return text.slice(1 + pad, -2 - pad);
}

/**
 * `value` with its strings that hold a line break double-quoted: in a flow collection stringify
 * would write them plain or single-quoted over several lines, and a flow part is edited as one.
 */
function oneLineStrings(value: unknown): unknown {
  const text = value instanceof Scalar ? value.value : value;
  if (typeof text === 'string') {
    if (!text.includes('\n')) return value;
    const node = new Scalar(text);
    node.type = Scalar.QUOTE_DOUBLE;
    return node;
  }
  if (Array.isArray(value)) return value.map(oneLineStrings);
  if (!isObject(value) || value instanceof Scalar) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) setField(out, key, oneLineStrings(item));
  return out;
}

/** Indents every line after the first by `column` (empty lines stay empty). */
function indentLines(text: string, column: number): string {
  return column === 0 ? text : text.replace(/\n(?=[^\n])/g, `\n${' '.repeat(column)}`);
}
