/**
 * kvdir key paths <-> etcd keys: the etcd key is `namespace + path`, as UTF-8 bytes, with no
 * escaping beyond Calico's own (the model's `%2f` in names). Also the revision rule: kvdir's
 * revision is the key's `mod_revision` as a decimal string.
 */

export interface KeyRange {
  key: Buffer;
  /** Exclusive end: every key that starts with the prefix sorts below it. */
  range_end: Buffer;
}

export class KeySpace {
  readonly namespace: string;
  readonly #namespaceBytes: number;

  constructor(namespace: string) {
    this.namespace = namespace;
    this.#namespaceBytes = Buffer.byteLength(namespace);
  }

  /** The etcd key of a key path. */
  key(path: string): Buffer {
    return Buffer.from(this.namespace + path, 'utf8');
  }

  /** The key path of an etcd key read back from a range within the namespace. */
  path(etcdKey: Buffer): string {
    return etcdKey.toString('utf8', this.#namespaceBytes);
  }

  /**
   * Every etcd key strictly below a key path: the prefix `path + '/'`, never `path` alone,
   * which would also take siblings such as `/apps/webby` for `/apps/web`.
   */
  below(path: string): KeyRange {
    return prefixRange(this.key(path.endsWith('/') ? path : `${path}/`));
  }
}

/** The range of every key that starts with `prefix`. */
export function prefixRange(prefix: Buffer): KeyRange {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return { key: prefix, range_end: end.subarray(0, i + 1) };
    }
  }
  // Only 0xff bytes (or empty): etcd's "\0" end means every key from `prefix` on.
  return { key: prefix, range_end: Buffer.from([0]) };
}

const INT64_MAX = 2n ** 63n - 1n;

/**
 * Whether a revision can name an etcd `mod_revision`: a positive decimal int64. Any other
 * string (a FileBackend revision, `0`, text) is never current. It must not reach etcd either:
 * the protobuf layer reads `abc` as 0, and `mod_revision == 0` holds for a missing key.
 */
export function isEtcdRevision(revision: string): boolean {
  return /^[1-9]\d{0,18}$/.test(revision) && BigInt(revision) <= INT64_MAX;
}
