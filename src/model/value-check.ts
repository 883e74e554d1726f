/**
 * The run-time check of a key's value against its schema (value-schemas.ts), for any backend:
 * pure, no I/O. Two strengths, compiled once per value type on first use:
 * - open: what a value must be to have its TypeScript type; fields the type does not know are
 *   allowed (Go ignores them when it reads);
 * - closed: the same, and a field the type does not know is an issue too (writes, `kvdir check`,
 *   and the JSON Schema files editors use, which are this schema).
 * Keys without a schema (a PathKey, a user's own key) accept any value.
 */
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { Validator } from 'typebox/compile';
import type { TLocalizedValidationError } from 'typebox/error';
import { Settings } from 'typebox/system';
import type { Key } from './key.js';
import type { ValueTypeName } from './value-schemas.js';
import { RAW_SCHEMAS, VALUE_SCHEMAS } from './value-schemas.js';
import type { ValueIssue } from './value-issues.js';
import { issuesFromErrors } from './value-issues.js';

export type { ValueIssue } from './value-issues.js';

export interface CheckValueOptions {
  /**
   * `'report'` (the default; what writes and `kvdir check` use): a field the value type does not
   * have is an issue (`unknown field`). `'ignore'`: such fields are allowed, as Go ignores them.
   */
  unknownFields?: 'ignore' | 'report';
}

type SchemaName = ValueTypeName | keyof typeof RAW_SCHEMAS;

/** The schema a key's value is checked against, or undefined when any value goes. */
export function schemaNameOf(key: Key): SchemaName | undefined {
  const name = typeof key.valueType === 'function' ? key.valueType() : undefined;
  if (name !== undefined) return name;
  const kind = key.valueKind();
  return kind === 'structured' ? undefined : kind;
}

export function schemaOf(name: SchemaName): TSchema {
  return name in VALUE_SCHEMAS
    ? VALUE_SCHEMAS[name as ValueTypeName]
    : RAW_SCHEMAS[name as keyof typeof RAW_SCHEMAS];
}

/**
 * A schema in which every object with named properties refuses any other: the closed form,
 * as plain JSON Schema (what the editors' files hold).
 */
export function closedSchema(schema: TSchema): Record<string, unknown> {
  return close(JSON.parse(JSON.stringify(schema)) as unknown) as Record<string, unknown>;
}

function close(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(close);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [name, child] of Object.entries(node)) out[name] = close(child);
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

interface Checkers {
  open: Validator;
  closed: Validator;
  openSchema: unknown;
  closedSchema: unknown;
}

const compiled = new Map<SchemaName, Checkers>();

function checkers(name: SchemaName): Checkers {
  let found = compiled.get(name);
  if (found === undefined) {
    const schema = schemaOf(name);
    const closed = closedSchema(schema);
    found = {
      open: Compile(schema),
      closed: Compile(closed as TSchema),
      openSchema: schema,
      closedSchema: closed,
    };
    compiled.set(name, found);
  }
  return found;
}

/** Whether a value has its schema's type, unknown fields allowed: the fast path of reads. */
export function fitsSchema(name: SchemaName, value: unknown): boolean {
  return checkers(name).open.Check(value);
}

/** The issues of a value against a named schema (see checkValue). */
export function checkAgainst(
  name: SchemaName,
  value: unknown,
  options: CheckValueOptions = {},
): ValueIssue[] {
  const found = checkers(name);
  const report = options.unknownFields !== 'ignore';
  const validator = report ? found.closed : found.open;
  if (validator.Check(value)) return [];
  const schema = report ? found.closedSchema : found.openSchema;
  return issuesFromErrors(errorsOf(validator, value), schema, value);
}

/** Errors gathered per value: enough for a whole file in `kvdir check`, bounded against abuse. */
const MAX_ERRORS = 200;

/**
 * The errors of a value. TypeBox stops at a global `maxErrors` (8 by default, shared with any
 * other user of TypeBox in the process): raised for this synchronous call only, then restored.
 */
function errorsOf(validator: Validator, value: unknown): TLocalizedValidationError[] {
  const saved = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: MAX_ERRORS });
  try {
    return validator.Errors(value);
  } finally {
    Settings.Set({ maxErrors: saved });
  }
}

/**
 * Checks a value against its key's value type, as a write does: the issues, each with the path
 * of the field and what it must be (`{ path: ['order'], message: 'must be a number' }`), or []
 * when it fits. Required fields must be present and `null` is allowed only where the type has
 * it; fields the type does not have are issues unless `unknownFields` is `'ignore'`.
 */
export function checkValue(
  key: Key,
  value: unknown,
  options: CheckValueOptions = {},
): ValueIssue[] {
  const name = schemaNameOf(key);
  return name === undefined ? [] : checkAgainst(name, value, options);
}
