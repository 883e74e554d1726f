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
import type { CommitResult, MirrorEntry, MirrorWrite } from './mirror-types.js';

/** etcd's default `--max-txn-ops`: the most compares, and ops per branch, of one txn. */
export const MAX_TXN_OPS = 128;
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

/** One txn for `writes`; `leaseOf` gives the lease id of a write with a TTL. */
export function commitTxn(
  keys: KeySpace,
  writes: readonly MirrorWrite[],
  leaseOf: (write: MirrorWrite) => string | undefined,
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
  return { compare, success, failure };
}

/** What a txn's response means: applied, or refused with etcd's entry at each path. */
export function commitResult(writes: readonly MirrorWrite[], response: ITxnResponse): CommitResult {
  const revision = response.header.revision;
  if (response.succeeded) return { ok: true, revision };
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
