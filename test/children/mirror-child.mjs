// Runs a live mirror of a directory to etcd and prints each of its events as a JSON line; a
// test kills it (kill -9) in the middle of its first pass. Exits 0 on SIGTERM, after close():
// nothing may keep it alive then.
// argv: <kvdir dist/src dir> <directory> <endpoint> <namespace>
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist, dir, endpoint, namespace] = process.argv.slice(2);
const { FileBackend } = await import(pathToFileURL(join(dist, 'index.js')).href);
const { EtcdBackend } = await import(pathToFileURL(join(dist, 'backends/etcd/index.js')).href);
const { mirror } = await import(pathToFileURL(join(dist, 'mirror/index.js')).href);
const source = new FileBackend({ root: dir, fsync: false });
const target = new EtcdBackend({ endpoints: endpoint, namespace });
const running = mirror(source, target, {
  lockTtlSeconds: 2,
  onEvent: (event) => console.log(JSON.stringify(event)),
});
process.once('SIGTERM', async () => {
  await running.close();
  await Promise.all([source.close(), target.close()]);
  console.log('closed');
});
