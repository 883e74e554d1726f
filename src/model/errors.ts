/**
 * The errors of libcalico-go's `lib/errors`, with Calico's messages. Every error has a stable
 * `code` (one of `ErrorCode`), the key (`identifier`) where there is one, and the original
 * error as `cause`. Warnings that a syncer reports through `onWarning` are errors too, with
 * codes from the same list.
 */
import type { Key } from './key.js';

/** Every `code` a kvdir error or warning can carry: a program may switch on it. */
export type ErrorCode =
  // Calico's errors
  | 'ERR_RESOURCE_DOES_NOT_EXIST'
  | 'ERR_RESOURCE_ALREADY_EXISTS'
  | 'ERR_UPDATE_CONFLICT'
  | 'ERR_INSUFFICIENT_IDENTIFIERS'
  | 'ERR_OPERATION_NOT_SUPPORTED'
  | 'ERR_VALIDATION'
  | 'ERR_PARSING_DATASTORE_ENTRY'
  // DatastoreError: any other failure, and these kinds of it
  | 'ERR_DATASTORE'
  | 'ERR_CLOSED'
  | 'ERR_COMPOSITE_KEY'
  | 'ERR_LOCKED'
  | 'ERR_LOCK_COMPROMISED'
  | 'ERR_SYMLINK'
  | 'ERR_NOT_A_FILE'
  | 'ERR_NOT_A_KEY'
  | 'ERR_TOO_LARGE'
  | 'ERR_UNREADABLE'
  | 'ERR_WRITE_LANDED'
  | 'ERR_OUTCOME_UNKNOWN'
  // warnings told to a syncer's onWarning
  | 'ERR_SYNCER_UNREADABLE'
  | 'ERR_WATCH_ERROR'
  | 'ERR_WATCH_LIMIT'
  | 'ERR_SYNCER_ERROR'
  | 'ERR_SYNCER_RESTART'
  | 'ERR_CALLBACK_ERROR';

export abstract class KvdirError extends Error {
  abstract readonly code: ErrorCode;
  readonly identifier: Key | undefined;

  constructor(message: string, identifier?: Key, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.identifier = identifier;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

export class ResourceDoesNotExistError extends KvdirError {
  readonly code = 'ERR_RESOURCE_DOES_NOT_EXIST';
  constructor(identifier: Key, cause?: unknown) {
    super(`resource does not exist: ${identifier.toString()}`, identifier, cause);
  }
}

export class ResourceAlreadyExistsError extends KvdirError {
  readonly code = 'ERR_RESOURCE_ALREADY_EXISTS';
  constructor(identifier: Key, cause?: unknown) {
    super(`resource already exists: ${identifier.toString()}`, identifier, cause);
  }
}

export class ResourceUpdateConflictError extends KvdirError {
  readonly code = 'ERR_UPDATE_CONFLICT';
  constructor(identifier: Key, cause?: unknown) {
    super(`update conflict: '${identifier.toString()}'`, identifier, cause);
  }
}

export class InsufficientIdentifiersError extends KvdirError {
  readonly code = 'ERR_INSUFFICIENT_IDENTIFIERS';
  /** The missing field, in Calico's naming (`node`, `name`, `orchestrator`, ...). */
  readonly field: string;
  constructor(field: string) {
    super(`insufficient identifiers, missing '${field}'`);
    this.field = field;
  }
}

export class OperationNotSupportedError extends KvdirError {
  readonly code = 'ERR_OPERATION_NOT_SUPPORTED';
  readonly operation: string;
  constructor(operation: string, identifier: Key) {
    super(`operation ${operation} is not supported on ${identifier.toString()}`, identifier);
    this.operation = operation;
  }
}

export interface ErroredField {
  name: string;
  value: unknown;
  reason?: string;
}

export class ValidationError extends KvdirError {
  readonly code = 'ERR_VALIDATION';
  readonly erroredFields: readonly ErroredField[];
  constructor(erroredFields: ErroredField[], identifier?: Key, cause?: unknown) {
    super(
      erroredFields.map(formatField).join('\n') || 'unknown validation error',
      identifier,
      cause,
    );
    this.erroredFields = erroredFields;
  }
}

function formatField(field: ErroredField): string {
  const reason = field.reason === undefined ? '' : ` (${field.reason})`;
  return `error with field ${field.name} = '${describeValue(field.value)}'${reason}`;
}

/** A value as an error message shows it: strings as they are, anything else as JSON where it can be. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export interface ParseLocation {
  /** The file (or raw key) that did not parse. */
  file: string;
  /** 1-based, where the parser gives one. */
  line?: number;
  col?: number;
}

export interface ParsingDatastoreEntryErrorOptions extends ParseLocation {
  /** The key path as stored (the file's key path, or the etcd key). */
  rawKey: string;
  /** The stored text. */
  rawValue: string;
  /** What the parser said, without the location. */
  reason: string;
  key?: Key;
  cause?: unknown;
}

export class ParsingDatastoreEntryError extends KvdirError {
  readonly code = 'ERR_PARSING_DATASTORE_ENTRY';
  readonly rawKey: string;
  readonly rawValue: string;
  readonly file: string;
  readonly line: number | undefined;
  readonly col: number | undefined;
  /** What the parser said, without the location. */
  readonly reason: string;
  constructor(options: ParsingDatastoreEntryErrorOptions) {
    const { file, line, col, reason } = options;
    const where = [file, line, col].filter((part) => part !== undefined);
    super(
      `failed to parse datastore entry ${where.join(':')}: ${reason}`,
      options.key,
      options.cause,
    );
    this.rawKey = options.rawKey;
    this.rawValue = options.rawValue;
    this.file = file;
    this.line = line;
    this.col = col;
    this.reason = reason;
  }
}

export interface DatastoreErrorOptions {
  /** Default `ERR_DATASTORE`. */
  code?: ErrorCode;
  cause?: unknown;
  key?: Key;
}

export class DatastoreError extends KvdirError {
  readonly code: ErrorCode;
  constructor(message: string, options: DatastoreErrorOptions = {}) {
    super(message, options.key, options.cause);
    this.code = options.code ?? 'ERR_DATASTORE';
  }
}

/** The error context of a failed operation: what was being done, and to which key. */
export interface ErrorContext {
  /** The operation, e.g. `create`. */
  op: string;
  key?: Key;
}

/**
 * Any error as a KvdirError: kvdir's own pass through; anything else (an errno error, a gRPC
 * error a backend did not map) becomes a DatastoreError that names the operation and keeps
 * the original as `cause`.
 */
export function toKvdirError(err: unknown, context: ErrorContext): KvdirError {
  if (err instanceof KvdirError) return err;
  const what = context.key === undefined ? '' : ` ${context.key.toString()}`;
  const detail = err instanceof Error ? err.message : String(err);
  return new DatastoreError(
    `${context.op}${what} failed: ${detail}`,
    context.key === undefined ? { cause: err } : { cause: err, key: context.key },
  );
}
