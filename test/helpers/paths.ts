import { join, resolve } from 'node:path';

/** The repository's root directory. */
export const REPO = resolve(import.meta.dirname, '..', '..');

/** A read-only fixture tree, `fixtures/<name>` (copy it before changing anything). */
export function fixturePath(name: string): string {
  return join(REPO, 'fixtures', name);
}
