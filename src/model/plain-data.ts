/**
 * Values are plain data: what YAML (and JSON) hold without loss. A write of anything else is a
 * ValidationError naming where it is (`value.a: a function is not plain data`), not a failure
 * deep inside the YAML encoder (P07). Pure.
 *
 * Plain: null, booleans, numbers, strings, arrays and objects whose prototype is Object's (or
 * null); undefined is written as YAML writes it (dropped from objects, null in arrays). Not
 * plain: functions, symbols, BigInts (YAML would read one back as a rounded number), class
 * instances (a Date, a Map, a Set, a Buffer: each would read back as something else),
 * circular references, and nesting deeper than MAX_NESTING (a value file that deep is refused
 * when read, so it is refused when written). Objects shared between places are fine.
 */

/** How deep collections may nest in a value: far beyond any configuration, far below where a YAML parser fails. */
export const MAX_NESTING = 128;

export interface PlainDataProblem {
  /** Where, from the value down: `value`, `value.a`, `value.list[2]`, `value["a b"]`. */
  path: string;
  /** A short description of what was found there. */
  found: string;
  reason: string;
}

/** What is not plain data in `value`, or undefined when all of it is. */
export function plainDataProblem(value: unknown): PlainDataProblem | undefined {
  try {
    new Walk().height(value, 'value', 0);
    return undefined;
  } catch (err) {
    if (err instanceof NotPlain) return err.problem;
    throw err;
  }
}

class NotPlain extends Error {
  readonly problem: PlainDataProblem;
  constructor(problem: PlainDataProblem) {
    super(problem.reason);
    this.problem = problem;
  }
}

/** One check: each object is looked at once, however often it is shared. */
class Walk {
  /** Objects being looked at (an ancestor seen again is a cycle). */
  readonly #open = new Set<object>();
  /** Objects already looked at, with how many levels of collections they hold. */
  readonly #heights = new Map<object, number>();

  /** How many levels of collections `value` holds; `depth` is how many are above it. */
  height(value: unknown, path: string, depth: number): number {
    if (value === null || typeof value !== 'object') return scalar(value, path);
    if (this.#open.has(value)) throw notPlain(path, '[circular]', 'a circular reference');
    const known = this.#heights.get(value);
    if (known === undefined) return this.#collection(value, path, depth);
    if (depth + known > MAX_NESTING) throw tooDeep(path);
    return known;
  }

  #collection(value: object, path: string, depth: number): number {
    const proto: unknown = Object.getPrototypeOf(value);
    const isArray = Array.isArray(value) && proto === Array.prototype;
    if (!isArray && proto !== Object.prototype && proto !== null) {
      const name = constructorName(proto);
      throw notPlain(path, `[object ${name}]`, `${article(name)} ${name}${HINTS[name] ?? ''}`);
    }
    if (depth + 1 > MAX_NESTING) throw tooDeep(path);
    this.#open.add(value);
    let below = 0;
    if (isArray) {
      const items = value as unknown[];
      for (let i = 0; i < items.length; i++)
        below = Math.max(below, this.height(items[i], `${path}[${i}]`, depth + 1));
    } else {
      const record = value as Record<string, unknown>;
      for (const name of Object.keys(record))
        below = Math.max(below, this.height(record[name], childPath(path, name), depth + 1));
    }
    this.#open.delete(value);
    this.#heights.set(value, below + 1);
    return below + 1;
  }
}

function scalar(value: unknown, path: string): number {
  switch (typeof value) {
    case 'function':
      throw notPlain(path, `[function ${value.name || 'anonymous'}]`, 'a function');
    case 'symbol':
      throw notPlain(path, value.toString(), 'a symbol');
    case 'bigint':
      throw notPlain(path, `${value}n`, 'a BigInt (write a number or a string)');
    default:
      return 0;
  }
}

/** What to write instead, for the classes people reach for. */
const HINTS: Readonly<Record<string, string>> = {
  Date: ' (write date.toISOString())',
  Map: ' (write an object: Object.fromEntries(map))',
  Set: ' (write an array: [...set])',
  Buffer: " (write a string: buffer.toString('base64'))",
  Uint8Array: ' (write an array or a string)',
};

function notPlain(path: string, found: string, what: string): NotPlain {
  return new NotPlain({ path, found, reason: `${what} is not plain data` });
}

function tooDeep(path: string): NotPlain {
  return new NotPlain({
    path,
    found: '[nested]',
    reason: `nested deeper than ${MAX_NESTING} levels`,
  });
}

function constructorName(proto: unknown): string {
  const ctor = (proto as { constructor?: unknown } | null)?.constructor;
  return typeof ctor === 'function' && ctor.name !== '' ? ctor.name : 'object';
}

/** 'an Error', 'a Map', 'a Uint8Array' (said "you"): good enough for class names. */
function article(name: string): string {
  return /^[AEIOaeio]/.test(name) ? 'an' : 'a';
}

function childPath(path: string, name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}
