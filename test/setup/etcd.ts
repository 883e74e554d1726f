/**
 * Vitest global setup: one etcd for the whole test run, on free loopback ports with its data in
 * tmpfs, its URL given to the tests as `inject('etcd')` (helpers/etcd.ts), stopped at the end.
 * Without etcd the etcd suites are skipped, with one line saying how to get it; in CI (`CI`
 * set) a missing etcd fails the run instead, so that CI never passes without them.
 */
import type { TestProject } from 'vitest/node';
import { EtcdServer, INSTALL_HINT, findEtcd } from '../../bench/lib/etcd-server.mjs';

/** What the tests get: etcd's client URL, or why there is none. */
export type EtcdContext = { endpoint: string } | { endpoint: undefined; missing: string };

declare module 'vitest' {
  export interface ProvidedContext {
    etcd: EtcdContext;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const found = findEtcd();
  if (found.bin === undefined) {
    const ci = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());
    if (ci) throw new Error(`etcd is required in CI (${found.missing}): ${INSTALL_HINT}`);
    console.warn(`etcd suites skipped (${found.missing}): ${INSTALL_HINT}`);
    project.provide('etcd', { endpoint: undefined, missing: found.missing });
    return;
  }
  const server = await EtcdServer.start({ bin: found.bin });
  project.provide('etcd', { endpoint: server.endpoint });
  return () => server.stop();
}
