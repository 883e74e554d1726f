/** The options of an EtcdBackend, their defaults, and their checks (misuse is told at once). */
import type { ErroredField, KvdirError } from '../../model/errors.js';
import { ValidationError } from '../../model/errors.js';

export interface EtcdBackendOptions {
  /** etcd's client URLs, e.g. `http://127.0.0.1:2379`, as one string or a list. */
  endpoints: string | string[];
  /**
   * Prepended to every etcd key (etcd's term; kvdir's keys start with `/`), e.g. `/tenant-a`.
   * Default `''`. It must not end with `/`.
   */
  namespace?: string;
  /** TLS: the CA, and a client certificate and key for mutual TLS (etcd3's `credentials`). */
  credentials?: { rootCertificate: Buffer; privateKey?: Buffer; certChain?: Buffer };
  /** etcd user and password (etcd3's `auth`). */
  auth?: { username: string; password: string };
  /** Deadline of each request, in ms. Default 10,000 (Calico's). */
  requestTimeoutMs?: number;
  /** Largest message received from etcd, in bytes. Default 256 MiB (grpc-js's own is 4 MiB). */
  maxMessageBytes?: number;
  /** Keys per range request when listing; the pages are read at one revision. Default 10,000. */
  pageSize?: number;
  /**
   * How much later than its TTL a key may expire, in ms, so that writes share leases: each
   * lease serves every write whose expiry falls in its bucket (one lease per write halves write
   * throughput). Keys never expire early. Default 1,000; etcd's leases are whole seconds, so
   * less than 1,000 shares leases only for TTLs that are not whole seconds.
   */
  ttlBucketMs?: number;
  /**
   * etcd's request limit (its `--max-request-bytes`, default 1.5 MiB) as this client sees it:
   * a write whose value, with its key and the request's framing, would be larger fails with a
   * ValidationError before anything is sent. Set it to your server's limit if you changed that.
   */
  maxValueBytes?: number;
  /**
   * Called for each key `list()` skips because its value does not decode (a foreign writer put
   * bytes that are not Calico's encoding). Default: `process.emitWarning`.
   */
  onListError?: (error: KvdirError) => void;
}

export interface ResolvedOptions {
  endpoints: string[];
  namespace: string;
  credentials: EtcdBackendOptions['credentials'];
  auth: EtcdBackendOptions['auth'];
  requestTimeoutMs: number;
  maxMessageBytes: number;
  pageSize: number;
  ttlBucketMs: number;
  maxValueBytes: number;
  onListError: (error: KvdirError) => void;
}

export const DEFAULT_MAX_VALUE_BYTES = 1.5 * 1024 * 1024;

export function resolveOptions(options: EtcdBackendOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError([
      { name: 'options', value: options, reason: 'an object with endpoints is required' },
    ]);
  }
  const problems: ErroredField[] = [];
  const endpoints = typeof options.endpoints === 'string' ? [options.endpoints] : options.endpoints;
  if (
    !Array.isArray(endpoints) ||
    endpoints.length === 0 ||
    !endpoints.every((url) => typeof url === 'string' && /^https?:\/\/[^/]+\/?$/.test(url))
  ) {
    problems.push({
      name: 'endpoints',
      value: options.endpoints,
      reason: 'one or more URLs such as http://127.0.0.1:2379',
    });
  }
  const namespace = options.namespace ?? '';
  if (typeof namespace !== 'string' || namespace.endsWith('/') || namespace.includes('\0')) {
    problems.push({
      name: 'namespace',
      value: namespace,
      reason: "a string that does not end with '/', e.g. /tenant-a",
    });
  }
  const number = (name: keyof EtcdBackendOptions, fallback: number, min: number): number => {
    const value = options[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      problems.push({ name, value, reason: `an integer >= ${min}` });
    }
    return value as number;
  };
  const resolved: ResolvedOptions = {
    endpoints: Array.isArray(endpoints) ? endpoints : [],
    namespace,
    credentials: options.credentials,
    auth: options.auth,
    requestTimeoutMs: number('requestTimeoutMs', 10_000, 1),
    maxMessageBytes: number('maxMessageBytes', 256 * 1024 * 1024, 4 * 1024 * 1024),
    pageSize: number('pageSize', 10_000, 1),
    ttlBucketMs: number('ttlBucketMs', 1_000, 0),
    maxValueBytes: number('maxValueBytes', DEFAULT_MAX_VALUE_BYTES, 1024),
    onListError:
      options.onListError ?? ((error) => process.emitWarning(error.message, { code: error.code })),
  };
  if (problems.length > 0) throw new ValidationError(problems);
  return resolved;
}
