/**
 * The shared contract suites' view of etcd: a fresh namespace per test on the run's etcd, an
 * EtcdBackend on it, and a raw etcd3 client as the foreign writer (what etcdctl or
 * libcalico-go would do), addressed by key path.
 */
import { Etcd3 } from 'etcd3';
import type { ContractOptions, RawAccess, Supports } from '../../src/contract/index.js';
import { EtcdBackend } from '../../src/backends/etcd/index.js';
import type { EtcdStore } from './etcd.js';
import { etcdStore } from './etcd.js';

/**
 * How late an expiry may come after the TTL asked: the backend shares leases per 1 s bucket
 * (a key may live up to 1 s longer), and etcd's lessor revokes expired leases every 500 ms
 * (up to 540 ms late in a measurement on this test server); the rest is margin for a loaded
 * machine.
 */
export const ETCD_TTL_SLACK_MS = 2500;

/**
 * etcd's shortest TTL, asked of the server itself: it grants at least 1.5 election timeouts,
 * rounded up to whole seconds (2 s with etcd's defaults, 1 s on the test server's fast
 * elections).
 */
export async function minimumTtlMs(endpoint: string): Promise<number> {
  const raw = new Etcd3({ hosts: endpoint });
  try {
    const lease = await raw.leaseClient.leaseGrant({ TTL: 1 });
    await raw.leaseClient.leaseRevoke({ ID: lease.ID });
    return Number(lease.TTL) * 1000;
  } finally {
    raw.close();
  }
}

export function etcdContractStore(
  endpoint: string,
  minTtlMs: number,
): Omit<ContractOptions, 'test'> {
  const supports: Supports = {
    format: 'json',
    fakeClock: false,
    minTtlMs,
    ttlSlackMs: ETCD_TTL_SLACK_MS,
    parsePositions: true,
  };
  return {
    name: 'EtcdBackend on a real etcd',
    supports,
    open: async (options = {}) => {
      const store = etcdStore(endpoint);
      // The suite closes the clients it gets; `store.open` would close them again after the test.
      const make = (extra = {}) =>
        new EtcdBackend({ endpoints: endpoint, namespace: store.namespace, ...extra });
      return { client: make(options), raw: rawAccess(store), reopen: (again = {}) => make(again) };
    },
  };
}

function rawAccess(store: EtcdStore): RawAccess {
  const key = (path: string) => Buffer.from(store.namespace + path);
  return {
    put: (path, text) => store.rawPut(path, text),
    get: (path) => store.rawGet(path),
    remove: async (path) => {
      await store.raw.kv.deleteRange({ key: key(path) });
    },
    has: async (path) => {
      // Every key below `path/`: from `path/` up to `path0` ('0' follows '/').
      const below = Buffer.from(`${store.namespace}${path}/`);
      const end = Buffer.from(`${store.namespace}${path}0`);
      const { responses } = await store.raw.kv.txn({
        success: [
          { request_range: { key: key(path), count_only: true } },
          { request_range: { key: below, range_end: end, count_only: true } },
        ],
      });
      return responses.some(({ response_range }) => Number(response_range.count) > 0);
    },
  };
}
