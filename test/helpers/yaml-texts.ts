/**
 * YAML texts as people leave them, made from a value: what yaml's `stringify` writes, with lists
 * of scalars in flow style (`[80, 443]`) when asked, then comment lines at any indentation,
 * comments after values and blank lines put in. For the differential tests of the fast reader
 * and of the editor's shortcuts.
 */
import fc from 'fast-check';
import { Document, isScalar, visit } from 'yaml';

/** One thing a person adds to a text: where, what, and the comment's words (anything). */
export interface Touch {
  at: number;
  kind: 'comment line' | 'line comment' | 'blank line';
  indent: number;
  words: string;
}

export function touchOf(words: fc.Arbitrary<string>): fc.Arbitrary<Touch> {
  return fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('comment line', 'line comment', 'blank line'),
    indent: fc.nat({ max: 6 }),
    words,
  });
}

/** `value` as stringify writes it, its non-empty lists of scalars in flow style when `flow`. */
export function withFlowLists(value: unknown, flow: boolean, padded: boolean): string | undefined {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  visit(doc, {
    Seq(_, seq) {
      if (flow && seq.items.length > 0 && seq.items.every((item) => isScalar(item)))
        seq.flow = true;
    },
  });
  try {
    return doc.toString({ flowCollectionPadding: padded });
  } catch {
    return undefined; // a value yaml cannot write
  }
}

/** `text` with `touches` put in, line by line. */
export function touched(text: string, touches: Touch[]): string {
  const lines = text.split('\n');
  for (const { at, kind, indent, words } of touches) {
    const where = at % lines.length;
    const comment = `#${words.replaceAll('\n', ' ')}`;
    if (kind === 'blank line') lines.splice(where, 0, '');
    else if (kind === 'comment line') lines.splice(where, 0, ' '.repeat(indent) + comment);
    else if (lines[where] !== '') lines[where] += ` ${comment}`;
  }
  return lines.join('\n');
}
