/**
 * The one place where errno errors are interpreted, as named predicates. Anything they do not
 * name becomes a DatastoreError with the errno error as `cause` (`toKvdirError` in
 * model/errors.ts).
 */

/** The errno code of an error (`'ENOENT'`), or undefined when it has none. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** Nothing there: ENOENT, or ENOTDIR when a path runs through a file. */
export function isMissing(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** There, but this process may not look: what a listing skips as it skips what is missing. */
export function isUnreadable(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'EACCES' || code === 'EPERM';
}

/** A directory that still holds entries (rmdir says ENOTEMPTY, or EEXIST on some systems). */
export function isNotEmpty(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOTEMPTY' || code === 'EEXIST';
}

/** An open with O_NOFOLLOW met a link: ELOOP on Linux, EMLINK on FreeBSD. */
export function isLinkRefused(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ELOOP' || code === 'EMLINK';
}

/** `undefined` for a missing path; any other error is thrown on. */
export function undefinedIfMissing(err: unknown): undefined {
  if (isMissing(err)) return undefined;
  throw err;
}

/** `false` for a missing path; any other error is thrown on. */
export function falseIfMissing(err: unknown): false {
  if (isMissing(err)) return false;
  throw err;
}
