const kvdir = await import('../dist/src/index.js');
const root = process.argv[2];
const client = new kvdir.FileBackend({ root });
let n = 0;
const t0 = performance.now();
const c0 = process.cpuUsage();
await new Promise((resolve) => {
  const s = client.syncer({
    onStatusUpdated(st) {
      console.log('status', st, Math.round(performance.now() - t0));
      if (st === kvdir.SyncStatus.InSync) resolve(s);
    },
    onUpdates(b) {
      n += b.length;
    },
  });
  s.start();
}).then(async (s) => {
  const c = process.cpuUsage(c0);
  console.log(
    'insync',
    Math.round(performance.now() - t0),
    'ms cpu',
    Math.round((c.user + c.system) / 1000),
    n,
    'rss',
    Math.round(process.resourceUsage().maxRSS / 1024),
  );
  await s.stop();
});
await client.close();
