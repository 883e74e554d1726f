/**
 * A schema check's errors as issues a person can act on: the path of the field and what it
 * must be, worded from the schema itself (`inbound_rules[0].action: must be a string`), one
 * issue per field (a union's failed branches become one "must be a or b").
 */
import type { TLocalizedValidationError } from 'typebox/error';
import { ValidationError } from './errors.js';
import type { Key } from './key.js';
import { patternNoun } from './value-formats.js';

/** What is wrong with one field of a value. */
export interface ValueIssue {
  /** The field's path from the value's root: property names and list indices. `[]` is the value. */
  path: (string | number)[];
  /** e.g. `must be a number`, `is required`, `unknown field`. */
  message: string;
}

type Node = Record<string, unknown>;

/** `inbound_rules[0].action`; `["!protocol"]` for a name that is not an identifier; '' for the root. */
export function formatIssuePath(path: readonly (string | number)[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) text += text === '' ? part : `.${part}`;
    else text += `[${JSON.stringify(part)}]`;
  }
  return text;
}

/** `order: must be a number`, or the message alone for the value itself. */
export function formatIssue(issue: ValueIssue): string {
  const path = formatIssuePath(issue.path);
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

/**
 * The ValidationError of a value that does not fit its key: one field per issue, named by its
 * path (`value` for the value itself), e.g. `error with field order = 'high' (must be a number)`.
 */
export function valueIssuesError(
  key: Key,
  value: unknown,
  issues: readonly ValueIssue[],
): ValidationError {
  const fields = issues.map((issue) => ({
    name: formatIssuePath(issue.path) || 'value',
    value: valueAt(value, issue.path),
    reason: issue.message,
  }));
  return new ValidationError(fields, key);
}

/** The value at `path` inside `value`, or undefined. */
export function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

function pointerParts(pointer: string): string[] {
  const body = pointer.replace(/^#/, '');
  if (body === '') return [];
  return body
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** An instance path as a ValueIssue path: list indices become numbers. */
function instancePath(pointer: string, value: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  let current = value;
  for (const part of pointerParts(pointer)) {
    const index = Array.isArray(current) && /^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part;
    path.push(index);
    current = valueAt(current, [index]);
  }
  return path;
}

function schemaAt(schema: unknown, pointer: string): Node {
  let current = schema;
  for (const part of pointerParts(pointer)) current = (current as Node | undefined)?.[part];
  return (current ?? {}) as Node;
}

/** A schema as the end of `must be ...`: `a number`, `an IP address`, `4 or 6`. */
export function describeSchema(schema: Node): string {
  if (Array.isArray(schema.anyOf)) {
    const nouns = [...new Set((schema.anyOf as Node[]).map(describeSchema))];
    return nouns.length === 1
      ? (nouns[0] ?? '')
      : `${nouns.slice(0, -1).join(', ')} or ${nouns.at(-1)}`;
  }
  if ('const' in schema) return JSON.stringify(schema.const);
  switch (schema.type) {
    case 'string':
      return typeof schema.pattern === 'string'
        ? (patternNoun(schema.pattern) ?? `a string matching ${schema.pattern}`)
        : 'a string';
    case 'integer':
      return typeof schema.minimum === 'number' && typeof schema.maximum === 'number'
        ? `an integer from ${schema.minimum} to ${schema.maximum}`
        : 'an integer';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'null':
      return 'null';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    default:
      return 'a valid value';
  }
}

/**
 * The issues of a failed check. The errors of a union's branches are dropped for the union's
 * own (`must be a or b`), which follows them; a missing property is reported at its own path.
 */
export function issuesFromErrors(
  errors: readonly TLocalizedValidationError[],
  schema: unknown,
  value?: unknown,
): ValueIssue[] {
  const inUnion = (error: TLocalizedValidationError): boolean =>
    error.schemaPath.includes('/anyOf/');
  const issues: ValueIssue[] = [];
  const seen = new Set<string>();
  const add = (path: (string | number)[], message: string): void => {
    const id = JSON.stringify(path);
    if (seen.has(id)) return;
    seen.add(id);
    issues.push({ path, message });
  };
  for (const error of errors) {
    if (inUnion(error)) continue;
    const at = instancePath(error.instancePath, value);
    switch (error.keyword) {
      case 'required':
        for (const name of error.params.requiredProperties) add([...at, name], 'is required');
        break;
      case 'additionalProperties':
        for (const name of error.params.additionalProperties) add([...at, name], 'unknown field');
        break;
      case 'boolean':
        break; // the `false` of additionalProperties, reported above
      default:
        add(at, `must be ${describeSchema(schemaAt(schema, error.schemaPath))}`);
    }
  }
  return issues;
}
