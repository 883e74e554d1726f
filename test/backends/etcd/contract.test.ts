/**
 * The shared contract suites (src/contract) on EtcdBackend against the run's etcd, each test in
 * a namespace of its own, in real time (etcd's leases run on its own clock). Skipped, with the
 * setup's one-line message, where there is no etcd. What only etcd promises is in the other
 * files of this folder.
 */
import { describe, it } from 'vitest';
import { runClientContract, runSyncerContract } from '../../../src/contract/index.js';
import { etcdEndpoint, hasEtcd } from '../../helpers/etcd.js';
import { etcdContractStore, minimumTtlMs } from '../../helpers/etcd-contract.js';

const test = { describe: describe.runIf(hasEtcd), it };
const endpoint = etcdEndpoint ?? 'http://127.0.0.1:9';
const minTtlMs = hasEtcd ? await minimumTtlMs(endpoint) : 2000;

runClientContract({ ...etcdContractStore(endpoint, minTtlMs), test });
runSyncerContract({ ...etcdContractStore(endpoint, minTtlMs), test });
