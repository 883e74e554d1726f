// Imports the modules named on the command line (file paths), then prints which of the etcd
// client's packages the process has loaded, as JSON: {"etcd3": bool, "grpc": bool}.
// argv: [--construct-etcd] <module path>...: with --construct-etcd, the last module's
// EtcdBackend is also constructed (and closed), the positive control.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const construct = args[0] === '--construct-etcd';
let last;
for (const file of construct ? args.slice(1) : args) last = await import(pathToFileURL(file).href);
if (construct) await new last.EtcdBackend({ endpoints: 'http://127.0.0.1:9' }).close();
const loaded = Object.keys(createRequire(import.meta.url).cache);
const has = (dir) => loaded.some((file) => file.includes(`/node_modules/${dir}/`));
console.log(JSON.stringify({ etcd3: has('etcd3'), grpc: has('@grpc/grpc-js') }));
