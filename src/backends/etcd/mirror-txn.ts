/**
 * The mirror's guarded multi-key txns, as data (pure: no I/O). Each write brings its guard
 * (`create_revision == 0` for a create, `mod_revision == seen` for an update or a delete), its
 * op (a put, or a delete of the exact key: never a range, so no sibling such as `/a-b` can go
 * with `/a`), and a range of its key in the else branch: a refused txn tells, in the same
 * round trip and at one revision, what etcd holds at each key, so that the mirror can plan
 * again without another read.
 */
import type { ICompare, IKeyValue, IRequestOp, ITxnRequest, ITxnResponse } from 'etcd3';
import type { KeySpace } from './key-space.js';
import { DatastoreError } from '../../model/errors.js';
import type { CommitResult, Fence, MirrorEntry, MirrorWrite } from './mirror-types.js';

/**
 * The most writes of one txn: etcd's default `--max-txn-ops` (128) counts compares and the ops
 * of each branch; one compare, and one op of the else branch, are the fence's.
 */
export const MAX_TXN_OPS = 127;
/**
 * The most bytes of keys and values one txn carries: well under etcd's default request limit
 * (`--max-request-bytes`, 1.5 MiB), whatever the framing of 128 ops adds.
 */
export const MAX_TXN_BYTES = 1024 * 1024;
/** A request's framing, besides keys and values, per op (measured about 60 bytes). */
const OP_FRAMING_BYTES = 64;

/** What one write adds to a txn request: its key three times, its value and framing. */
export function writeBytes(keys: KeySpace, write: MirrorWrite): number {
  const key = Buffer.byteLength(keys.namespace) + Buffer.byteLength(write.path);
  const value = write.kind === 'delete' ? 0 : write.bytes.length;
  return 3 * key + value + OP_FRAMING_BYTES;
}

/**
 * One txn for `writes`; `leaseOf` gives the lease id of a write with a TTL. With a `fence`
 * (the mirror's election key), the txn also holds only while that key is still the one this
 * mirror created: a mirror whose lease expired behind its back (a long pause, a partition)
 * cannot write over the mirror that took over.
 */
export function commitTxn(
  keys: KeySpace,
  writes: readonly MirrorWrite[],
  leaseOf: (write: MirrorWrite) => string | undefined,
  fence?: Fence,
): ITxnRequest {
  const compare: ICompare[] = [];
  const success: IRequestOp[] = [];
  const failure: IRequestOp[] = [];
  for (const write of writes) {
    const key = keys.key(write.path);
    if (write.kind === 'create') {
      compare.push({ key, target: 'Create', result: 'Equal', create_revision: 0 });
    } else {
      compare.push({ key, target: 'Mod', result: 'Equal', mod_revision: write.modRevision });
    }
    if (write.kind === 'delete') {
      success.push({ request_delete_range: { key } });
    } else {
      // No lease given detaches the key from any lease it had: a value without a TTL must not
      // expire because a foreign writer (or an older file) put it on one.
      const lease = leaseOf(write);
      success.push({ request_put: { key, value: write.bytes, ...(lease ? { lease } : {}) } });
    }
    failure.push({ request_range: { key } });
  }
  if (fence !== undefined) {
    const { key, createRevision } = fence;
    compare.push({ key, target: 'Create', result: 'Equal', create_revision: createRevision });
    failure.push({ request_range: { key, keys_only: true } });
  }
  return { compare, success, failure };
}

/** What a txn's response means: applied, or refused with etcd's entry at each path. */
export function commitResult(
  writes: readonly MirrorWrite[],
  response: ITxnResponse,
  fence?: Fence,
): CommitResult {
  const revision = response.header.revision;
  if (response.succeeded) return { ok: true, revision };
  if (fence !== undefined) {
    const held = response.responses[writes.length]?.response_range.kvs[0];
    if (held?.create_revision !== fence.createRevision) {
      throw new DatastoreError(
        `the mirror no longer holds its prefix (its election key ${fence.key.toString()} is gone: its lease expired, or someone deleted it); nothing was written`,
        { code: 'ERR_LOCK_COMPROMISED' },
      );
    }
  }
  const current = new Map<string, MirrorEntry | undefined>();
  for (const [i, write] of writes.entries()) {
    const kv = response.responses[i]?.response_range.kvs[0];
    current.set(write.path, kv === undefined ? undefined : entryOf(kv));
  }
  return { ok: false, revision, current };
}

export function entryOf(kv: IKeyValue): MirrorEntry {
  return { bytes: kv.value, modRevision: kv.mod_revision, leased: kv.lease !== '0' };
}
