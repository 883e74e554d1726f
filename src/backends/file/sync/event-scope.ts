/**
 * Pure rules that turn a watcher event's path into what the syncer must look at again:
 * - a value file (`a/b.yaml`) or its sidecar (`a/.kvdir-b.yaml.rev`): the key `/a/b`;
 * - a directory, or a path of unknown kind that is not a YAML file: the subtree `/a/b`;
 * - a YAML file whose name is not one kvdir maps to a key: that file, to report it;
 * - anything else (dotfiles and whatever is inside dot-directories, kvdir's temp files and
 *   locks, editor droppings like `x.swp`, `x~`, `4913`, non-YAML files): nothing.
 * Scopes travel through the coalescer as string ids (`key:/a/b`), so duplicates merge.
 */
import {
  INTERNAL_PREFIX,
  VALUE_SUFFIX,
  isValueFileName,
  keyPathOfDir,
  keyPathOfFile,
  pathSegments,
} from '../layout.js';
import { isUnder } from '../../../model/key-path.js';
import type { EventKind } from './watch/port.js';

export type Scope =
  | { kind: 'key'; path: string }
  /** `again`: the second look at a subtree, for files a new directory's watcher missed. */
  | { kind: 'tree'; path: string; again?: boolean }
  | { kind: 'invalid'; relative: string };

const SIDECAR_SUFFIX = `${VALUE_SUFFIX}.rev`;

export function isSidecarName(name: string): boolean {
  return name.startsWith(INTERNAL_PREFIX) && name.endsWith(SIDECAR_SUFFIX);
}

/** The scope of an event at `relative` (to the root, `/`-separated; '' for the root). */
export function scopeOfEvent(relative: string, kind: EventKind): Scope | undefined {
  if (relative === '') return { kind: 'tree', path: '/' };
  const names = relative.split('/');
  const last = names.pop() as string;
  if (names.some((name) => name.startsWith('.'))) return undefined;
  if (isSidecarName(last)) {
    const valueFile = [...names, last.slice(INTERNAL_PREFIX.length, -'.rev'.length)].join('/');
    return keyScope(keyPathOfFile(valueFile));
  }
  if (last.startsWith('.')) return undefined;
  if (isValueFileName(last) && kind !== 'dir') {
    const path = keyPathOfFile(relative);
    return path === undefined ? { kind: 'invalid', relative } : keyScope(path);
  }
  if (kind === 'file') return undefined;
  const path = keyPathOfDir(relative);
  return path !== undefined && isKeyPath(path) ? { kind: 'tree', path } : undefined;
}

function keyScope(path: string | undefined): Scope | undefined {
  return path !== undefined && isKeyPath(path) ? { kind: 'key', path } : undefined;
}

/** True for a path kvdir can hold a key at (no over-long segment, no `.yaml` directory). */
function isKeyPath(path: string): boolean {
  try {
    pathSegments(path);
    return true;
  } catch {
    return false;
  }
}

/** The key path (or raw `/relative` path of an invalid file) a scope is about. */
export function scopePath(scope: Scope): string {
  return scope.kind === 'invalid' ? `/${scope.relative}` : scope.path;
}

/**
 * The parts of a scope that fall inside the synced prefixes: the scope itself when it is
 * under one, the prefixes below a tree scope that covers them, else nothing.
 */
export function clipToPrefixes(scope: Scope, prefixes: readonly string[]): Scope[] {
  const path = scopePath(scope);
  if (prefixes.some((prefix) => isUnder(path, prefix))) return [scope];
  if (scope.kind !== 'tree') return [];
  return prefixes
    .filter((prefix) => isUnder(prefix, path))
    .map((prefix) => ({ ...scope, path: prefix }));
}

export function scopeId(scope: Scope): string {
  switch (scope.kind) {
    case 'key':
      return `key:${scope.path}`;
    case 'tree':
      return `${scope.again === true ? 'again' : 'tree'}:${scope.path}`;
    case 'invalid':
      return `invalid:${scope.relative}`;
  }
}

export function scopeFromId(id: string): Scope {
  const at = id.indexOf(':');
  const kind = id.slice(0, at);
  const rest = id.slice(at + 1);
  if (kind === 'invalid') return { kind, relative: rest };
  if (kind === 'again') return { kind: 'tree', path: rest, again: true };
  return { kind: kind === 'tree' ? 'tree' : 'key', path: rest };
}
