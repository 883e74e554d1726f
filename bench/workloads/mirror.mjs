/**
 * `kvdir mirror` (kvdir/mirror) against a throwaway etcd, over a tree of 10,000 policy files
 * of its own (its edits must not disturb the other workloads' tree):
 * - the first pass (the FileBackend syncer to InSync, the election, a paged read, the plan,
 *   10,000 creates in guarded txns of 127), beside what it cannot avoid in the same run: the
 *   same syncer to InSync plus the same bytes put by raw etcd3 txns of 127, sequential;
 * - a second pass over the unchanged tree (nothing written), beside the syncer plus a raw
 *   paged range;
 * - `kvdir mirror --once` as a process (etcd3's import and the CLI included), wall time;
 * - the delay from a file edit to the etcd watch event of its key, live, beside the
 *   FileBackend syncer's update for the same edit (what the mirror waits for before it
 *   writes: its 50 ms quiet window), paired.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EtcdServer, INSTALL_HINT, findEtcd } from '../lib/etcd-server.mjs';
import { RawEtcd } from '../lib/etcd-raw.mjs';
import { TREE_PREFIX, buildTree, fileOf, policyBytes, spread, treePath } from '../lib/data.mjs';
import { percentile, round, sleep } from '../lib/measure.mjs';
import { absoluteRow, timeRow } from '../report.mjs';

const BIN = resolve(fileURLToPath(new URL('../../bin/kvdir.js', import.meta.url)));
const TXN_WRITES = 127;
const EDITS = 100;

export async function mirrorRows(ctx) {
  const found = findEtcd();
  if (found.bin === undefined) {
    ctx.note(`the mirror workloads were not run (${found.missing}): ${INSTALL_HINT}`);
    return [];
  }
  const count = ctx.scale.tree;
  const root = ctx.dir('mirror');
  ctx.log(`mirror: building a tree of ${count.toLocaleString('en-US')} policies`);
  await buildTree(ctx.kvdir, root, 0, count);
  const server = await EtcdServer.start({ bin: found.bin, name: 'kvdir-bench-mirror' });
  const lib = dirname(ctx.impl);
  const { EtcdBackend } = await import(
    pathToFileURL(join(lib, 'backends', 'etcd', 'index.js')).href
  );
  const { mirror } = await import(pathToFileURL(join(lib, 'mirror', 'index.js')).href);
  const raw = new RawEtcd(server.endpoint, '/bench-mirror-raw');
  const clients = [];
  const open = (namespace) => {
    const client = new EtcdBackend({ endpoints: server.endpoint, namespace });
    clients.push(client);
    return client;
  };
  const files = new ctx.kvdir.FileBackend({ root, fsync: false });
  const env = { ctx, count, root, server, raw, files, open, mirror };
  try {
    return [...(await passes(env)), await cliPass(env), await editDelay(env)];
  } finally {
    raw.close();
    await files.close();
    for (const client of clients) await client.close();
    await server.stop();
  }
}

/** The first and the second pass, in process, each beside its unavoidable parts. */
async function passes({ ctx, count, files, open, raw, server, mirror }) {
  const target = open('/bench-mirror');
  ctx.log(`mirror: first pass over ${count.toLocaleString('en-US')} files`);
  const first = await timedPass(mirror, files, target, count);
  const syncerMs = await syncerToInSync(ctx, files);
  // The bytes the mirror wrote, put again by raw txns into another namespace.
  const written = await raw.kv.range({
    key: Buffer.from(`/bench-mirror${TREE_PREFIX}/`),
    range_end: Buffer.from(`/bench-mirror${TREE_PREFIX}0`),
  });
  if (written.kvs.length !== count) throw new Error(`etcd holds ${written.kvs.length} keys`);
  const t0 = performance.now();
  for (let i = 0; i < count; i += TXN_WRITES) {
    const success = written.kvs.slice(i, i + TXN_WRITES).map((kv) => ({
      request_put: { key: Buffer.concat([Buffer.from('/raw'), kv.key]), value: kv.value },
    }));
    await raw.kv.txn({ success });
  }
  const rawPutMs = performance.now() - t0;
  ctx.log('mirror: second pass (nothing to write)');
  const second = await timedPass(mirror, files, target, 0);
  const mirrored = new RawEtcd(server.endpoint, '/bench-mirror');
  const t1 = performance.now();
  const listed = await mirrored.listParsed(TREE_PREFIX);
  const rangeMs = performance.now() - t1;
  mirrored.close();
  if (listed.length !== count) throw new Error(`listed ${listed.length} keys`);
  const size = count.toLocaleString('en-US');
  return [
    timeRow({
      id: 'mirror.first',
      workload: `mirror: first pass, ${size} files into an empty prefix`,
      kvdir: { label: 'mirror({ once: true })', figure: { ms: round(first, 1) } },
      baseline: {
        label: `FileBackend syncer to InSync (${round(syncerMs, 0)} ms) + raw etcd3 txns of ${TXN_WRITES} puts (${round(rawPutMs, 0)} ms)`,
        figure: { ms: round(syncerMs + rawPutMs, 1) },
      },
    }),
    timeRow({
      id: 'mirror.second',
      workload: `mirror: second pass, ${size} unchanged files (nothing written)`,
      kvdir: { label: 'mirror({ once: true })', figure: { ms: round(second, 1) } },
      baseline: {
        label: 'FileBackend syncer to InSync + raw paged range',
        figure: { ms: round(syncerMs + rangeMs, 1) },
      },
    }),
  ];
}

