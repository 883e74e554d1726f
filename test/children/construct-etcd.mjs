// Constructs an EtcdBackend from the given module and prints what happened, as JSON:
// {"ok": true} or {"name", "code", "message"} of the error.
// argv: <path of backends/etcd/index.js>
import { pathToFileURL } from 'node:url';

const { EtcdBackend } = await import(pathToFileURL(process.argv[2]).href);
try {
  await new EtcdBackend({ endpoints: 'http://127.0.0.1:9' }).close();
  console.log(JSON.stringify({ ok: true }));
} catch (err) {
  console.log(JSON.stringify({ name: err.name, code: err.code, message: err.message }));
}
