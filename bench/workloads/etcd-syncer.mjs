/**
 * The etcd syncer beside its raw etcd3 baselines, each side in a child process of its own (its
 * peak RSS is its own): start to InSync against a paged range + JSON.parse of the same keys,
 * and the delay from a put to the syncer's update against the same put's event on a raw watch
 * stream (paired, in one process). The FileBackend's syncer over the same count of files is
 * put beside them, from the same child the syncer workload uses.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { POLICY_DIR, policyName, policyValue } from '../lib/data.mjs';
import { median, round } from '../lib/measure.mjs';
import { absoluteRow, failedRow, memoryRow, timeRow } from '../report.mjs';

const ETCD_CHILD = fileURLToPath(new URL('../child/etcd-syncer.mjs', import.meta.url));
const FILE_CHILD = fileURLToPath(new URL('../child/syncer.mjs', import.meta.url));
const RUNS = 2;
const TIMEOUT_MS = 120_000;

/** Where the syncer's data is: Calico's own policy paths (a syncer takes no other for a key). */
const PREFIX = `/${POLICY_DIR}`;

/**
 * Rows for the syncer over `count` policies that `loadSyncerData` put in etcd under
 * `namespace`; `files` (a tree of as many policies) adds the FileBackend beside them,
 * `latencyWrites` the put-to-update delay.
 */
export async function etcdSyncerRows(ctx, { endpoint, namespace, count, files, latencyWrites }) {
  const size = count.toLocaleString('en-US');
  ctx.log(`etcd: syncer to InSync over ${size} keys (${RUNS} runs each side)`);
  const base = { impl: ctx.impl, endpoint, namespace, prefix: PREFIX, count };
  const runs = { syncer: [], raw: [] };
  for (let run = 0; run < RUNS; run++) {
    runs.raw.push(await child(ETCD_CHILD, { ...base, mode: 'raw' }));
    const last = run === RUNS - 1;
    const writes = last ? latencyWrites : 0;
    runs.syncer.push(await child(ETCD_CHILD, { ...base, mode: 'syncer', latencyWrites: writes }));
  }
  const failed = [...runs.syncer, ...runs.raw].find((r) => r.error !== undefined);
  const id = `etcd.syncer.insync.${count}`;
  const workload = `etcd: syncer start to InSync, ${size} keys`;
  // The goals are set for 100,000 keys (--large): at 10,000 the cold start of a fresh process
  // (its own connection, the watch and a progress round trip, first-use code generation in
  // protobufjs and TypeBox: about 100 ms) is a large part of the time, and the rows inform.
  const large = count >= 100_000;
  const timeGoal = large ? { op: '<=', value: 1.5, unit: 'x' } : undefined;
  const rssGoal = large ? { op: '<=', value: 400, unit: ' MB', field: 'rssMB' } : undefined;
  if (failed !== undefined) {
    return [
      failedRow({ id, workload, error: failed.error, goal: timeGoal }),
      failedRow({ id: `etcd.syncer.rss.${count}`, workload, error: failed.error, goal: rssGoal }),
    ];
  }
  for (const r of runs.syncer) {
    if (r.warnings.length > 0)
      ctx.note(`etcd syncer warned: ${r.warnings.slice(0, 3).join(' | ')}`);
    if (r.updatesAtInSync !== count)
      ctx.note(`etcd syncer sent ${r.updatesAtInSync} updates before InSync (expected ${count})`);
  }
  const figure = (list, field, unit) => ({
    [unit]: round(median(list.map((r) => r[field])), 1),
    runs: list.map((r) => r[field]),
  });
  const etcd = { label: 'EtcdBackend syncer', figure: figure(runs.syncer, 'inSyncMs', 'ms') };
  const rows = [
    timeRow({
      id,
      workload,
      kvdir: etcd,
      baseline: { label: 'etcd3 paged range + JSON.parse', figure: figure(runs.raw, 'ms', 'ms') },
      goal: timeGoal,
    }),
    memoryRow({
      id: `etcd.syncer.rss.${count}`,
      workload: `etcd: syncer peak RSS at InSync, ${size} keys`,
      kvdir: { label: 'EtcdBackend syncer', figure: figure(runs.syncer, 'peakRssMB', 'rssMB') },
      baseline: {
        label: 'etcd3 paged range + JSON.parse',
        figure: figure(runs.raw, 'peakRssMB', 'rssMB'),
      },
      goal: rssGoal,
    }),
  ];
  const fileRun = files === undefined ? undefined : await fileSyncer(ctx, files, latencyWrites);
  if (
    fileRun !== undefined &&
    fileRun.error === undefined &&
    fileRun.updatesAtInSync === files.count
  ) {
    rows.push(
      timeRow({
        id: `${id}.file`,
        workload: `${workload} (FileBackend beside it)`,
        kvdir: etcd,
        baseline: {
          label: `FileBackend syncer, ${size} files`,
          figure: { ms: fileRun.inSyncMs },
        },
      }),
    );
  }
  if (latencyWrites > 0) rows.push(...latencyRows(runs.syncer.at(-1).latency, fileRun));
  return rows;
}

