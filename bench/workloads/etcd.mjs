/**
 * EtcdBackend beside the raw etcd3 client doing the same request on the same server in the
 * same run (a throwaway etcd started here, as the tests start theirs), and the FileBackend's
 * figure for the same workload beside each, to show what moving to etcd buys.
 */
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EtcdServer, INSTALL_HINT, findEtcd } from '../lib/etcd-server.mjs';
import { TREE_PREFIX, policyName, policyValue, pool, spread, treePath } from '../lib/data.mjs';
import { interleave, round, throughput, timeSequential } from '../lib/measure.mjs';
import { throughputRow, timeRow } from '../report.mjs';
import { RawEtcd } from '../lib/etcd-raw.mjs';
import { etcdSyncerRows, loadSyncerData } from './etcd-syncer.mjs';

const WIDTH = 16;
const TTL_MS = 600_000;

export async function etcdRows(ctx) {
  const found = findEtcd();
  if (found.bin === undefined) {
    ctx.note(`the etcd workloads were not run (${found.missing}): ${INSTALL_HINT}`);
    return [];
  }
  const server = await EtcdServer.start({ bin: found.bin, name: 'kvdir-bench' });
  const { EtcdBackend } = await import(
    pathToFileURL(join(dirname(ctx.impl), 'backends', 'etcd', 'index.js')).href
  );
  // Writes and reads in namespaces of their own: the shared tree's prefix holds policies.
  const open = (namespace) => new EtcdBackend({ endpoints: server.endpoint, namespace });
  const backend = open('/bench-kv-w');
  const reader = open('/bench-kv-r');
  const raw = new RawEtcd(server.endpoint, '/bench-rw-w');
  const rawReader = new RawEtcd(server.endpoint, '/bench-rw-r');
  const files = new ctx.kvdir.FileBackend({ root: ctx.dir('etcd-file'), fsync: false });
  ctx.note(
    `etcd ${server.bin} ran as the tests run it (data in ${server.base.startsWith('/dev/shm') ? 'tmpfs' : 'a temp dir'}, --unsafe-no-fsync); the FileBackend figures beside it are with fsync off`,
  );
  const writers = { ctx, backend, raw, files };
  const readers = { ctx, backend: reader, raw: rawReader };
  try {
    return [
      ...(await writes(writers)),
      ...(await concurrent(writers)),
      ...(await ttlWrites(writers)),
      ...(await gets(readers)),
      ...(await list(readers)),
      ...(await syncers(ctx, server, rawReader)),
    ];
  } finally {
    raw.close();
    rawReader.close();
    await backend.close();
    await reader.close();
    await files.close();
    await server.stop();
  }
}

/**
 * The syncer over as many policies as the shared tree holds, with the FileBackend's syncer over
 * that tree beside it; with --large, also over 100,000 keys. Each size in a namespace of its
 * own, at Calico's policy paths (the shared tree's tiers are directories for the file
 * benchmarks; a syncer takes only a key's own path for a key).
 */
async function syncers(ctx, server, raw) {
  const { scale, tree } = ctx;
  const sizes = ctx.large ? [tree.count, scale.large] : [tree.count];
  const rows = [];
  for (const count of sizes) {
    const namespace = `/bench-sync-${count}`;
    ctx.log(`etcd: loading ${count.toLocaleString('en-US')} keys for the syncer`);
    await loadSyncerData(raw, namespace, count);
    const small = count === tree.count;
    rows.push(
      ...(await etcdSyncerRows(ctx, {
        endpoint: server.endpoint,
        namespace,
        count,
        ...(small ? { files: tree } : {}),
        latencyWrites: small ? scale.latencyWrites : 0,
      })),
    );
  }
  if (!ctx.large) {
    ctx.note(
      `the etcd syncer over ${scale.large.toLocaleString('en-US')} keys was not run (add --large)`,
    );
  }
  return rows;
}

/** One row against raw etcd3 (with a goal) and one against the FileBackend (information). */
function rowsFor({ id, workload, what, n, totals, rawLabel, goal }) {
  const etcd = { label: `EtcdBackend ${what}`, figure: throughput(n, totals.etcd) };
  return [
    throughputRow({
      id: `etcd.${id}`,
      workload: `etcd: ${workload}`,
      kvdir: etcd,
      baseline: { label: rawLabel, figure: throughput(n, totals.raw) },
      goal: goal ?? { op: '>=', value: 0.7, unit: 'x' },
    }),
    throughputRow({
      id: `etcd.${id}.file`,
      workload: `etcd: ${workload} (FileBackend beside it)`,
      kvdir: etcd,
      baseline: { label: `FileBackend ${what}`, figure: throughput(n, totals.file) },
    }),
  ];
}

