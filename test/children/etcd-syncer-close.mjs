// Starts a syncer on an EtcdBackend, waits until it is InSync, then closes the client (which
// stops the syncer) and leaves the process to exit on its own: nothing may keep it alive.
// argv: <kvdir dist/src dir> <endpoint> <namespace>
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist, endpoint, namespace] = process.argv.slice(2);
const kvdir = await import(pathToFileURL(join(dist, 'index.js')).href);
const { EtcdBackend } = await import(pathToFileURL(join(dist, 'backends/etcd/index.js')).href);
const client = new EtcdBackend({ endpoints: endpoint, namespace });
await client.create({ key: new kvdir.PathKey('/s/a'), value: { a: 1 } });
await new Promise((resolve) => {
  const syncer = client.syncer({
    onStatusUpdated: (status) => status === kvdir.SyncStatus.InSync && resolve(syncer),
    onUpdates: () => {},
  });
  syncer.start();
});
await client.close();
console.log('closed');
