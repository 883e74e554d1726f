/**
 * The one place where errno errors are interpreted, as named predicates. `isMissing` says
 * whether a failed read or remove means "nothing there" (ENOENT, or ENOTDIR when a path runs
 * through a file). Anything else becomes a DatastoreError with the errno error as `cause`
 * (`toKvdirError` in model/errors.ts).
 */
import { errnoCode } from './fs-like.js';

export function isMissing(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function isNotEmpty(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOTEMPTY' || code === 'EEXIST';
}
