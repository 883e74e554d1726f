/**
 * Reads a key path and everything below it, as one consistent picture: the root key itself
 * and the prefix `root + '/'` (one range `[root, root + '0')` would also take siblings such
 * as `root-x`, since `-`, `.` and `%` sort below `/`), in pages of `pageSize` keys, every page
 * at the revision of the first. Pages keep each response small (grpc-js refuses large ones,
 * and one 33 MB response of 100,000 keys costs more memory than ten of 3 MB).
 *
 * `scanTrees` reads several roots at one revision, page by page, for the syncer's snapshot;
 * `readTree` collects one root for `list()`.
 */
import type { IKeyValue, IResponseHeader, KVClient } from 'etcd3';
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
  /** Keys without their values (etcd's `keys_only`): what `listKeys` needs. */
  keysOnly?: boolean;
}

/** Told each page of a scan, in order: `root` is the index of the root it belongs to. */
export type OnPage = (kvs: IKeyValue[], root: number) => void | Promise<void>;

/** Attempts before a read gives up on compactions racing it. */
const ATTEMPTS = 3;

/** Every etcd key-value at or below `root`, in etcd's (byte) order. */
export async function readTree(options: TreeReaderOptions, root: string): Promise<IKeyValue[]> {
  let kvs: IKeyValue[] = [];
  await scanTrees(options, [root], {
    restart: () => (kvs = []),
    page: (page) => {
      for (const kv of page) kvs.push(kv);
    },
  });
  return kvs;
}

export interface ScanHandlers {
  page: OnPage;
  /** A compaction passed the pinned revision: everything told so far is void, it starts over. */
  restart(): void;
}

/**
 * Reads every root at one revision, page by page; returns the header of the first response
 * (its revision is the one every page was read at).
 */
export async function scanTrees(
  options: TreeReaderOptions,
  roots: readonly string[],
  handlers: ScanHandlers,
): Promise<IResponseHeader> {
  for (let attempt = 1; ; attempt++) {
    try {
      let header: IResponseHeader | undefined;
      for (const [index, root] of roots.entries()) {
        const first = await readRoot(options, root, header?.revision, (kvs) =>
          handlers.page(kvs, index),
        );
        header ??= first;
      }
      return header!;
    } catch (err) {
      // A compaction passed the first page's revision while later pages were read: start over.
      if (attempt === ATTEMPTS || !options.isCompacted(err)) throw err;
      handlers.restart();
    }
  }
}

/** Reads one root in pages (at `revision`, or at the current one); returns the first header. */
async function readRoot(
  { kv, keys, pageSize, read, keysOnly = false }: TreeReaderOptions,
  root: string,
  revision: string | undefined,
  onPage: (kvs: IKeyValue[]) => void | Promise<void>,
): Promise<IResponseHeader> {
  const at = revision === undefined ? {} : { revision };
  const only = keysOnly ? { keys_only: true } : {};
  const page = { ...keys.below(root), limit: pageSize, ...at, ...only };
  let kvs: IKeyValue[];
  let more: boolean;
  let header: IResponseHeader;
  if (root.endsWith('/')) {
    ({ kvs, more, header } = await read(() => kv.range(page)));
  } else {
    // The root key and the first page of the prefix in one request, at one revision.
    const first = await read(() =>
      kv.txn({
        success: [
          { request_range: { key: keys.key(root), ...at, ...only } },
          { request_range: page },
        ],
      }),
    );
    const [exact, prefix] = first.responses.map((response) => response.response_range);
    kvs = [...(exact?.kvs ?? []), ...(prefix?.kvs ?? [])];
    more = prefix?.more ?? false;
    header = first.header;
  }
  const pinned = { ...page, revision: header.revision };
  for (;;) {
    await onPage(kvs);
    if (!more) return header;
    const last = kvs.at(-1)!.key;
    ({ kvs, more } = await read(() => kv.range({ ...pinned, key: Buffer.concat([last, ZERO]) })));
  }
}

const ZERO = Buffer.from([0]);
