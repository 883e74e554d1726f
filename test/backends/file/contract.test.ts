/**
 * The shared contract suites (src/contract) on the file backend, on disk and on memfs, through
 * `fileContractStore` (kvdir/testing), as a user would run them. The client suite runs on a
 * fake clock, so its TTL test does not wait; syncers need real timers. File-only checks
 * (layout, sidecars, hidden files) are in contract-extras.test.ts.
 */
import { describe, it } from 'vitest';
import { runClientContract, runSyncerContract } from '../../../src/contract/index.js';
import { fileContractStore } from '../../../src/testing.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const test = { describe, it };
const clock = () => new FakeClock();

for (const memfs of [false, true]) {
  runClientContract({ ...fileContractStore({ memfs, clock }), test });
  runSyncerContract({ ...fileContractStore({ memfs }), test });
}
