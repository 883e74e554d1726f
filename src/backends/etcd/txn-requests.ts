/**
 * The txns of the writes, as data: each write's compare is its existence or revision check, so
 * that etcd decides atomically, and the else branch counts the key so that a refusal can tell
 * "does not exist" from "conflict" (libcalico-go's etcdv3 backend, with kvdir's v1 contract:
 * revision-checked apply and delete, recursive delete).
 */
import type { ICompare, IPutRequest, IRequestOp, ITxnRequest, ITxnResponse } from 'etcd3';
import type { WriteOp } from '../../core/client-base.js';
import type { KvdirError } from '../../model/errors.js';
import {
  ResourceAlreadyExistsError,
  ResourceDoesNotExistError,
  ResourceUpdateConflictError,
  ValidationError,
} from '../../model/errors.js';
import type { Key } from '../../model/key.js';
import type { KeySpace } from './key-space.js';

/**
 * A create: `create_revision == 0`; an update without a revision: `create_revision > 0`; a
 * revision: `mod_revision == rev` (a valid etcd revision: `isEtcdRevision`); an apply without
 * one: no compare at all.
 */
export function writeTxn(
  op: WriteOp,
  put: IPutRequest & { key: Buffer },
  revision: string | undefined,
): ITxnRequest {
  const etcdKey = put.key;
  let compare: ICompare[] = [];
  if (revision !== undefined) compare = [modRevisionIs(etcdKey, revision)];
  else if (op === 'create') {
    compare = [{ key: etcdKey, target: 'Create', result: 'Equal', create_revision: 0 }];
  } else if (op === 'update') {
    compare = [{ key: etcdKey, target: 'Create', result: 'Greater', create_revision: 0 }];
  }
  const failure = revision === undefined ? [] : [countOf(etcdKey)];
  return { compare, success: [{ request_put: put }], failure };
}

/**
 * A recursive delete in one txn (one revision, one watch response): the delete path and the
 * prefix `deletePath + '/'`. The compare is on the key's own path, whose revision the caller
 * holds: the delete path may be a "directory" (a profile, a host) with no key of its own.
 */
export function deleteTxn(keys: KeySpace, key: Key, revision: string | undefined): ITxnRequest {
  const etcdKey = keys.key(key.defaultPath());
  const deletePath = key.defaultDeletePath();
  return {
    compare: revision === undefined ? [] : [modRevisionIs(etcdKey, revision)],
    success: [
      { request_delete_range: { key: keys.key(deletePath) } },
      { request_delete_range: keys.below(deletePath) },
    ],
    failure: [countOf(etcdKey)],
  };
}

/** The error for a write txn whose compare failed. */
export function refusal(op: WriteOp | 'delete', key: Key, response: ITxnResponse): KvdirError {
  if (op === 'create') return new ResourceAlreadyExistsError(key);
  const count = response.responses[0]?.response_range.count;
  if (count === undefined || count === '0') return new ResourceDoesNotExistError(key);
  return new ResourceUpdateConflictError(key);
}

/** Bytes of a write's txn besides the value and its key's three copies (measured: ~63). */
const TXN_FRAMING_BYTES = 512;

/**
 * Refuses, before anything is sent, a value whose write etcd would refuse for its size: its
 * request carries the value, the key three times (compare, put, else range) and framing.
 */
export function checkRequestSize(key: Key, etcdKey: Buffer, value: Buffer, limit: number): void {
  const room = limit - 3 * etcdKey.length - TXN_FRAMING_BYTES;
  if (value.length <= room) return;
  throw new ValidationError(
    [
      {
        name: 'value',
        value: `${value.length} bytes of JSON`,
        reason: `over the ${room} bytes a value of this key may have: etcd's request limit is ${limit} bytes (maxValueBytes), key and framing included`,
      },
    ],
    key,
  );
}

function countOf(key: Buffer): IRequestOp {
  return { request_range: { key, count_only: true } };
}

function modRevisionIs(key: Buffer, revision: string): ICompare {
  return { key, target: 'Mod', result: 'Equal', mod_revision: revision };
}
