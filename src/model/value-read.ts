/**
 * Reading a stored value as libcalico-go reads it: Go's `encoding/json` into the v1 struct.
 * - A field of the wrong type (`order: high`) is a parse failure, as Go's unmarshal fails.
 * - A field that is missing or `null` gets Go's zero value: `''`, `0`, `false`, `[]`, `{}`,
 *   or `null` where the type has it (Go's pointers, e.g. `mac`); an optional field that is
 *   `null` is dropped. So the value handed out always has its TypeScript type.
 * - A field the type does not have is ignored (kept in the object, as it is not typed).
 * Only a value that fails the fast check is copied and filled in.
 */
import type { Key } from './key.js';
import { checkAgainst, fitsSchema, schemaNameOf, schemaOf } from './value-check.js';
import type { ValueIssue } from './value-issues.js';
import { valueAt } from './value-issues.js';
import type { ValueTypeName } from './value-schemas.js';
import { VALUE_SCHEMAS } from './value-schemas.js';

export type StoredValue = { ok: true; value: unknown } | { ok: false; issues: ValueIssue[] };

type Node = Record<string, unknown>;

/**
 * The value of a key as read from the datastore, after Go's rules above; or, when Go could not
 * read it either, the issues (with the path of each offending field).
 */
export function parseStoredValue(key: Key, value: unknown): StoredValue {
  const name = schemaNameOf(key);
  if (name === undefined || !(name in VALUE_SCHEMAS)) return { ok: true, value };
  return parseStoredAs(name as ValueTypeName, value);
}

export function parseStoredAs(name: ValueTypeName, value: unknown): StoredValue {
  if (fitsSchema(name, value)) return { ok: true, value };
  const filled = withZeroValues(schemaOf(name) as Node, value);
  if (fitsSchema(name, filled)) return { ok: true, value: filled };
  const issues = checkAgainst(name, filled, { unknownFields: 'ignore' }).map((issue) =>
    valueAt(value, issue.path) === undefined && issue.path.length > 0
      ? { path: issue.path, message: 'is required' }
      : issue,
  );
  return { ok: false, issues };
}

function allowsNull(schema: Node): boolean {
  return schema.type === 'null' || (Array.isArray(schema.anyOf) && schema.anyOf.some(isNullType));
}

function isNullType(schema: unknown): boolean {
  return (schema as Node).type === 'null';
}

/** Go's zero value of a field of this schema. */
export function zeroValue(schema: Node): unknown {
  if (allowsNull(schema)) return null;
  if (Array.isArray(schema.anyOf)) return zeroValue((schema.anyOf[0] ?? {}) as Node);
  if ('const' in schema) return schema.const;
  switch (schema.type) {
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return withZeroValues(schema, {});
    default:
      return null;
  }
}

function isPlainObject(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of `value` with Go's zero values where fields are missing or null; wrong types are left. */
function withZeroValues(schema: Node, value: unknown): unknown {
  if (value === null || value === undefined) return zeroValue(schema);
  if (Array.isArray(value) && schema.type === 'array') {
    const items = (schema.items ?? {}) as Node;
    return value.map((item) => withZeroValues(items, item));
  }
  if (!isPlainObject(value) || schema.type !== 'object') return value;
  const out: Node = { ...value };
  if (isPlainObject(schema.properties)) {
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    for (const [name, field] of Object.entries(schema.properties as Record<string, Node>)) {
      const present = out[name];
      if (present !== null && present !== undefined) out[name] = withZeroValues(field, present);
      else if (required.has(name)) out[name] = zeroValue(field);
      else if (present === null && !allowsNull(field)) delete out[name];
    }
  } else if (isPlainObject(schema.patternProperties)) {
    const item = (Object.values(schema.patternProperties)[0] ?? {}) as Node;
    for (const [name, entry] of Object.entries(out)) out[name] = withZeroValues(item, entry);
  }
  return out;
}
