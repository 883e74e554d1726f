// Read-modify-write increments of one counter key, retrying on conflict.
// argv: <root> <key path> <count> <mode: update|apply>
import { FileBackend, PathKey, ResourceUpdateConflictError } from '../../dist/src/index.js';

const [root, keyPath, count, mode] = process.argv.slice(2);
const client = new FileBackend({ root, fsync: false });
const key = new PathKey(keyPath);
let conflicts = 0;
for (let i = 0; i < Number(count); i++) {
  for (;;) {
    const kv = await client.get(key);
    try {
      await client[mode]({ key, value: { n: kv.value.n + 1 }, revision: kv.revision });
      break;
    } catch (err) {
      if (!(err instanceof ResourceUpdateConflictError)) throw err;
      conflicts++;
    }
  }
}
await client.close();
process.stdout.write(JSON.stringify({ conflicts }) + '\n');
