/**
 * A generic key for users with their own hierarchy: the key is its path. Names such as `.`,
 * `..` or over-long segments are the file layer's concern; this checks only the path's shape.
 */
import { ValidationError } from './errors.js';
import { stringField } from './fields.js';
import type { Key, ListInterface, ValueKind, valueTag } from './key.js';
import { isUnder, keyPathProblem } from './key-path.js';

/**
 * The problem with a key path, or undefined when it is a valid one.
 * @deprecated The name reads as a yes/no question; use `keyPathProblem`, which it calls.
 */
export function isValidKeyPath(path: string): string | undefined {
  return keyPathProblem(path);
}

/**
 * A key for a path of your own. Its value is any plain data (`unknown`), or the type you give:
 * `new PathKey<AppConfig>('/apps/web')` (not checked at run time: there is no schema for it).
 */
export class PathKey<V = unknown> implements Key<V> {
  declare readonly [valueTag]?: V;
  readonly path: string;

  constructor(path: string) {
    const problem = keyPathProblem(path);
    if (problem !== undefined) {
      throw new ValidationError([{ name: 'path', value: path, reason: problem }]);
    }
    this.path = path;
  }

  defaultPath(): string {
    return this.path;
  }

  defaultDeletePath(): string {
    return this.path;
  }

  defaultDeleteParentPaths(): string[] {
    return [];
  }

  valueKind(): ValueKind {
    return 'structured';
  }

  toString(): string {
    return `PathKey(${this.path})`;
  }
}

export interface PathListOptionsFields {
  /** A key path, or `/` (the default) for everything. */
  prefix?: string;
}

/** Lists the keys at or below a prefix, as PathKeys. */
export class PathListOptions implements ListInterface {
  readonly prefix: string;

  constructor(fields: PathListOptionsFields = {}) {
    const given = stringField(fields, 'prefix');
    const prefix = given === '' ? '/' : given;
    const problem = prefix === '/' ? undefined : keyPathProblem(prefix);
    if (problem !== undefined) {
      throw new ValidationError([{ name: 'prefix', value: prefix, reason: problem }]);
    }
    this.prefix = prefix;
  }

  defaultPathRoot(): string {
    return this.prefix;
  }

  /** A PathKey for a valid path equal to or below the prefix (a missing leading `/` is added). */
  keyFromDefaultPath(path: string): PathKey | null {
    const absolute = path.startsWith('/') ? path : `/${path}`;
    if (keyPathProblem(absolute) !== undefined) return null;
    return isUnder(absolute, this.prefix) ? new PathKey(absolute) : null;
  }
}
