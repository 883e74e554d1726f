// Read-modify-write increments of one counter key, retrying on conflict.
// argv: <root> <key path> <count> <mode: update|apply> [churn: create and delete sibling keys]
import { FileBackend, PathKey, ResourceUpdateConflictError } from '../../dist/src/index.js';

const [root, keyPath, count, mode, churn] = process.argv.slice(2);
const client = new FileBackend({ root, fsync: false });
const key = new PathKey(keyPath);
let conflicts = 0;
for (let i = 0; i < Number(count); i++) {
  if (churn === 'churn') {
    const sibling = new PathKey(`${keyPath}-sibling-${process.pid}-${i % 5}`);
    if (i % 10 < 5) await client.create({ key: sibling, value: { i } });
    else await client.delete({ key: sibling });
  }
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
