/**
 * Child process: one kvdir syncer with default options over a tree. Reports the time from
 * start() to InSync, the updates received by then and the process's peak RSS; then, if asked,
 * the delay from each of a series of spaced-out writes to the update that reports it.
 * With `resyncIntervalMs`, it instead watches one periodic resync of the unchanged tree: the
 * files opened or read, the stat and readdir calls (async and sync), the CPU time and the
 * updates sent during it.
 * It also counts the inotify watches it holds at InSync.
 * Input: one JSON argument { impl, root, count, latencyWrites, resyncIntervalMs, timeoutMs };
 * output: one IPC message.
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { policyName, policyValue, spread, treePath } from '../lib/data.mjs';
import { percentile, round, sleep } from '../lib/measure.mjs';

const options = JSON.parse(process.argv[2]);
/** File-system calls, counted by kind (kvdir looks its fs methods up at each call). */
const calls = { read: 0, stat: 0, readdir: 0 };
const KINDS = {
  read: ['readFile', 'open', 'readFileSync', 'openSync'],
  stat: ['lstat', 'stat', 'lstatSync', 'statSync'],
  readdir: ['readdir', 'readdirSync'],
};
// Only where a resync is watched: the wrappers cost every file-system call a little, and the
// other runs are timed against a baseline that has none.
for (const [kind, names] of options.resyncIntervalMs ? Object.entries(KINDS) : []) {
  for (const name of names) {
    const owner = name.endsWith('Sync') ? fs : fs.promises;
    const original = owner[name];
    owner[name] = function counted(...args) {
      calls[kind]++;
      return original.apply(this, args);
    };
  }
}
const kvdir = await import(pathToFileURL(options.impl).href);
const warnings = [];
process.on('warning', (warning) =>
  warnings.push(`${warning.code ?? warning.name}: ${warning.message}`),
);

const waiters = new Map();
let updates = 0;
let reachedInSync;
const inSync = new Promise((resolve) => (reachedInSync = resolve));

const client = new kvdir.FileBackend({ root: options.root });
const syncerOptions = options.resyncIntervalMs
  ? { resyncIntervalMs: options.resyncIntervalMs }
  : {};
const syncer = client.syncer(
  {
    onStatusUpdated(status) {
      if (status === kvdir.SyncStatus.InSync) reachedInSync(performance.now());
    },
    onUpdates(batch) {
      updates += batch.length;
      for (const update of batch) {
        const name = update.key.name ?? String(update.key.path).split('/').pop();
        const waiter = waiters.get(name);
        if (waiter !== undefined && update.updateType === kvdir.UpdateType.KVUpdated)
          waiter(performance.now());
      }
    },
  },
  syncerOptions,
);

const t0 = performance.now();
syncer.start();
const inSyncAt = await Promise.race([inSync, sleep(options.timeoutMs).then(() => undefined)]);
const result = { warnings };
if (inSyncAt === undefined) {
  result.error = `no InSync after ${options.timeoutMs} ms (${updates} updates received)`;
} else {
  const usage = process.resourceUsage();
  result.inSyncMs = round(inSyncAt - t0, 1);
  result.updatesAtInSync = updates;
  result.rssMB = round(process.memoryUsage().rss / 2 ** 20, 1);
  result.peakRssMB = round((usage.maxRSS * 1024) / 2 ** 20, 1);
  result.watches = inotifyWatches();
  if (options.latencyWrites > 0) result.latency = await measureLatency(options.latencyWrites);
  if (options.resyncIntervalMs > 0)
    result.resync = await measureResync(inSyncAt, options.resyncIntervalMs);
}
await syncer.stop();
await client.close();
process.send(result, () => process.exit(0));

/** The inotify watches this process holds (Linux: /proc/self/fdinfo), or undefined elsewhere. */
function inotifyWatches() {
  try {
    let watches = 0;
    for (const fd of fs.readdirSync('/proc/self/fd')) {
      let target;
      try {
        target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        continue;
      }
      if (target !== 'anon_inode:inotify') continue;
      const info = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
      watches += info.split('\n').filter((line) => line.startsWith('inotify wd:')).length;
    }
    return watches;
  } catch {
    return undefined;
  }
}

/**
 * Resyncs run every `interval` ms after InSync: the window from 0.5 to 1.5 intervals after
 * InSync holds exactly the first one (if it takes under half an interval).
 */
async function measureResync(inSyncAt, interval) {
  await sleep(inSyncAt + interval / 2 - performance.now());
  const calls0 = { ...calls };
  const updates0 = updates;
  const cpu0 = process.cpuUsage();
  await sleep(interval);
  const cpu = process.cpuUsage(cpu0);
  const delta = (kind) => calls[kind] - calls0[kind];
  return {
    filesRead: delta('read'),
    stats: delta('stat'),
    readdirs: delta('readdir'),
    updates: updates - updates0,
    cpuMs: round((cpu.user + cpu.system) / 1000, 0),
  };
}

/** Spaced-out updates of existing keys; each waits for its KVUpdated before the next. */
async function measureLatency(writes) {
  const timeoutMs = 5000;
  const fromStart = [];
  const fromEnd = [];
  let missed = 0;
  const indices = spread(writes, options.count);
  for (let k = 0; k < writes; k++) {
    const i = indices[k];
    await sleep(10 + Math.random() * 20);
    const name = policyName(i);
    const seen = new Promise((resolve) => waiters.set(name, resolve));
    const start = performance.now();
    await client.update({ key: new kvdir.PathKey(treePath(i)), value: policyValue(i, k + 1) });
    const end = performance.now();
    const at = await Promise.race([seen, sleep(timeoutMs).then(() => undefined)]);
    waiters.delete(name);
    if (at === undefined) missed++;
    fromStart.push((at ?? start + timeoutMs) - start);
    fromEnd.push((at ?? end + timeoutMs) - end);
  }
  const stats = (values) => ({
    p50: round(percentile(values, 50), 1),
    p99: round(percentile(values, 99), 1),
    max: round(Math.max(...values), 1),
  });
  return {
    samples: writes,
    missed,
    fromWriteStart: stats(fromStart),
    fromWriteEnd: stats(fromEnd),
  };
}