async function timedPass(mirror, files, target, expectCreated) {
  const t0 = performance.now();
  const outcome = await mirror(files, target, { prefix: TREE_PREFIX, once: true }).done;
  const ms = performance.now() - t0;
  if (!outcome.inSync || outcome.created !== expectCreated) {
    throw new Error(`the pass ended ${JSON.stringify(outcome)}`);
  }
  return ms;
}

async function syncerToInSync(ctx, files) {
  const t0 = performance.now();
  await new Promise((done) => {
    const syncer = files.syncer(
      {
        onStatusUpdated: (status) =>
          status === ctx.kvdir.SyncStatus.InSync && syncer.stop().then(done),
        onUpdates: () => undefined,
      },
      { prefixes: [TREE_PREFIX] },
    );
    syncer.start();
  });
  return performance.now() - t0;
}

/** `kvdir mirror <dir> --once` into a fresh namespace, as a process. */
async function cliPass({ ctx, count, root, server }) {
  ctx.log('mirror: kvdir mirror --once as a process');
  const t0 = performance.now();
  const args = [BIN, 'mirror', root, TREE_PREFIX, '--once', '--endpoints', server.endpoint];
  const run = spawnSync(process.execPath, [...args, '--namespace', '/bench-mirror-cli'], {
    encoding: 'utf8',
  });
  const ms = performance.now() - t0;
  if (run.status !== 0) throw new Error(`kvdir mirror exited ${run.status}: ${run.stderr}`);
  return timeRow({
    id: 'mirror.cli',
    workload: `mirror: kvdir mirror --once, ${count.toLocaleString('en-US')} files (a process)`,
    kvdir: { label: 'kvdir mirror --once (wall time)', figure: { ms: round(ms, 0) } },
    baseline: { label: 'node -e 0 (wall time)', figure: { ms: round(nodeStart(), 0) } },
  });
}

function nodeStart() {
  const t0 = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  return performance.now() - t0;
}

/** Spaced-out edits of files; each timed to the etcd event of its key and to the file syncer's update. */
async function editDelay({ ctx, count, root, files, open, raw, mirror }) {
  ctx.log(`mirror: file edit to etcd event, ${EDITS} edits`);
  const namespace = '/bench-mirror-live';
  const running = mirror(files, open(namespace), { prefix: TREE_PREFIX });
  const synced = new Map();
  const syncer = files.syncer(
    {
      onStatusUpdated: () => undefined,
      onUpdates: (updates) => {
        const at = performance.now();
        for (const update of updates) synced.get(update.key.defaultPath())?.(at);
      },
    },
    { prefixes: [TREE_PREFIX] },
  );
  syncer.start();
  const watched = new Map();
  const stream = await raw.client.watchClient.watch();
  stream.on('error', () => undefined);
  stream.on('data', (response) => {
    const at = performance.now();
    for (const event of response.events) {
      watched.get(event.kv.key.toString().slice(namespace.length))?.(at);
    }
  });
  const start = Buffer.from(`${namespace}${TREE_PREFIX}/`);
  stream.write({
    create_request: { key: start, range_end: Buffer.from(`${namespace}${TREE_PREFIX}0`) },
  });
  // The first pass of the live mirror: every key is created, then it watches.
  while (
    (
      await raw.kv.range({
        key: start,
        range_end: Buffer.from(`${namespace}${TREE_PREFIX}0`),
        count_only: true,
      })
    ).count !== String(count)
  ) {
    await sleep(100);
  }
  await sleep(1000);
  const samples = { etcd: [], syncer: [] };
  let missed = 0;
  for (const [k, i] of spread(EDITS, count).entries()) {
    await sleep(150 + Math.random() * 50);
    const path = treePath(i);
    const seen = (map) => new Promise((resolve) => map.set(path, resolve));
    const both = Promise.all([seen(watched), seen(synced)]);
    const t0 = performance.now();
    await writeFile(fileOf(root, path), policyBytes(i, k + 1));
    const at = await Promise.race([both, sleep(10_000).then(() => undefined)]);
    watched.delete(path);
    synced.delete(path);
    if (at === undefined) missed++;
    else {
      samples.etcd.push(at[0] - t0);
      samples.syncer.push(at[1] - t0);
    }
  }
  stream.end();
  stream.cancel();
  await syncer.stop();
  await running.close();
  const stats = (values) => ({
    p50: round(percentile(values, 50), 1),
    p99: round(percentile(values, 99), 1),
    samples: values.length,
    missed,
  });
  return absoluteRow({
    id: 'mirror.edit-delay',
    workload: 'mirror: file edit to etcd watch event, live',
    kvdir: { label: 'etcd event of the edited key', figure: stats(samples.etcd) },
    baseline: {
      label: 'FileBackend syncer update (50 ms quiet window)',
      figure: stats(samples.syncer),
    },
    goal: { op: '<=', value: 1000, unit: ' ms (the issue: within a second)', field: 'p99' },
  });
}
