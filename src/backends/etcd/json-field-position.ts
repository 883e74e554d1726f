/**
 * Where a field of a JSON value sits in its text: the line and column a parse error names for
 * a value whose JSON parses but whose shape does not fit its key (`order: must be a number`).
 * A field that is missing is placed at the object that lacks it. The text is valid JSON (it
 * parsed); this runs only for values that failed their check, never on the hot path.
 */
import { lineAndColumn } from './json-position.js';

type Path = readonly (string | number)[];

/** 1-based line and column of the value at `path`, or of its nearest enclosing value. */
export function jsonFieldPosition(text: string, path: Path): { line: number; col: number } {
  let i = 0;
  let best = -1;
  const skipWhitespace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const skipString = (): void => {
    for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    i++;
  };
  /** Walks the value at `i`; `depth` parts of `path` lead here (-1: off the path). */
  const value = (depth: number): void => {
    skipWhitespace();
    if (depth >= 0) best = i;
    const char = text[i];
    if (char === '{' || char === '[') {
      const object = char === '{';
      let index = 0;
      i++;
      for (skipWhitespace(); text[i] !== '}' && text[i] !== ']'; skipWhitespace()) {
        let part: string | number = index++;
        if (object) {
          const start = i;
          skipString();
          part = JSON.parse(text.slice(start, i)) as string;
          skipWhitespace();
          i++; // ':'
        }
        const onPath = depth >= 0 && depth < path.length && path[depth] === part;
        value(onPath ? depth + 1 : -1);
        skipWhitespace();
        if (text[i] === ',') i++;
      }
      i++;
    } else if (char === '"') skipString();
    else while (i < text.length && !',]} \t\n\r'.includes(text[i]!)) i++;
  };
  try {
    value(0);
  } catch {
    // Nesting too deep to walk: the deepest position found so far.
  }
  return lineAndColumn(text, Math.max(best, 0));
}
