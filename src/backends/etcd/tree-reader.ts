/**
 * Reads a key path and everything below it, as one consistent picture: the root key itself
 * and the prefix `root + '/'` (one range `[root, root + '0')` would also take siblings such
 * as `root-x`, since `-`, `.` and `%` sort below `/`), in pages of `pageSize` keys, every page
 * at the revision of the first. Pages keep each response small (grpc-js refuses large ones,
 * and one 33 MB response of 100,000 keys costs more memory than ten of 3 MB).
 */
import type { IKeyValue, KVClient } from 'etcd3';
import type { KeySpace } from './key-space.js';

/** Runs one idempotent read, with whatever retry the caller allows. */
export type Read = <T>(call: () => Promise<T>) => Promise<T>;

export interface TreeReaderOptions {
  kv: KVClient;
  keys: KeySpace;
  pageSize: number;
  read: Read;
  /** True when an error says the pinned revision was compacted away. */
  isCompacted: (err: unknown) => boolean;
}

/** Attempts before a list gives up on compactions racing it. */
const ATTEMPTS = 3;

/** Every etcd key-value at or below `root`, in etcd's (byte) order. */
export async function readTree(options: TreeReaderOptions, root: string): Promise<IKeyValue[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readOnce(options, root);
    } catch (err) {
      // A compaction passed the first page's revision while later pages were read: start over.
      if (attempt === ATTEMPTS || !options.isCompacted(err)) throw err;
    }
  }
}

async function readOnce(
  { kv, keys, pageSize, read }: TreeReaderOptions,
  root: string,
): Promise<IKeyValue[]> {
  const below = keys.below(root);
  const page = { ...below, limit: pageSize };
  let kvs: IKeyValue[];
  let more: boolean;
  let revision: string;
  if (root.endsWith('/')) {
    const first = await read(() => kv.range(page));
    ({ kvs, more } = first);
    revision = first.header.revision;
  } else {
    // The root key and the first page of the prefix in one request, at one revision.
    const first = await read(() =>
      kv.txn({ success: [{ request_range: { key: keys.key(root) } }, { request_range: page }] }),
    );
    const [exact, prefix] = first.responses.map((response) => response.response_range);
    kvs = [...(exact?.kvs ?? []), ...(prefix?.kvs ?? [])];
    more = prefix?.more ?? false;
    revision = first.header.revision;
  }
  while (more) {
    const last = kvs.at(-1)!.key;
    const next = await read(() =>
      kv.range({ ...page, key: Buffer.concat([last, ZERO]), revision }),
    );
    for (const item of next.kvs) kvs.push(item);
    more = next.more;
  }
  return kvs;
}

const ZERO = Buffer.from([0]);
