/**
 * Pure rules that turn a watcher event's path into what the syncer must look at again:
 * - a value file (`a/b.yaml`) or its sidecar (`a/.kvdir-b.yaml.rev`): the key `/a/b`;
 * - a directory, or a path of unknown kind that is not a YAML file: the subtree `/a/b`;
 * - a YAML file whose name is not one kvdir maps to a key: that file, to report it;
 * - anything else (dotfiles, editor droppings like `x.swp`, `x~`, `4913`, non-YAML files):
 *   nothing.
 */
import { INTERNAL_PREFIX, VALUE_SUFFIX, isValueFileName, keyPathOfDir, keyPathOfFile } from '../fs/layout.js';
import type { EventKind } from './watch-source.js';

export type Scope =
  | { kind: 'key'; path: string }
  | { kind: 'tree'; path: string }
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
  const dir = names.join('/');
  if (isSidecarName(last)) {
    const valueFile = last.slice(INTERNAL_PREFIX.length, -'.rev'.length);
    const path = keyPathOfFile(dir === '' ? valueFile : `${dir}/${valueFile}`);
    return path === undefined ? undefined : { kind: 'key', path };
  }
  if (last.startsWith('.')) return undefined;
  if (isValueFileName(last) && kind !== 'dir') {
    const path = keyPathOfFile(relative);
    return path === undefined ? { kind: 'invalid', relative } : { kind: 'key', path };
  }
  if (kind === 'file') return undefined;
  const path = keyPathOfDir(relative);
  return path === undefined ? undefined : { kind: 'tree', path };
}

/** True when `path` is `prefix` or below it. */
export function isUnder(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}
