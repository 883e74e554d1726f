/**
 * The two interfaces every Calico key and list-options class implements, and the module
 * functions of libcalico-go's model package that delegate to them. Pure: no I/O.
 */

/** How a key's value is encoded (calico-v1-model.md, "Value encodings"). */
export type ValueKind = 'raw-string' | 'raw-bool' | 'raw-ip' | 'structured';

/** A key names one value in the datastore. */
export interface Key {
  /** Where the key's value lives, e.g. `/calico/v1/policy/tier/default/policy/p1`. */
  defaultPath(): string;
  /** What a recursive delete of this key removes (may be a directory above the value). */
  defaultDeletePath(): string;
  /** Directories to remove after a delete, in order, each only if it is now empty. */
  defaultDeleteParentPaths(): string[];
  /** How the value is encoded. */
  valueKind(): ValueKind;
  /** Calico's format, e.g. `Policy(name=p1)`. */
  toString(): string;
}

/**
 * The usual key: a recursive delete removes its own path, there are no implicit parents to
 * tidy, and the value is structured. Keys that differ override what differs.
 */
export abstract class LeafKey implements Key {
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

/** List options name a set of keys: a path root to walk and a parser that also filters. */
export interface ListInterface {
  /** The deepest path that holds every key the options can match. */
  defaultPathRoot(): string;
  /** Parses a path into a key of this family, or null for another family or a filtered-out key. */
  keyFromDefaultPath(path: string): Key | null;
}

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
