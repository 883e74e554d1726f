// Reads a tree every way kvdir does and prints one JSON line per way: get, list, check and a
// syncer up to InSync. Run in a child so that a read that blocks (a FIFO) cannot hang a test.
// argv: <root> <key path to get>
import { FileBackend, PathKey, PathListOptions, SyncStatus } from '../../dist/src/index.js';

const [root, path] = process.argv.slice(2);
const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const outcome = async (op, fn) => {
  try {
    print({ op, ok: true, ...(await fn()) });
  } catch (err) {
    print({ op, ok: false, code: err.code, message: err.message });
  }
};
const listErrors = [];
const client = new FileBackend({ root, fsync: false, onListError: (e) => listErrors.push(e.code) });

await outcome('get', async () => {
  const kv = await client.get(new PathKey(path));
  return { value: kv.value, revision: kv.revision };
});
await outcome('list', async () => {
  const pairs = await client.list(new PathListOptions({ prefix: '/' }));
  return {
    keys: pairs.map((kv) => kv.key.path),
    revisions: pairs.map((kv) => kv.revision),
    errors: listErrors,
  };
});
await outcome('check', async () => ({
  problems: (await client.check('/')).map((p) => `${p.file.slice(root.length)}: ${p.message}`),
}));
await outcome('syncer', () => {
  const keys = [];
  const warnings = [];
  return new Promise((resolve) => {
    const syncer = client.syncer(
      {
        onStatusUpdated: (status) => {
          if (status !== SyncStatus.InSync) return;
          void syncer.stop().then(() => resolve({ keys, warnings }));
        },
        onUpdates: (updates) => keys.push(...updates.map((u) => u.key.defaultPath())),
      },
      { onWarning: (w) => warnings.push(w.code) },
    );
    syncer.start();
  });
});
await client.close();
print({ op: 'done' });
