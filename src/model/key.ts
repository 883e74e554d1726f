/**
 * The two interfaces every Calico key and list-options class implements, and the module
 * functions of libcalico-go's model package that delegate to them. Pure: no I/O.
 *
 * A key carries the type of its value as a type parameter, `Key<V>`, held by a type-only
 * member (declared, never set: it costs nothing at run time), so that `client.get(new
 * PolicyKey(...))` is a `KVPair<Policy>` and a wrong value is a compile error.
 */
import type { ValueTypeName } from './value-schemas.js';

/** How a key's value is encoded (calico-v1-model.md, "Value encodings"). */
export type ValueKind = 'raw-string' | 'raw-bool' | 'raw-ip' | 'structured';

/** The type-only member that carries a key's value type; it exists in no object. */
export declare const valueTag: unique symbol;

/** A key names one value in the datastore; `V` is the type of that value. */
export interface Key<V = unknown> {
  /** Type-only, never present at run time: the type of the key's value. */
  readonly [valueTag]?: V;
  /** Where the key's value lives, e.g. `/calico/v1/policy/tier/default/policy/p1`. */
  defaultPath(): string;
  /** What a recursive delete of this key removes (may be a directory above the value). */
  defaultDeletePath(): string;
  /** Directories to remove after a delete, in order, each only if it is now empty. */
  defaultDeleteParentPaths(): string[];
  /** How the value is encoded. */
  valueKind(): ValueKind;
  /**
   * The schema a structured value is checked against (`Policy`, ...); absent for keys whose
   * value may be anything (a PathKey, a key of your own).
   */
  valueType?(): ValueTypeName;
  /** Calico's format, e.g. `Policy(name=p1)`. */
  toString(): string;
}

/** The value type a key carries: `ValueOf<PolicyKey>` is `Policy`. Distributes over unions. */
export type ValueOf<K> = K extends Key<infer V> ? V : never;

/**
 * The usual key: a recursive delete removes its own path, there are no implicit parents to
 * tidy, and the value is structured. Keys that differ override what differs.
 */
export abstract class LeafKey<V> implements Key<V> {
  declare readonly [valueTag]?: V;
  abstract defaultPath(): string;
  abstract toString(): string;

  defaultDeletePath(): string {
    return this.defaultPath();
  }

  defaultDeleteParentPaths(): string[] {
    return [];
  }

  valueKind(): ValueKind {
    return 'structured';
  }
}

/**
 * List options name a set of keys: a path root to walk and a parser that also filters. `V` is
 * the type of their keys' values.
 */
export interface ListInterface<V = unknown> {
  /** The deepest path that holds every key the options can match. */
  defaultPathRoot(): string;
  /** Parses a path into a key of this family, or null for another family or a filtered-out key. */
  keyFromDefaultPath(path: string): Key<V> | null;
}

/** The value type of the keys a list options object parses (a union where it parses several). */
export type ListValueOf<L extends ListInterface> = ValueOf<
  NonNullable<ReturnType<L['keyFromDefaultPath']>>
>;

export function keyToDefaultPath(key: Key): string {
  return key.defaultPath();
}

export function keyToDefaultDeletePath(key: Key): string {
  return key.defaultDeletePath();
}

export function keyToDefaultDeleteParentPaths(key: Key): string[] {
  return key.defaultDeleteParentPaths();
}

export function listOptionsToDefaultPathRoot(options: ListInterface): string {
  return options.defaultPathRoot();
}
