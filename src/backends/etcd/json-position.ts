/**
 * Where a JSON text goes wrong. V8's `JSON.parse` messages give a position only for some
 * errors (`Unexpected token 'u', ..."lector": [unclosed" is not valid JSON` has none), so a
 * value that did not parse is scanned again here to find the first offending character. This
 * runs only for values that failed, never on the hot path.
 */

export interface JsonSyntaxError {
  /** What is wrong, e.g. `unexpected 'u'` or `unexpected end of input`. */
  reason: string;
  /** 1-based line and column (in UTF-16 code units) of the offending character. */
  line: number;
  col: number;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

/** The first syntax error of `text`, or undefined when it is valid JSON (or too deep to scan). */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (reason?: string): never => {
    throw new Stop(
      i,
      reason ?? (i < text.length ? `unexpected ${describe(text[i]!)}` : 'unexpected end of input'),
    );
  };
  const skipWhitespace = () => {
    while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[i] !== char) fail();
      i++;
    }
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const char = text[i]!;
      if (char === '"') return void i++;
      if (char < ' ') fail(`control character ${describe(char)} in a string`);
      if (char === '\\') {
        i++;
        if (text[i] === 'u') {
          HEX4.lastIndex = ++i;
          if (!HEX4.test(text)) fail('bad \\u escape');
          i += 4;
          continue;
        }
        if (!ESCAPES.has(text[i] ?? '')) fail('bad escape');
      }
      i++;
    }
  };
  const members = (close: string, member: () => void) => {
    i++; // the opening bracket
    skipWhitespace();
    if (text[i] === close) return void i++;
    for (;;) {
      member();
      skipWhitespace();
      if (text[i] === close) return void i++;
      if (text[i] !== ',') fail();
      i++;
      skipWhitespace();
    }
  };
  const value = (): void => {
    skipWhitespace();
    const char = text[i];
    if (char === '{') {
      members('}', () => {
        if (text[i] !== '"') fail();
        string();
        skipWhitespace();
        if (text[i] !== ':') fail();
        i++;
        value();
      });
    } else if (char === '[') members(']', value);
    else if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) fail();
      i = NUMBER.lastIndex;
    }
  };
  try {
    value();
    skipWhitespace();
    if (i < text.length) fail(`unexpected ${describe(text[i]!)} after the value`);
    return undefined;
  } catch (err) {
    if (!(err instanceof Stop)) return undefined; // a RangeError from nesting too deep to scan
    return { reason: err.reason, ...lineAndColumn(text, err.offset) };
  }
}

/** 1-based line and column (in UTF-16 code units) of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

function describe(char: string): string {
  return char >= ' ' && char !== '\x7f'
    ? `'${char}'`
    : `U+${char.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
}
