/**
 * A generic key for users with their own hierarchy: the key is its path. Names such as `.`,
 * `..` or over-long segments are the file layer's concern; this checks only the path's shape.
 */
import { ValidationError } from './errors.js';
import { stringField } from './fields.js';
import type { Key, ListInterface, ValueKind, valueTag } from './key.js';

/** The problem with a key path, or undefined when it is a valid one. */
export function isValidKeyPath(path: string): string | undefined {
  if (typeof path !== 'string') return 'must be a string';
  if (!path.startsWith('/')) return "must start with '/'";
  if (path === '/') return "must name a key below '/'";
  if (path.endsWith('/')) return "must not end with '/'";
  if (path.includes('//')) return "must not contain an empty segment ('//')";
  if (path.includes('\0')) return 'must not contain a NUL character';
  return undefined;
}

/**
 * A key for a path of your own. Its value is any plain data (`unknown`), or the type you give:
 * `new PathKey<AppConfig>('/apps/web')` (not checked at run time: there is no schema for it).
 */
export class PathKey<V = unknown> implements Key<V> {
  declare readonly [valueTag]?: V;
  readonly path: string;

  constructor(path: string) {
    const problem = isValidKeyPath(path);
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
    const problem = prefix === '/' ? undefined : isValidKeyPath(prefix);
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
    if (isValidKeyPath(absolute) !== undefined) return null;
    const below =
      this.prefix === '/' || absolute === this.prefix || absolute.startsWith(`${this.prefix}/`);
    return below ? new PathKey(absolute) : null;
  }
}