const policy = (kvdir, prefix, i) => new kvdir.PolicyKey({ name: `${prefix}-${policyName(i)}` });

/**
 * Warms each side up on items n..n+warmup-1, then times items 0..n-1 in rounds (twice the
 * usual number: more alternation evens out a shared machine's drift). `ops` maps a side
 * (etcd, raw, file) to `op(i)`; `time(from, count, op)` times one chunk.
 */
async function measure(scale, n, ops, time = timeSequential) {
  for (const op of Object.values(ops)) await time(n, scale.warmup, op);
  const rounds = scale.rounds * 2;
  const chunk = n / rounds;
  return alongside(rounds, rounds, ops, (op) => (r) => time(r * chunk, chunk, op));
}

/**
 * EtcdBackend and raw etcd3 interleaved round by round (noise falls on both alike); the
 * FileBackend on its own after them: its garbage and its disk write-back would otherwise
 * land on whichever etcd side runs next. Returns the total ms of each side.
 */
async function alongside(rounds, fileRounds, { file, ...etcdAndRaw }, toRound) {
  const sides = Object.entries(etcdAndRaw).map(([side, op]) => [side, toRound(op)]);
  const totals = await interleave(rounds, Object.fromEntries(sides));
  totals.file = (await interleave(fileRounds, { file: toRound(file) })).file;
  return totals;
}

/** Sequential create (txn create_revision == 0), then CAS update (txn mod_revision == rev). */
async function writes({ ctx, backend, raw, files }) {
  const { kvdir, scale } = ctx;
  ctx.log('etcd: create and CAS update, sequential');
  const n = scale.writes;
  const keys = Array.from({ length: n + scale.warmup }, (_, i) => policy(kvdir, 'w', i));
  const rev = { etcd: [], raw: [], file: [] };
  const created = await measure(scale, n, {
    etcd: async (i) =>
      (rev.etcd[i] = (await backend.create({ key: keys[i], value: policyValue(i) })).revision),
    raw: async (i) => (rev.raw[i] = await raw.create(keys[i].defaultPath(), policyValue(i))),
    file: async (i) =>
      (rev.file[i] = (await files.create({ key: keys[i], value: policyValue(i) })).revision),
  });
  const updated = await measure(scale, n, {
    etcd: (i) => backend.update({ key: keys[i], value: policyValue(i, 1), revision: rev.etcd[i] }),
    raw: (i) => raw.update(keys[i].defaultPath(), policyValue(i, 1), rev.raw[i]),
    file: (i) => files.update({ key: keys[i], value: policyValue(i, 1), revision: rev.file[i] }),
  });
  const raws = ['etcd3 txn create_revision == 0', 'etcd3 txn mod_revision == rev'];
  return [
    ...rowsFor({
      id: 'create',
      workload: 'create, sequential',
      what: 'create',
      n,
      totals: created,
      rawLabel: raws[0],
    }),
    ...rowsFor({
      id: 'update',
      workload: 'CAS update, sequential',
      what: 'update with revision',
      n,
      totals: updated,
      rawLabel: raws[1],
    }),
  ];
}

/** 16 writers creating distinct keys at once. */
async function concurrent({ ctx, backend, raw, files }) {
  const { kvdir, scale } = ctx;
  ctx.log(`etcd: create, ${WIDTH} concurrent`);
  const n = scale.writes;
  const keys = Array.from({ length: n + scale.warmup }, (_, i) => policy(kvdir, 'c', i));
  const timePool = async (from, count, op) => {
    const t0 = performance.now();
    await pool(count, WIDTH, (j) => op(from + j));
    return performance.now() - t0;
  };
  const ops = {
    etcd: (i) => backend.create({ key: keys[i], value: policyValue(i) }),
    raw: (i) => raw.create(keys[i].defaultPath(), policyValue(i)),
    file: (i) => files.create({ key: keys[i], value: policyValue(i) }),
  };
  const totals = await measure(scale, n, ops, timePool);
  const what = `create x${WIDTH}`;
  return rowsFor({
    id: 'concurrent16',
    workload: `create, ${WIDTH} concurrent`,
    what,
    n,
    totals,
    rawLabel: `etcd3 txn ${what}`,
  });
}

