import v8 from 'node:v8';
const kvdir = await import('../dist/src/index.js');
const client = new kvdir.FileBackend({ root: process.argv[2] });
await new Promise((resolve) => {
  const s = client.syncer({
    onStatusUpdated(st) {
      if (st === kvdir.SyncStatus.InSync) resolve(s);
    },
    onUpdates() {},
  });
  s.start();
}).then(async (s) => {
  globalThis.gc?.();
  console.log(v8.writeHeapSnapshot('/tmp/pf/h.heapsnapshot'));
  await s.stop();
});
await client.close();
