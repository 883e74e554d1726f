/**
 * The syncer, each run in a child process of its own so that its RSS is its own: time from
 * start() to InSync and peak RSS against a child doing crawl + read + parse of the same tree,
 * and the delay from a write to the update that reports it.
 */
import { fileURLToPath } from 'node:url';
import { TREE_PREFIX } from '../lib/data.mjs';
import { child } from '../lib/child.mjs';
import { median, round } from '../lib/measure.mjs';
import { absoluteRow, failedRow, memoryRow, timeRow } from '../report.mjs';

const SYNCER_CHILD = fileURLToPath(new URL('../child/syncer.mjs', import.meta.url));
const CRAWL_CHILD = fileURLToPath(new URL('../child/crawl.mjs', import.meta.url));
const QUIET_WINDOW_MS = 50;
/** resyncIntervalMs of the run that watches one periodic resync. */
const RESYNC_PROBE_MS = 2000;

/**
 * InSync and RSS over the tree as it is now; with `latencyWrites`, the write-to-update delay
 * too; with `resyncProbe`, what one periodic resync of the unchanged tree costs.
 */
export async function syncerRows(ctx, { runs, latencyWrites, resyncProbe, timeoutMs }) {
  const { tree } = ctx;
  const size = tree.count.toLocaleString('en-US');
  ctx.log(
    `syncer: InSync over ${size} files (${runs} run${runs > 1 ? 's' : ''} each)${latencyWrites ? `, then ${latencyWrites} writes` : ''}`,
  );
  const kvdirRuns = [];
  const rawRuns = [];
  for (let run = 0; run < runs; run++) {
    const last = run === runs - 1;
    rawRuns.push(await child(CRAWL_CHILD, { dir: `${tree.root}${TREE_PREFIX}` }, timeoutMs));
    kvdirRuns.push(
      await child(
        SYNCER_CHILD,
        {
          impl: ctx.impl,
          root: tree.root,
          count: tree.count,
          latencyWrites: last ? latencyWrites : 0,
          timeoutMs,
        },
        timeoutMs + 120_000,
      ),
    );
  }
  const probe = resyncProbe
    ? await child(
        SYNCER_CHILD,
        {
          impl: ctx.impl,
          root: tree.root,
          count: tree.count,
          latencyWrites: 0,
          resyncIntervalMs: RESYNC_PROBE_MS,
          timeoutMs,
        },
        timeoutMs + 60_000,
      )
    : undefined;
  const failed = kvdirRuns.find((r) => r.error !== undefined);
  const timeGoal = { op: '<=', value: 1.3, unit: 'x' };
  const rssGoal = { op: '<=', value: 400, unit: ' MB', field: 'rssMB' };
  const rows = [];
  const mid = (runs, field) => round(median(runs.map((r) => r[field])), 1);
  const raw = { ms: mid(rawRuns, 'ms'), rssMB: mid(rawRuns, 'peakRssMB') };
  for (const r of kvdirRuns)
    if (r.warnings?.length)
      ctx.note(`syncer over ${size} files warned: ${r.warnings.slice(0, 3).join(' | ')}`);
  if (failed !== undefined) {
    rows.push(
      failedRow({
        id: `syncer.insync.${tree.count}`,
        workload: `syncer start to InSync, ${size} files`,
        error: failed.error,
        goal: timeGoal,
      }),
    );
    rows.push(
      failedRow({
        id: `syncer.rss.${tree.count}`,
        workload: `syncer peak RSS at InSync, ${size} files`,
        error: failed.error,
        goal: rssGoal,
      }),
    );
  } else {
    for (const r of kvdirRuns) {
      if (r.updatesAtInSync !== tree.count)
        ctx.note(
          `syncer over ${size} files sent ${r.updatesAtInSync} updates before InSync (expected ${tree.count})`,
        );
    }
    rows.push(
      timeRow({
        id: `syncer.insync.${tree.count}`,
        workload: `syncer start to InSync, ${size} files`,
        kvdir: {
          label: 'kvdir syncer',
          figure: { ms: mid(kvdirRuns, 'inSyncMs'), runs: kvdirRuns.map((r) => r.inSyncMs) },
        },
        baseline: {
          label: 'crawl + read + parse',
          figure: { ms: raw.ms, runs: rawRuns.map((r) => r.ms) },
        },
        goal: timeGoal,
      }),
      memoryRow({
        id: `syncer.rss.${tree.count}`,
        workload: `syncer peak RSS at InSync, ${size} files`,
        kvdir: {
          label: 'kvdir syncer',
          figure: { rssMB: mid(kvdirRuns, 'peakRssMB'), runs: kvdirRuns.map((r) => r.peakRssMB) },
        },
        baseline: {
          label: 'crawl + read + parse',
          figure: { rssMB: raw.rssMB, runs: rawRuns.map((r) => r.peakRssMB) },
        },
        goal: rssGoal,
      }),
    );
  }
  if (latencyWrites > 0) {
    const latency = kvdirRuns.at(-1).latency;
    // The goal is on the delay from the start of the write call (the conservative reading).
    const goal = { op: '<=', value: QUIET_WINDOW_MS + 50, unit: ' ms', field: 'p99' };
    const workload = `write-to-update delay, ${size} files watched`;
    if (latency === undefined)
      rows.push(
        failedRow({ id: 'syncer.latency', workload, error: failed?.error ?? 'not measured', goal }),
      );
    else {
      rows.push(
        absoluteRow({
          id: 'syncer.latency',
          workload,
          kvdir: {
            label: 'kvdir update -> onUpdates',
            figure: {
              ...latency.fromWriteStart,
              samples: latency.samples,
              missed: latency.missed,
              fromWriteEnd: latency.fromWriteEnd,
            },
          },
          baseline: { label: 'quiet window', figure: { text: `${QUIET_WINDOW_MS} ms (default)` } },
          goal,
        }),
      );
    }
  }
  if (probe !== undefined) {
    const workload = `periodic resync of the unchanged ${size}-file tree`;
    if (probe.resync === undefined)
      rows.push(failedRow({ id: 'syncer.resync', workload, error: probe.error ?? 'not measured' }));
    else {
      const { filesRead, stats, readdirs, updates, cpuMs } = probe.resync;
      rows.push(
        absoluteRow({
          id: 'syncer.resync',
          workload,
          kvdir: {
            label: 'one resync',
            figure: {
              ...probe.resync,
              text: `${filesRead} files read, ${stats} stats, ${readdirs} readdirs, ${updates} updates, ${cpuMs} ms CPU`,
            },
          },
          baseline: {
            label: 'crawl + read + parse',
            figure: { text: `${tree.count} files read, ${mid(rawRuns, 'cpuMs')} ms CPU` },
          },
        }),
      );
    }
  }
  return rows;
}