function latencyRows(latency, fileRun) {
  const workload = 'etcd: put-to-update delay';
  const rows = [
    absoluteRow({
      id: 'etcd.syncer.latency',
      workload,
      kvdir: { label: 'EtcdBackend syncer update', figure: latency.syncer },
      baseline: { label: 'etcd3 raw watch event (same puts)', figure: latency.raw },
      goal: {
        op: '<=',
        value: round(latency.raw.p99 + 5, 2),
        unit: ' ms (raw p99 + 5 ms)',
        field: 'p99',
      },
    }),
  ];
  if (fileRun?.latency !== undefined && fileRun.latency.missed === 0) {
    rows.push(
      absoluteRow({
        id: 'etcd.syncer.latency.file',
        workload: `${workload} (FileBackend beside it)`,
        kvdir: { label: 'EtcdBackend syncer update', figure: latency.syncer },
        baseline: {
          label: 'FileBackend syncer update (50 ms quiet window)',
          figure: { ...fileRun.latency.fromWriteStart, samples: fileRun.latency.samples },
        },
      }),
    );
  }
  return rows;
}

/** One run of the file syncer child over `files` (a tree of the same policies). */
async function fileSyncer(ctx, files, latencyWrites) {
  ctx.log(`etcd: the FileBackend syncer over ${files.count.toLocaleString('en-US')} files`);
  const run = await child(FILE_CHILD, {
    impl: ctx.impl,
    root: files.root,
    count: files.count,
    latencyWrites,
    timeoutMs: TIMEOUT_MS,
  });
  if (run.error !== undefined) ctx.note(`the FileBackend syncer beside etcd failed: ${run.error}`);
  else if (run.updatesAtInSync !== files.count || run.latency?.missed > 0) {
    ctx.note(
      `the FileBackend syncer beside etcd sent ${run.updatesAtInSync} of ${files.count} keys before InSync and missed ${run.latency?.missed ?? 0} writes: its rows are left out`,
    );
  }
  return run;
}

/** Loads `count` policies under `namespace`, at the paths Calico (and kvdir) write them. */
export async function loadSyncerData(raw, namespace, count) {
  await raw.load(namespace, count, (i) => [`${PREFIX}/${policyName(i)}`, policyValue(i)]);
}

function child(script, options) {
  return new Promise((resolve) => {
    const proc = fork(script, [JSON.stringify({ timeoutMs: TIMEOUT_MS, ...options })], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let message;
    const timer = setTimeout(() => proc.kill('SIGKILL'), TIMEOUT_MS + 60_000);
    proc.on('message', (m) => (message = m));
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve(message ?? { error: `child exited with ${code} and no result` });
    });
  });
}
