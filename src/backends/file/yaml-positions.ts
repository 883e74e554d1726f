/**
 * Where a field of a value sits in its YAML text: the line and column a parse error names, for
 * a value whose YAML parses but whose shape does not fit its key. A field that is missing is
 * placed at the mapping that lacks it; an unknown field at its name.
 */
import type { Document } from 'yaml';
import { isMap, isNode, isScalar } from 'yaml';

export interface Position {
  line: number;
  col: number;
}

/** 1-based line and column of a character offset. */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

/**
 * The position of the field at `path`; `atKey` places it at the field's name (for a field that
 * should not be there) rather than at its value.
 */
export function fieldPosition(
  doc: Document,
  text: string,
  path: readonly (string | number)[],
  atKey = false,
): Position {
  if (atKey && path.length > 0) {
    const parent = doc.getIn(path.slice(0, -1), true);
    const name = path.at(-1);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === name);
      const start = isNode(pair?.key) ? pair.key.range?.[0] : undefined;
      if (start !== undefined) return positionAt(text, start);
    }
  }
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    const start = isNode(node) ? node.range?.[0] : undefined;
    if (start !== undefined) return positionAt(text, start);
  }
  return { line: 1, col: 1 };
}
