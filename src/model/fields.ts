/**
 * Reading the plain-object arguments of key and list-options constructors, and the shared
 * rules of key paths. Misuse (a field of the wrong type, a name that cannot be a path segment)
 * is reported at construction with the field named; a missing identifier is reported by the
 * path methods, as libcalico-go does.
 */
import { InsufficientIdentifiersError, ValidationError } from './errors.js';
import { parseCidr, parseIP, type IPVersion, type ParsedCidr, type ParsedIP } from './cidr.js';

/** The raw value of a field of a constructor's plain-object argument. */
function readField(fields: object | undefined, name: string): unknown {
  if (fields === undefined || fields === null) return undefined;
  if (typeof fields !== 'object') {
    throw new ValidationError([{ name: 'fields', value: fields, reason: 'must be an object' }]);
  }
  return (fields as Record<string, unknown>)[name];
}

/** Reads an optional string field; absent (or null) gives `''`, which means "not set". */
export function stringField(fields: object | undefined, name: string): string {
  const value = readField(fields, name);
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') {
    throw new ValidationError([{ name, value, reason: 'must be a string' }]);
  }
  return value;
}

/** A field written into a path as is (not escaped), so it must not hold `/`. */
export function segmentField(fields: object | undefined, name: string): string {
  const value = stringField(fields, name);
  if (value.includes('/')) {
    throw new ValidationError([{ name, value, reason: "must not contain '/'" }]);
  }
  return value;
}

/** A config name, which may hold `/` (it becomes deeper paths) but no empty segment. */
export function nestedNameField(fields: object | undefined, name: string): string {
  const value = stringField(fields, name);
  if (value !== '' && value.split('/').includes('')) {
    throw new ValidationError([
      { name, value, reason: "must not start or end with '/' or contain '//'" },
    ]);
  }
  return value;
}

/** A CIDR field, normalized to its network address; `undefined` when not set. */
export function cidrField(fields: object | undefined, name: string): ParsedCidr | undefined {
  const value = stringField(fields, name);
  if (value === '') return undefined;
  const cidr = parseCidr(value);
  if (cidr === null) throw new ValidationError([{ name, value, reason: 'not a valid CIDR' }]);
  return cidr;
}

/** An IP address field; `undefined` when not set. */
export function ipField(fields: object | undefined, name: string): ParsedIP | undefined {
  const value = stringField(fields, name);
  if (value === '') return undefined;
  const ip = parseIP(value);
  if (ip === null) throw new ValidationError([{ name, value, reason: 'not a valid IP address' }]);
  return ip;
}

/** An IP version filter: 4 or 6; absent, null or 0 mean "not set". */
export function ipVersionField(fields: object | undefined, name: string): IPVersion | undefined {
  const value = readField(fields, name);
  if (value === undefined || value === null || value === 0) return undefined;
  if (value === 4 || value === 6) return value;
  throw new ValidationError([{ name, value, reason: 'must be 4 or 6' }]);
}

/**
 * Returns the identifier, or throws InsufficientIdentifiersError with Calico's field name: the
 * label the key's toString() uses for it (`node`, `orchestrator`, `workload`, `name`, `cidr`...).
 */
export function required(value: string, calicoName: string): string {
  if (value === '') throw new InsufficientIdentifiersError(calicoName);
  return value;
}

/** Returns a parsed identifier (a CIDR, an IP), or throws InsufficientIdentifiersError. */
export function requiredValue<T>(value: T | undefined, calicoName: string): T {
  if (value === undefined) throw new InsufficientIdentifiersError(calicoName);
  return value;
}

/** Matches an anchored path pattern and returns its groups, or null. */
export function matchPath(pattern: RegExp, path: string): string[] | null {
  const match = pattern.exec(path);
  return match === null ? null : match.slice(1).map((group) => group ?? '');
}

/** True when an option field is not set, or equals the parsed value. */
export function accepts(option: string, value: string): boolean {
  return option === '' || option === value;
}

/** Appends `/segment` parts to a root while each is set, stopping at the first unset one. */
export function leadingRoot(root: string, parts: readonly (readonly [string, string])[]): string {
  let path = root;
  for (const [value, segment] of parts) {
    if (value === '') return path;
    path += segment;
  }
  return path;
}
