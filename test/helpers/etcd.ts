/**
 * Per-test access to the run's etcd (started by test/setup/etcd.ts): whether there is one, and
 * a store of a test's own, isolated by a random namespace so that test files run in parallel
 * on one server. Everything opened here is closed after the test.
 */
import { randomBytes } from 'node:crypto';
import { Etcd3 } from 'etcd3';
import { afterEach, inject } from 'vitest';
import type { EtcdBackendOptions } from '../../src/backends/etcd/index.js';
import { EtcdBackend } from '../../src/backends/etcd/index.js';

/** The run's etcd URL, or undefined when the etcd suites are skipped (no etcd here). */
export const etcdEndpoint: string | undefined = inject('etcd').endpoint;
export const hasEtcd = etcdEndpoint !== undefined;

const opened: Array<{ close(): unknown }> = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((client) => client.close()));
});

/** A namespace no other test uses: `/kvdir-test-<12 hex digits>`. */
export function testNamespace(): string {
  return `/kvdir-test-${randomBytes(6).toString('hex')}`;
}

export interface EtcdStore {
  endpoint: string;
  namespace: string;
  /** An EtcdBackend on this store (closed after the test). */
  open(options?: Partial<EtcdBackendOptions>): EtcdBackend;
  /** A raw etcd3 client, unprefixed: the "foreign writer" and `etcdctl`. */
  raw: Etcd3;
  /** Puts bytes at a key path of this store, as etcdctl or libcalico-go would. */
  rawPut(path: string, value: string | Buffer): Promise<void>;
  /** The bytes at a key path of this store as text, or undefined when there is no such key. */
  rawGet(path: string): Promise<string | undefined>;
  /** Every key path of this store, in etcd's order. */
  rawPaths(): Promise<string[]>;
}

/** A fresh, empty store: a new namespace on the run's etcd (or on `endpoint`). */
export function etcdStore(endpoint = etcdEndpoint): EtcdStore {
  if (endpoint === undefined) throw new Error('no etcd in this run (see the setup message)');
  const namespace = testNamespace();
  let raw: Etcd3 | undefined;
  const rawClient = () => {
    if (raw === undefined) {
      raw = new Etcd3({ hosts: endpoint });
      opened.push(raw);
    }
    return raw;
  };
  return {
    endpoint,
    namespace,
    open: (options) => {
      const client = new EtcdBackend({ endpoints: endpoint, namespace, ...options });
      opened.push(client);
      return client;
    },
    get raw() {
      return rawClient();
    },
    rawPut: async (path, value) => {
      await rawClient()
        .put(namespace + path)
        .value(value);
    },
    rawGet: async (path) =>
      (await rawClient()
        .get(namespace + path)
        .string()) ?? undefined,
    rawPaths: async () =>
      (await rawClient().getAll().prefix(`${namespace}/`).keys()).map((key) =>
        key.slice(namespace.length),
      ),
  };
}
