/** Errors of the command line itself, and the exit code of any error (kvdir's own come from the library). */
import { KvdirError } from '../index.js';
import { ExitCode } from './exit-codes.js';
import type { CommandName } from './spec.js';

/** A failure with its exit code, reported as `kvdir: <message>`. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.exitCode = exitCode;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

/** A bad command line: reported with the help of `command` (or the global help). */
export class UsageError extends CliError {
  readonly command: CommandName | undefined;
  constructor(message: string, command?: CommandName) {
    super(message, ExitCode.Usage);
    this.command = command;
  }
}

/** YAML given on the command line, in a file or on stdin that does not parse. */
export class InputParseError extends CliError {
  constructor(source: string, reason: string, line?: number, col?: number) {
    const where = [source, line, col].filter((part) => part !== undefined).join(':');
    super(`${where}: ${reason}`, ExitCode.ParseError);
  }
}

/** kvdir's error codes (`error.code`) that have an exit code of their own; any other is 7. */
const BY_ERROR_CODE: Readonly<Record<string, ExitCode>> = {
  ERR_RESOURCE_DOES_NOT_EXIST: ExitCode.NotFound,
  ERR_UPDATE_CONFLICT: ExitCode.Conflict,
  ERR_RESOURCE_ALREADY_EXISTS: ExitCode.AlreadyExists,
  ERR_PARSING_DATASTORE_ENTRY: ExitCode.ParseError,
  ERR_VALIDATION: ExitCode.Invalid,
  ERR_INSUFFICIENT_IDENTIFIERS: ExitCode.Invalid,
};

/** The exit code for an error a command threw. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof KvdirError) return BY_ERROR_CODE[error.code] ?? ExitCode.DatastoreError;
  return ExitCode.Failure;
}

/** What `kvdir: ` is followed by for an error: kvdir's (Calico's) message, or a stack for a bug. */
export function describeError(error: unknown): string {
  if (error instanceof KvdirError) {
    // A parse error's message ends with YAML's own "at line L, column C:", already given as file:L:C.
    return error.code === 'ERR_PARSING_DATASTORE_ENTRY'
      ? error.message.replace(/ at line \d+, column \d+:?$/, '')
      : error.message;
  }
  if (error instanceof CliError) return error.message;
  return `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