/** Writes with a TTL: shared leases per bucket vs a put on one lease granted beforehand. */
async function ttlWrites({ ctx, backend, raw, files }) {
  const { kvdir, scale } = ctx;
  ctx.log('etcd: TTL writes');
  const n = scale.writes;
  const keys = Array.from({ length: n + scale.warmup }, (_, i) => policy(kvdir, 't', i));
  const lease = await raw.lease(Math.ceil(TTL_MS / 1000));
  const totals = await measure(scale, n, {
    etcd: (i) => backend.apply({ key: keys[i], value: policyValue(i), ttl: TTL_MS }),
    raw: (i) => raw.put(keys[i].defaultPath(), policyValue(i), lease),
    file: (i) => files.apply({ key: keys[i], value: policyValue(i), ttl: TTL_MS }),
  });
  const workload = `apply with a ${TTL_MS / 1000} s TTL, sequential`;
  return rowsFor({
    id: 'ttl',
    workload,
    what: 'apply with ttl',
    n,
    totals,
    rawLabel: 'etcd3 put on a shared lease',
  });
}

/** get of keys spread over the shared tree (loaded into etcd as well) vs range + JSON.parse. */
async function gets({ ctx, backend, raw }) {
  const { kvdir, scale, tree } = ctx;
  ctx.log(`etcd: loading the ${tree.count.toLocaleString('en-US')} keys of the shared tree`);
  await raw.load(backend.namespace, tree.count, (i) => [treePath(i), policyValue(i)]);
  await raw.load(raw.namespace, tree.count, (i) => [treePath(i), policyValue(i)]);
  ctx.log(`etcd: get of ${scale.reads} keys`);
  const n = scale.reads;
  const paths = spread(n + scale.warmup, tree.count).map(treePath);
  const keys = paths.map((path) => new kvdir.PathKey(path));
  const treeFiles = new kvdir.FileBackend({ root: tree.root });
  const check = (value) => {
    if (typeof value?.selector !== 'string') throw new Error('get returned no policy');
  };
  const totals = await measure(scale, n, {
    etcd: async (i) => check((await backend.get(keys[i])).value),
    raw: async (i) => check(await raw.get(paths[i])),
    file: async (i) => check((await treeFiles.get(keys[i])).value),
  });
  await treeFiles.close();
  return rowsFor({
    id: 'get',
    workload: 'get',
    what: 'get',
    n,
    totals,
    rawLabel: 'etcd3 range + JSON.parse',
  });
}

/** List of the shared tree's keys vs paged range + JSON.parse of every value. */
async function list({ ctx, backend, raw }) {
  const { kvdir, scale, tree } = ctx;
  ctx.log(`etcd: list of ${tree.count.toLocaleString('en-US')} keys`);
  const options = new kvdir.PathListOptions({ prefix: TREE_PREFIX });
  const treeFiles = new kvdir.FileBackend({ root: tree.root });
  const timed = (fn) => async () => {
    const t0 = performance.now();
    const count = await fn();
    if (count !== tree.count) throw new Error(`listed ${count} of ${tree.count} keys`);
    return performance.now() - t0;
  };
  const sides = {
    etcd: timed(async () => (await backend.list(options)).length),
    raw: timed(async () => (await raw.listParsed(TREE_PREFIX)).length),
    file: timed(async () => (await treeFiles.list(options)).length),
  };
  // Two warm-up lists per side: the first one compiles the decoding paths.
  for (const side of Object.values(sides)) for (let i = 0; i < 2; i++) await side();
  // Each etcd list takes ~0.1 s, each file list ~2 s: more rounds of the first.
  const rounds = { etcd: scale.listRounds * 4, raw: scale.listRounds * 4, file: scale.listRounds };
  const totals = await alongside(rounds.etcd, rounds.file, sides, (side) => side);
  await treeFiles.close();
  const per = (side) => ({ ms: round(totals[side] / rounds[side], 1) });
  const workload = `list ${tree.count.toLocaleString('en-US')} keys`;
  const etcd = { label: 'EtcdBackend list', figure: per('etcd') };
  return [
    timeRow({
      id: 'etcd.list',
      workload: `etcd: ${workload}`,
      kvdir: etcd,
      baseline: { label: 'etcd3 paged range + JSON.parse, values kept', figure: per('raw') },
      goal: { op: '<=', value: 1.3, unit: 'x' },
    }),
    timeRow({
      id: 'etcd.list.file',
      workload: `etcd: ${workload} (FileBackend beside it)`,
      kvdir: etcd,
      baseline: { label: 'FileBackend list (fresh reads)', figure: per('file') },
    }),
  ];
}
