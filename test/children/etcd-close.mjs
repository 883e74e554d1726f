// Uses an EtcdBackend (a TTL write on a shared lease, a get, a list, a failed call) and closes
// it, then leaves the process to exit on its own: nothing may keep it alive.
// argv: <kvdir dist/src dir> <endpoint> <namespace>
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist, endpoint, namespace] = process.argv.slice(2);
const kvdir = await import(pathToFileURL(join(dist, 'index.js')).href);
const { EtcdBackend } = await import(pathToFileURL(join(dist, 'backends/etcd/index.js')).href);
const client = new EtcdBackend({ endpoints: endpoint, namespace });
const key = new kvdir.PathKey('/close/a');
await client.create({ key, value: { a: 1 }, ttl: 60_000 });
await client.get(key);
await client.list(new kvdir.PathListOptions({ prefix: '/close' }));
await client.create({ key, value: {} }).catch(() => undefined);
await client.close();
console.log('closed');
