/**
 * Values given to write commands: read from a file, stdin or an argument, and parsed as YAML
 * for the value kind of their key (a structured document, or one scalar for raw values) by
 * kvdir's own YAML parser, with the limits a value file has (nesting, duplicate keys, aliases).
 * Input is untrusted like a file: read up to the size limit and no further, decoded as strict
 * UTF-8, and refused when it holds no value at all.
 */
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Key } from '../index.js';
import { ValidationError, parseYaml } from '../index.js';
import { CliError, InputParseError } from './errors.js';
import type { CliIO } from './io.js';

/** A value's text (or the bytes read for it), and where it came from, as error messages name it. */
export interface ValueText {
  text: string | Uint8Array;
  source: string;
  /** Typed as an argument (`put`): there an empty raw value is the empty string. */
  argument?: boolean;
}

/** `-f FILE`: the file's bytes, or stdin's for `-`, at most `maxBytes` of them. */
export async function readValueFile(
  file: string,
  io: CliIO,
  cwd: string,
  maxBytes: number,
): Promise<ValueText> {
  if (file === '-')
    return { text: await readAtMost(io.stdin, maxBytes, '<stdin>'), source: '<stdin>' };
  try {
    return {
      text: await readAtMost(createReadStream(resolve(cwd, file)), maxBytes, file),
      source: file,
    };
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 1, err);
  }
}

/**
 * Reads a stream to its end, but stops (and refuses the value) one byte past `maxBytes`:
 * endless input (`< /dev/zero`) costs at most that much memory.
 */
async function readAtMost(
  stream: AsyncIterable<string | Uint8Array>,
  maxBytes: number,
  source: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    chunks.push(bytes);
    size += bytes.length;
    if (size > maxBytes) {
      throw new ValidationError([
        {
          name: 'value',
          value: source,
          reason: `input over the limit of ${maxBytes} bytes (maxValueBytes)`,
        },
      ]);
    }
  }
  return Buffer.concat(chunks);
}

/**
 * The value for `key`. Raw values are read as text (YAML's failsafe schema, so `1440` stays
 * the string "1440"); a raw bool is `true` or `false`. Anything else of the wrong type is left
 * for the backend to refuse with a ValidationError that names the field. Input with no value
 * at all (empty, or only comments) is refused: a pipeline whose first stage failed must not
 * overwrite a key with null (`null` or `~` store null on purpose).
 */
export function parseValue(key: Key, input: ValueText): unknown {
  const kind = key.valueKind();
  const raw = kind !== 'structured';
  const parsed = parseYaml(input.text, { failsafe: raw });
  if (!parsed.ok) {
    const { message, line, col } = parsed.failure;
    throw new InputParseError(input.source, message, line, col);
  }
  const value = parsed.value;
  if (value === undefined && !(raw && input.argument === true)) {
    throw new InputParseError(
      input.source,
      'no value: the input is empty or only comments (write null or ~ to store null)',
    );
  }
  if (!raw) return value;
  if (value === null || value === undefined) return '';
  if (kind === 'raw-bool' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
