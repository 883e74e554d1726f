/**
 * Child process: the etcd syncer or its baseline, alone in a process so that its peak RSS is
 * its own.
 * - mode 'syncer': an EtcdBackend syncer over `prefix`; the time from start() to InSync, the
 *   updates received by then, the peak RSS. With `latencyWrites`, then spaced-out raw puts of
 *   existing keys (`/${POLICY_DIR}/${policyName(i)}`, as loadSyncerData writes them), each timed from the start of the put to the syncer's KVUpdated and to the
 *   event on a raw etcd3 watch stream in the same process (the baseline), paired.
 * - mode 'raw': the baseline of InSync, a paged range (pages of 10,000 at one revision) with
 *   JSON.parse of every value, kept; its time and peak RSS.
 * etcd3 is loaded before the clock starts on both sides (importing it costs 200-300 ms).
 * Input: one JSON argument { impl, endpoint, namespace, prefix, count, mode, latencyWrites,
 * timeoutMs }; output: one IPC message.
 */
import { join, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RawEtcd } from '../lib/etcd-raw.mjs';
import { POLICY_DIR, policyName, policyValue, spread } from '../lib/data.mjs';
import { percentile, round, sleep } from '../lib/measure.mjs';

const options = JSON.parse(process.argv[2]);
const kvdir = await import(pathToFileURL(options.impl).href);
const { EtcdBackend } = await import(
  pathToFileURL(join(dirname(options.impl), 'backends', 'etcd', 'index.js')).href
);
const raw = new RawEtcd(options.endpoint, options.namespace);
const result = options.mode === 'raw' ? await baseline() : await syncer();
raw.close();
process.send(result, () => process.exit(0));

async function baseline() {
  const t0 = performance.now();
  const values = await raw.listParsed(options.prefix);
  const ms = performance.now() - t0;
  if (values.length !== options.count) return { error: `listed ${values.length} keys` };
  return { ms: round(ms, 1), peakRssMB: peakRss() };
}

async function syncer() {
  const client = new EtcdBackend({ endpoints: options.endpoint, namespace: options.namespace });
  const waiters = new Map();
  let updates = 0;
  let reachedInSync;
  const inSync = new Promise((resolve) => (reachedInSync = resolve));
  const warnings = [];
  const syncer = client.syncer(
    {
      onStatusUpdated: (status) => status === kvdir.SyncStatus.InSync && reachedInSync(),
      onUpdates(batch) {
        const at = performance.now();
        updates += batch.length;
        for (const update of batch) waiters.get(update.key.name)?.(at);
      },
    },
    { prefixes: [options.prefix], onWarning: (w) => warnings.push(`${w.code}: ${w.message}`) },
  );
  const t0 = performance.now();
  syncer.start();
  const timedOut = await Promise.race([inSync, sleep(options.timeoutMs).then(() => true)]);
  const result = { warnings };
  if (timedOut) result.error = `no InSync after ${options.timeoutMs} ms (${updates} updates)`;
  else {
    result.inSyncMs = round(performance.now() - t0, 1);
    result.updatesAtInSync = updates;
    result.peakRssMB = peakRss();
    if (options.latencyWrites > 0) result.latency = await latency(waiters);
  }
  await client.close();
  return result;
}

/** Spaced-out raw puts; each waits for both the syncer's update and the raw watch's event. */
async function latency(waiters) {
  const stream = await raw.client.watchClient.watch();
  const watched = new Map();
  stream.on('error', () => {});
  stream.on('data', (response) => {
    const at = performance.now();
    for (const event of response.events)
      watched.get(event.kv.key.toString().split('/').pop())?.(at);
  });
  const start = Buffer.from(`${options.namespace}${options.prefix}/`);
  const end = Buffer.from(start);
  end[end.length - 1]++;
  stream.write({ create_request: { key: start, range_end: end } });
  await sleep(200);
  const samples = { syncer: [], raw: [] };
  let missed = 0;
  for (const [k, i] of spread(options.latencyWrites, options.count).entries()) {
    await sleep(10 + Math.random() * 20);
    const path = `/${POLICY_DIR}/${policyName(i)}`;
    const name = policyName(i);
    const seen = (map) => new Promise((resolve) => map.set(name, resolve));
    const both = Promise.all([seen(waiters), seen(watched)]);
    const t0 = performance.now();
    await raw.put(path, policyValue(i, k + 1));
    const at = await Promise.race([both, sleep(5000).then(() => undefined)]);
    waiters.delete(name);
    watched.delete(name);
    if (at === undefined) missed++;
    else {
      samples.syncer.push(at[0] - t0);
      samples.raw.push(at[1] - t0);
    }
  }
  stream.end();
  stream.cancel();
  const stats = (values) => ({
    p50: round(percentile(values, 50), 2),
    p99: round(percentile(values, 99), 2),
    max: round(Math.max(...values), 2),
    samples: values.length,
    missed,
  });
  return { syncer: stats(samples.syncer), raw: stats(samples.raw) };
}

function peakRss() {
  return round((process.resourceUsage().maxRSS * 1024) / 2 ** 20, 1);
}
