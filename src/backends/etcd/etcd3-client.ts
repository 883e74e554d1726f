/**
 * Loading and configuring the `etcd3` client. It is an optional peer dependency, loaded the
 * first time an EtcdBackend is constructed and nowhere else: importing it costs 200-300 ms
 * (it compiles its .proto files), which `import 'kvdir'` and the CLI's file commands must not
 * pay. It is CommonJS, so `require` loads it synchronously and a constructor can fail at once
 * with a clear message when it is missing.
 *
 * The configuration undoes three defaults that are wrong for a datastore (etcd-notes §3.5-3.7):
 * - no fault handling: etcd3 retries every "recoverable" error three times, writes included
 *   (a retried create whose first attempt landed reports "already exists"), and opens a 5 s
 *   circuit breaker after three failures, failing unrelated calls;
 * - a receive limit far above grpc-js's 4 MiB, so large lists and watch responses arrive;
 * - a deadline on every unary call (grpc-js has none), streams excepted.
 * Only the raw RPC clients (`kv`, `leaseClient`) are used; they emit no events, so there is no
 * `error` listener to add here. Lease objects (which emit, and keep the process alive with
 * their keepalive) are never created.
 */
import { createRequire } from 'node:module';
import type * as Etcd3 from 'etcd3';
import { DatastoreError } from '../../model/errors.js';
import type { Etcd3Module } from './etcd-errors.js';

type FaultPolicy = NonNullable<NonNullable<Etcd3.IOptions['faultHandling']>['global']>;

/** What `connect` needs: the resolved options of an EtcdBackend. */
export interface ConnectOptions {
  endpoints: string[];
  credentials: Etcd3.IOptions['credentials'];
  auth: { username: string; password: string } | undefined;
  requestTimeoutMs: number;
  maxMessageBytes: number;
}

let loaded: Etcd3Module | undefined;

/** The etcd3 module; a DatastoreError saying how to install it when it is missing. */
export function loadEtcd3(): Etcd3Module {
  if (loaded !== undefined) return loaded;
  const require = createRequire(import.meta.url);
  try {
    loaded = require('etcd3') as Etcd3Module;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' && (err as Error).message.includes("'etcd3'")) {
      throw new DatastoreError(
        'EtcdBackend needs the etcd3 package, an optional peer dependency of kvdir: npm install etcd3',
        { cause: err },
      );
    }
    throw err;
  }
  return loaded;
}

/** Runs each call once: no retries, no circuit breaker (etcd3 calls only `execute`). */
const runOnce: FaultPolicy = {
  _altReturn: undefined as never, // a type-only member of cockatiel's IPolicy
  onSuccess: () => ({ dispose: () => undefined }),
  onFailure: () => ({ dispose: () => undefined }),
  execute: async <T>(
    fn: (context: { signal: AbortSignal }) => PromiseLike<T> | T,
    signal: AbortSignal = new AbortController().signal,
  ): Promise<T> => await fn({ signal }),
};

export function connect(lib: Etcd3Module, options: ConnectOptions): Etcd3.Etcd3 {
  return new lib.Etcd3({
    hosts: options.endpoints,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.auth === undefined ? {} : { auth: options.auth }),
    faultHandling: { host: () => runOnce, global: runOnce },
    grpcOptions: {
      'grpc.max_receive_message_length': options.maxMessageBytes,
      // Calico's clientv3 settings: notice a dead connection within about 40 s.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
    },
    defaultCallOptions: (context) =>
      context.isStream ? {} : { deadline: Date.now() + options.requestTimeoutMs },
  });
}
