/**
 * The deep Calico layout (issue 19): `list(WorkloadEndpointListOptions)`, the syncer's start to
 * InSync, its restart over the unchanged tree, its peak RSS and inotify watches, and creates and
 * updates of endpoints, each beside B measured in the same run. B = one
 * `readdirSync(dir, { withFileTypes: true })` per directory + `readFileSync` + `YAML.parse` of
 * each value file, single thread (`crawlDirsReadParseSync`); writes beside temp (+ fsync) +
 * rename of the same bytes into the same kind of new directories.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { child } from '../lib/child.mjs';
import { crawlDirsReadParseSync, tempRename } from '../baselines.mjs';
import { DEEP_PREFIX, wepBytes, wepKeyFields, wepPath, wepValue } from '../lib/deep-tree.mjs';
import {
  createThenUpdate,
  interleave,
  median,
  round,
  samples,
  throughput,
} from '../lib/measure.mjs';
import { absoluteRow, failedRow, memoryRow, throughputRow, timeRow } from '../report.mjs';

const SYNCER_CHILD = fileURLToPath(new URL('../child/syncer.mjs', import.meta.url));
const B_CHILD = fileURLToPath(new URL('../child/crawl.mjs', import.meta.url));
const B_LABEL = 'B: readdirSync per dir + readFileSync + YAML.parse';

/** list of every endpoint on a fresh client, interleaved with B in this process. */
export async function deepList(ctx, { rounds }) {
  const { kvdir, deep } = ctx;
  const size = deep.count.toLocaleString('en-US');
  ctx.log(`deep: list of ${size} endpoints beside B (${rounds} rounds)`);
  const dir = `${deep.root}${DEEP_PREFIX}`;
  const listAll = async () => {
    const client = new kvdir.FileBackend({ root: deep.root });
    const t0 = performance.now();
    const pairs = await client.list(new kvdir.WorkloadEndpointListOptions({}));
    const ms = performance.now() - t0;
    await client.close();
    if (pairs.length !== deep.count)
      throw new Error(`list returned ${pairs.length} of ${deep.count} endpoints`);
    return ms;
  };
  const b = async () => {
    const t0 = performance.now();
    const parsed = crawlDirsReadParseSync(dir);
    if (parsed !== deep.count) throw new Error(`B parsed ${parsed} of ${deep.count} files`);
    return performance.now() - t0;
  };
  await listAll(); // warm-up: JIT and page cache
  await b();
  const totals = await interleave(rounds, { kvdir: listAll, b });
  const figure = (side) => ({
    ms: round(totals[side] / rounds, 1),
    roundsMs: samples(totals)[side],
  });
  return [
    timeRow({
      id: `deep.list.${deep.count}`,
      workload: `deep layout: list ${size} endpoints (fresh client)`,
      kvdir: { label: 'kvdir list(WorkloadEndpointListOptions)', figure: figure('kvdir') },
      baseline: { label: B_LABEL, figure: figure('b') },
      goal: { op: '<=', value: 0.8, unit: 'x' },
    }),
  ];
}

/**
 * The syncer in child processes, each run B, a first start (no index) and a restart (the index
 * the first start left), in an order that alternates between runs.
 */
export async function deepSyncer(ctx, { runs, timeoutMs }) {
  const { deep } = ctx;
  const size = deep.count.toLocaleString('en-US');
  ctx.log(`deep: syncer over ${size} endpoints, first start and restart beside B (${runs} runs)`);
  const results = { b: [], first: [], restart: [] };
  const syncer = () =>
    child(
      SYNCER_CHILD,
      { impl: ctx.impl, root: deep.root, count: deep.count, latencyWrites: 0, timeoutMs },
      timeoutMs + 120_000,
    );
  const sides = {
    b: () => child(B_CHILD, { dir: `${deep.root}${DEEP_PREFIX}`, deep: true }, timeoutMs),
    first: () => {
      removeIndex(deep.root);
      return syncer();
    },
    restart: () => syncer(),
  };
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? ['b', 'first', 'restart'] : ['first', 'restart', 'b'];
    for (const side of order) results[side].push(await sides[side]());
  }
  for (const r of [...results.first, ...results.restart])
    if (r.warnings?.length)
      ctx.note(`deep syncer over ${size} endpoints warned: ${r.warnings.slice(0, 3).join(' | ')}`);
  const mid = (list, field) => round(median(list.map((r) => r[field])), 1);
  const bFigure = { ms: mid(results.b, 'ms'), runs: results.b.map((r) => r.ms) };
  const bad = (list) => list.find((r) => r.error !== undefined || r.updatesAtInSync !== deep.count);
  const rows = [];
  const timeGoal = { op: '<=', value: deep.count > 50_000 ? 1.2 : 1.0, unit: 'x' };
  const failure = (r) => r.error ?? `${r.updatesAtInSync} updates at InSync, not ${deep.count}`;
  const maxWatches = readMaxWatches();
  for (const [side, what, goal] of [
    ['first', 'start to InSync', timeGoal],
    [
      'restart',
      'restart to InSync (unchanged tree, index kept)',
      { op: '<=', value: 0.35, unit: 'x' },
    ],
  ]) {
    const id = `deep.syncer.${side}.${deep.count}`;
    const workload = `deep layout: syncer ${what}, ${size} endpoints`;
    const failed = bad(results[side]);
    if (failed !== undefined) {
      rows.push(failedRow({ id, workload, error: failure(failed), goal }));
      continue;
    }
    rows.push(
      timeRow({
        id,
        workload,
        kvdir: {
          label: `kvdir syncer (${side === 'first' ? 'no index' : 'index'})`,
          figure: {
            ms: mid(results[side], 'inSyncMs'),
            runs: results[side].map((r) => r.inSyncMs),
          },
        },
        baseline: { label: B_LABEL, figure: bFigure },
        goal,
      }),
    );
  }
  const first = results.first;
  if (bad(first) === undefined) {
    rows.push(
      memoryRow({
        id: `deep.syncer.rss.${deep.count}`,
        workload: `deep layout: syncer peak RSS at InSync, ${size} endpoints`,
        kvdir: {
          label: 'kvdir syncer',
          figure: { rssMB: mid(first, 'peakRssMB'), runs: first.map((r) => r.peakRssMB) },
        },
        baseline: {
          label: B_LABEL,
          figure: { rssMB: mid(results.b, 'peakRssMB'), runs: results.b.map((r) => r.peakRssMB) },
        },
        goal: { op: '<=', value: 400, unit: ' MB', field: 'rssMB' },
      }),
      absoluteRow({
        id: `deep.syncer.watches.${deep.count}`,
        workload: `deep layout: inotify watches held by the syncer, ${size} endpoints`,
        kvdir: {
          label: 'kvdir syncer',
          figure: {
            watches: Math.max(...first.map((r) => r.watches ?? NaN)),
            text: `${Math.max(...first.map((r) => r.watches ?? NaN)).toLocaleString('en-US')} watches`,
          },
        },
        baseline: {
          label: 'fs.inotify.max_user_watches',
          figure: {
            text: maxWatches === undefined ? 'unknown' : maxWatches.toLocaleString('en-US'),
          },
        },
        goal:
          maxWatches === undefined
            ? undefined
            : { op: '<=', value: Math.floor(maxWatches / 2), unit: ' watches', field: 'watches' },
      }),
    );
  }
  return rows;
}

