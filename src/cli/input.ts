/**
 * Values given to write commands: read from a file, stdin or an argument, and parsed as YAML
 * for the value kind of their key (a structured document, or one scalar for raw values).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { Key } from '../index.js';
import { CliError, InputParseError } from './errors.js';
import type { CliIO } from './io.js';
import { withoutPosition } from './output.js';

/** Where a value's text came from, as error messages name it. */
export interface ValueText {
  text: string;
  source: string;
}

const MAX_ALIAS_COUNT = 100;

/** `-f FILE`: the file's text, or stdin's for `-`. */
export async function readValueFile(file: string, io: CliIO, cwd: string): Promise<ValueText> {
  if (file === '-') return { text: await readAll(io.stdin), source: '<stdin>' };
  try {
    return { text: await readFile(resolve(cwd, file), 'utf8'), source: file };
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 1, err);
  }
}

async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The value for `key`. Raw values are read as text (YAML's failsafe schema, so `1440` stays
 * the string "1440"); a raw bool is `true` or `false`. Anything else of the wrong type is left
 * for the backend to refuse with a ValidationError that names the field.
 */
export function parseValue(key: Key, input: ValueText): unknown {
  const kind = key.valueKind();
  const raw = kind !== 'structured';
  const doc = parseDocument(input.text, {
    logLevel: 'error',
    ...(raw ? { schema: 'failsafe' } : {}),
  });
  const error = doc.errors[0];
  if (error !== undefined) {
    const position = error.linePos?.[0];
    throw new InputParseError(
      input.source,
      withoutPosition(error.message) || error.code,
      position?.line,
      position?.col,
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw new InputParseError(input.source, (err as Error).message);
  }
  if (!raw) return value ?? null;
  if (value === null || value === undefined) return '';
  if (kind === 'raw-bool' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
