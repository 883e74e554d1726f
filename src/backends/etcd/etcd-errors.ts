/**
 * etcd3's errors as kvdir errors, in one place. etcd3 turns every gRPC failure into one of its
 * own classes (dropping the numeric code), so the mapping goes by class.
 *
 * The rule that matters: a write whose request may have reached etcd and whose answer never
 * came (a deadline, a connection lost after sending, a cancelled call) has an unknown outcome.
 * It is reported as `ERR_OUTCOME_UNKNOWN` and never retried here: a retry of a create or a
 * compare-and-swap whose first attempt landed would fail its compare and wrongly report
 * "already exists" or "conflict".
 */
import type * as Etcd3 from 'etcd3';
import type { ErrorContext, KvdirError } from '../../model/errors.js';
import { DatastoreError, KvdirError as KvdirErrorClass, toKvdirError } from '../../model/errors.js';

export type Etcd3Module = typeof Etcd3;

/** What failed: the operation and key, whether it writes, and where etcd was. */
export interface EtcdErrorContext extends ErrorContext {
  write: boolean;
  endpoints: readonly string[];
}

/** grpc-js's message when no connection could be made: the request was never sent. */
const NEVER_SENT = /No connection established|ECONNREFUSED|Name resolution failed/;
const TOO_LARGE = /larger than max|request is too large/;

export function castEtcdError(
  lib: Etcd3Module,
  err: unknown,
  context: EtcdErrorContext,
): KvdirError {
  if (err instanceof KvdirErrorClass || !(err instanceof Error)) return toKvdirError(err, context);
  const what = `${context.op}${context.key === undefined ? '' : ` ${context.key.toString()}`}`;
  const fail = (message: string, code: DatastoreError['code'] = 'ERR_DATASTORE') =>
    new DatastoreError(message, {
      code,
      cause: err,
      ...(context.key === undefined ? {} : { key: context.key }),
    });
  const where = `etcd at ${context.endpoints.join(',')}`;

  if (err instanceof lib.ClientClosedError)
    return fail(`${what} failed: the client is closed`, 'ERR_CLOSED');
  // grpc-js's receive limit, or etcd's request limit (not etcd's other RESOURCE_EXHAUSTED
  // errors: a full database, too many requests).
  if (TOO_LARGE.test(err.message)) {
    return fail(`${what} failed: a message was over a size limit: ${err.message}`, 'ERR_TOO_LARGE');
  }
  const unavailable = err instanceof lib.GRPCUnavailableError;
  const uncertain =
    err instanceof lib.GRPCDeadlineExceededError ||
    err instanceof lib.GRPCCancelledError ||
    err instanceof lib.GRPCUnknownError ||
    err instanceof lib.GRPCInternalError ||
    (unavailable && !NEVER_SENT.test(err.message));
  if (context.write && uncertain) {
    return fail(
      `${what}: the outcome is unknown, the write may have landed (${where} did not answer: ${err.message}); read the key to find out`,
      'ERR_OUTCOME_UNKNOWN',
    );
  }
  if (unavailable || err instanceof lib.GRPCDeadlineExceededError) {
    return fail(`${what} failed: ${where} is unavailable: ${err.message}`);
  }
  return toKvdirError(err, context);
}

/** True for a read that may succeed if tried again (on another endpoint or a new connection). */
export function isRetryableRead(lib: Etcd3Module, err: unknown): boolean {
  return err instanceof lib.GRPCUnavailableError;
}

/** True when a put named a lease that etcd no longer has (it expired or was revoked). */
export function isLeaseNotFound(lib: Etcd3Module, err: unknown): boolean {
  return err instanceof lib.EtcdLeaseInvalidError;
}

/** True when a range asked for a revision that compaction removed. */
export function isCompacted(lib: Etcd3Module, err: unknown): boolean {
  return err instanceof lib.GRPCOutOfRangeError;
}