/**
 * Creates of new endpoints (each its own two new directories, as on this layout), then updates
 * of them, against `mkdir -p` + temp (+ fsync) + rename of the same bytes, interleaved.
 */
export async function deepWrites(ctx) {
  const rows = [];
  for (const fsync of [true, false]) rows.push(...(await createAndUpdate(ctx, fsync)));
  return rows;
}

async function createAndUpdate(ctx, fsync) {
  const { kvdir, scale } = ctx;
  const mode = fsync ? 'fsync on' : 'fsync off';
  const raw = fsync ? 'mkdir -p + temp+fsync+rename' : 'mkdir -p + temp+rename';
  ctx.log(`deep: create and update of endpoints, ${mode}`);
  const n = fsync ? Math.min(scale.writes, 500) : scale.writes;
  const warmup = scale.warmup;
  const total = n + warmup;
  const tag = fsync ? 'sync' : 'nosync';
  const client = new kvdir.FileBackend({ root: ctx.dir(`deep-writes-kvdir-${tag}`), fsync });
  const rawRoot = ctx.dir(`deep-writes-raw-${tag}`);
  const rawFile = (i) => join(rawRoot, `${wepPath(i)}.yaml`);
  const pair = (i, gen) => ({
    key: new kvdir.WorkloadEndpointKey(wepKeyFields(i)),
    value: wepValue(i, gen),
  });
  const creates = Array.from({ length: total }, (_, i) => pair(i, 0));
  const updates = Array.from({ length: total }, (_, i) => pair(i, 1));
  const createBytes = Array.from({ length: total }, (_, i) => wepBytes(i));
  const updateBytes = Array.from({ length: total }, (_, i) => wepBytes(i, 1));
  const rawCreate = async (i) => {
    await mkdir(dirname(rawFile(i)), { recursive: true });
    await tempRename(rawFile(i), createBytes[i], fsync);
  };

  const { created, updated } = await createThenUpdate(n, warmup, scale.rounds, {
    create: { kvdir: (i) => client.create(creates[i]), raw: rawCreate },
    update: {
      kvdir: (i) => client.update(updates[i]),
      raw: (i) => tempRename(rawFile(i), updateBytes[i], fsync),
    },
  });
  await client.close();
  const goal = { op: '>=', value: 0.5, unit: 'x' };
  return [
    throughputRow({
      id: `deep.write.create.${tag}`,
      workload: `deep layout: create of a new endpoint, sequential, ${mode}`,
      kvdir: { label: `kvdir create (${mode})`, figure: throughput(n, created.kvdir) },
      baseline: { label: raw, figure: throughput(n, created.raw) },
      goal,
    }),
    throughputRow({
      id: `deep.write.update.${tag}`,
      workload: `deep layout: update of an endpoint, sequential, ${mode}`,
      kvdir: { label: `kvdir update (${mode})`, figure: throughput(n, updated.kvdir) },
      baseline: { label: raw.replace('mkdir -p + ', ''), figure: throughput(n, updated.raw) },
      goal,
    }),
  ];
}

/** The syncer's persistent index at the root (kvdir's hidden names): removed for a first start. */
function removeIndex(root) {
  for (const name of readdirSync(root))
    if (name.startsWith('.kvdir-index')) rmSync(join(root, name), { force: true, recursive: true });
}

function readMaxWatches() {
  try {
    return Number(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim());
  } catch {
    return undefined;
  }
}
