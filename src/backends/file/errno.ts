/**
 * The one place where errno errors are interpreted. `isMissing` says whether a failed read or
 * remove means "nothing there" (ENOENT, or ENOTDIR when a path runs through a file);
 * `toKvdirError` turns anything else into a DatastoreError that names the operation and keeps
 * the errno error (EACCES, ENOSPC, EIO, EXDEV, ...) as `cause`. kvdir errors pass through.
 */
import { DatastoreError, KvdirError } from '../../model/errors.js';
import type { Key } from '../../model/key.js';
import { errnoCode } from './fs-like.js';

export function isMissing(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function isNotEmpty(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOTEMPTY' || code === 'EEXIST';
}

export interface ErrorContext {
  /** The operation, e.g. `create`. */
  op: string;
  key?: Key;
}

export function toKvdirError(err: unknown, context: ErrorContext): KvdirError {
  if (err instanceof KvdirError) return err;
  const what = context.key === undefined ? '' : ` ${context.key.toString()}`;
  const detail = err instanceof Error ? err.message : String(err);
  return new DatastoreError(`${context.op}${what} failed: ${detail}`, err, context.key);
}
