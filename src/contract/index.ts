/**
 * `kvdir/contract`: the behaviour of a `Client` and of its syncer, written once against the
 * public API, for any backend and any test runner (abstract-level's shared suite, unstorage's
 * `testDriver`). A backend's test file calls `runClientContract` and `runSyncerContract` with
 * its runner's `describe`/`it`, a factory for a fresh isolated datastore, a raw handle for
 * "a foreign writer", and a `supports` manifest; backend-specific tests sit beside the call.
 */
import { readTests } from './client-reads.js';
import { writeTests } from './client-writes.js';
import type { ContractOptions } from './types.js';

export function runClientContract(contract: ContractOptions): void {
  contract.test.describe(`Client contract: ${contract.name}`, () => {
    writeTests(contract);
    readTests(contract);
  });
}

export { runSyncerContract } from './syncer.js';
export { Recorder } from './recorder.js';
export type { Failure, Held } from './recorder.js';
export type {
  ContractOptions,
  OpenOptions,
  Opened,
  RawAccess,
  Supports,
  TestApi,
} from './types.js';
