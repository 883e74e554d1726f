/**
 * A real etcd for tests. One server per test run is started by the global setup
 * (test/setup/etcd.ts) and shared through namespaces (helpers/etcd.ts); a test that kills or
 * restarts etcd starts a private one with `privateEtcd()`. The process handling itself is in
 * bench/lib/etcd-server.mjs, shared with `npm run bench`.
 */
import { afterEach } from 'vitest';
import { EtcdServer, findEtcd } from '../../bench/lib/etcd-server.mjs';

export { EtcdServer, INSTALL_HINT, findEtcd, freePort } from '../../bench/lib/etcd-server.mjs';

const started: EtcdServer[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

/** An etcd of this test's own (stopped after it), for kill and restart. */
export async function privateEtcd(): Promise<EtcdServer> {
  const { bin, missing } = findEtcd();
  if (bin === undefined) throw new Error(missing);
  const server = await EtcdServer.start({ bin, name: 'kvdir-private' });
  started.push(server);
  return server;
}
