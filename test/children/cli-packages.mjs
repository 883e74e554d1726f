// Runs the built CLI's main() in-process with the given arguments (output discarded), then
// prints which of the etcd client's packages the process loaded, as JSON:
// {"code": exit code, "etcd3": bool, "grpc": bool}.
// argv: <dist/src/cli/main.js> <kvdir argument>...
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const [mainFile, ...argv] = process.argv.slice(2);
const { main } = await import(pathToFileURL(mainFile).href);
const sink = { write: () => true };
const code = await main(argv, { stdin: Readable.from([]), stdout: sink, stderr: sink, env: {} });
const loaded = Object.keys(createRequire(import.meta.url).cache);
const has = (dir) => loaded.some((file) => file.includes(`/node_modules/${dir}/`));
console.log(JSON.stringify({ code, etcd3: has('etcd3'), grpc: has('@grpc/grpc-js') }));
