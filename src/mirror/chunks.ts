/**
 * Splits a plan's writes into txns etcd accepts (pure): at most `maxOps` writes (etcd's
 * `--max-txn-ops`, 128 by default) and `maxBytes` of keys and values each. One batch of the
 * directory is one txn when it fits, so its changes land at one revision and reach watchers
 * as one response; a larger one (a `git checkout` that touches 1,000 files) becomes several
 * consecutive txns and is not atomic in etcd.
 */
import type { MirrorWrite } from '../backends/etcd/mirror-types.js';

export interface TxnLimits {
  maxOps: number;
  maxBytes: number;
}

export function splitWrites(
  writes: readonly MirrorWrite[],
  limits: TxnLimits,
  sizeOf: (write: MirrorWrite) => number,
): MirrorWrite[][] {
  const chunks: MirrorWrite[][] = [];
  let chunk: MirrorWrite[] = [];
  let bytes = 0;
  for (const write of writes) {
    const size = sizeOf(write);
    // A write larger than the byte budget still goes, alone (the plan skipped any that etcd
    // would refuse).
    if (chunk.length > 0 && (chunk.length >= limits.maxOps || bytes + size > limits.maxBytes)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(write);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
