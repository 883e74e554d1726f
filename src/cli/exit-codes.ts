/**
 * The exit codes of `kvdir`, one per kind of outcome a script may want to act on. They are part
 * of the command line's contract: documented in the README and never renumbered.
 *
 * | code | meaning |
 * |---|---|
 * | 0 | success (`watch`, `mirror`: stopped by SIGINT or SIGTERM; `mirror --once`: etcd matches) |
 * | 1 | `check` found problems; `mirror --once`/`--dry-run` refused or skipped something (or its directory is missing); or a failure with no code of its own (an input file that cannot be read, a bug) |
 * | 2 | usage error: unknown command or flag, missing or extra argument, bad `-o` or `--ttl` (help is shown); `delete` of a path that is no key but has keys below it, without `--prefix` |
 * | 3 | not found: `resource does not exist: ...` |
 * | 4 | conflict: `update conflict: '...'` (a `--revision` that is not the current one) |
 * | 5 | already exists: `resource already exists: ...` (`create`) |
 * | 6 | parse error: YAML input that does not parse, or a stored entry that does not |
 * | 7 | other datastore error: I/O failures (EACCES, ENOSPC, ...), an operation not supported on a key, no directory for `check` |
 * | 8 | invalid key or value: a path that cannot be a key, a value of the wrong type for its key |
 * | 130 | interrupted: SIGINT or SIGTERM during any command but `watch` and a live `mirror` |
 */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  NotFound: 3,
  Conflict: 4,
  AlreadyExists: 5,
  ParseError: 6,
  DatastoreError: 7,
  Invalid: 8,
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
