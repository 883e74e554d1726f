/**
 * The errors of libcalico-go's `lib/errors`, with Calico's messages. Every error has a stable
 * `code`, the key (`identifier`) where there is one, and the original error as `cause`.
 */
import type { Key } from './key.js';

export abstract class KvdirError extends Error {
  abstract readonly code: string;
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
  constructor(erroredFields: ErroredField[], identifier?: Key) {
    super(erroredFields.map(formatField).join('\n') || 'unknown validation error', identifier);
    this.erroredFields = erroredFields;
  }
}

function formatField(field: ErroredField): string {
  const reason = field.reason === undefined ? '' : ` (${field.reason})`;
  return `error with field ${field.name} = '${String(field.value)}'${reason}`;
}

export interface ParseLocation {
  /** The file (or raw key) that did not parse. */
  file: string;
  /** 1-based, where the parser gives one. */
  line?: number;
  col?: number;
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
  constructor(
    rawKey: string,
    rawValue: string,
    location: ParseLocation,
    reason: string,
    identifier?: Key,
    cause?: unknown,
  ) {
    const where = [location.file, location.line, location.col].filter((p) => p !== undefined);
    super(`failed to parse datastore entry ${where.join(':')}: ${reason}`, identifier, cause);
    this.rawKey = rawKey;
    this.rawValue = rawValue;
    this.file = location.file;
    this.line = location.line;
    this.col = location.col;
    this.reason = reason;
  }
}

export class DatastoreError extends KvdirError {
  readonly code: string;
  constructor(message: string, cause?: unknown, identifier?: Key, code = 'ERR_DATASTORE') {
    super(message, identifier, cause);
    this.code = code;
  }
}
