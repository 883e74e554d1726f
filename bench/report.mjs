/**
 * Rows of the result table, their goals, and the two renderings: a Markdown table for people
 * and JSON for machines. A ratio is always kvdir / baseline and says which kind it is:
 * `throughput` (ops/s ratio, higher is better), `time` (duration ratio, lower is better) or
 * `memory` (RSS ratio, lower is better).
 */
import { round } from './lib/measure.mjs';

/** Both figures are throughputs ({ ops, ms, opsPerSec, usPerOp }). */
export function throughputRow({ id, workload, kvdir, baseline, goal }) {
  return finish({
    id,
    workload,
    kvdir,
    baseline,
    ratio: { kind: 'throughput', value: kvdir.figure.opsPerSec / baseline.figure.opsPerSec },
    goal,
  });
}

/** Both figures are durations ({ ms }). */
export function timeRow({ id, workload, kvdir, baseline, goal }) {
  return finish({
    id,
    workload,
    kvdir,
    baseline,
    ratio: { kind: 'time', value: kvdir.figure.ms / baseline.figure.ms },
    goal,
  });
}

/** Both figures are peak RSS ({ rssMB }); the goal is an absolute bound on kvdir's. */
export function memoryRow({ id, workload, kvdir, baseline, goal }) {
  return finish({
    id,
    workload,
    kvdir,
    baseline,
    ratio: { kind: 'memory', value: kvdir.figure.rssMB / baseline.figure.rssMB },
    goal,
  });
}

/** A figure with no baseline beside it (write-to-update delay); the goal bounds `figure[goal.field]`. */
export function absoluteRow({ id, workload, kvdir, baseline, goal }) {
  return finish({ id, workload, kvdir, baseline, ratio: undefined, goal });
}

/** A row for a workload that could not run (timeout, crash): its goal fails. */
export function failedRow({ id, workload, error, goal }) {
  return {
    id,
    workload,
    kvdir: { label: 'kvdir', error },
    baseline: undefined,
    ratio: undefined,
    goal,
    pass: goal ? false : undefined,
  };
}

function finish(row) {
  if (row.ratio !== undefined) row.ratio.value = round(row.ratio.value, 2);
  row.pass = row.goal === undefined ? undefined : meets(row);
  return row;
}

function meets(row) {
  const { goal } = row;
  const actual = goal.field === undefined ? row.ratio?.value : row.kvdir.figure[goal.field];
  if (typeof actual !== 'number' || Number.isNaN(actual)) return false;
  return goal.op === '>=' ? actual >= goal.value : actual <= goal.value;
}

const RATIO_UNIT = { throughput: 'x ops/s', time: 'x time', memory: 'x RSS' };

export function describeFigure(figure) {
  if (figure === undefined) return '-';
  if (figure.error !== undefined) return `error: ${figure.error}`;
  const parts = [];
  if (figure.text !== undefined) parts.push(figure.text);
  else if (figure.opsPerSec !== undefined)
    parts.push(`${fmt(figure.opsPerSec)} ops/s (${fmt(figure.usPerOp)} µs/op)`);
  else if (figure.p50 !== undefined) {
    const fromEnd =
      figure.fromWriteEnd === undefined
        ? ''
        : `; from its end p50 ${fmt(figure.fromWriteEnd.p50)}, p99 ${fmt(figure.fromWriteEnd.p99)}`;
    parts.push(
      `from the write's start p50 ${fmt(figure.p50)} ms, p99 ${fmt(figure.p99)} ms${fromEnd} (n=${figure.samples}${figure.missed ? `, ${figure.missed} missed` : ''})`,
    );
  } else if (figure.rssMB !== undefined) parts.push(`${fmt(figure.rssMB)} MB peak RSS`);
  else if (figure.ms !== undefined) parts.push(`${fmt(figure.ms)} ms`);
  return parts.join(' ');
}

function describeGoal(goal) {
  if (goal === undefined) return '';
  const unit = goal.unit ?? '';
  return `${goal.op === '>=' ? '≥' : '≤'} ${goal.value}${unit}`;
}

function fmt(n) {
  if (typeof n !== 'number') return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** The human table (Markdown), with the machine it ran on. */
export function renderMarkdown(result) {
  const m = result.machine;
  const lines = [
    `kvdir bench, ${m.date}`,
    `Node ${m.node} on ${m.platform}; CPU ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB; temp dir ${m.tmp.dir} (${m.tmp.fs}${m.tmp.journal === undefined ? '' : `, ${m.tmp.journal}`}); load average before the run ${m.loadavg.join(' ')}, after ${m.loadavgAfter?.join(' ') ?? '?'}`,
    `kvdir ${result.build.commit === undefined ? result.build.impl : `at ${result.build.commit}${result.build.uncommittedSrc ? ' with uncommitted changes in src/' : ''}`}, built ${result.build.builtAt}`,
    `Scale: ${Object.entries(result.scale)
      .map(([k, v]) => `${k} ${v}`)
      .join(
        ', ',
      )}. Ratio = kvdir / baseline: "x ops/s" is a throughput ratio (higher is better), "x time" and "x RSS" are ratios of durations and memory (lower is better).`,
    '',
  ];
  const header = [
    'workload',
    'kvdir',
    'baseline (same run)',
    'baseline figure',
    'kvdir / baseline',
    'goal',
    'result',
  ];
  const rows = result.rows.map((row) => [
    row.workload,
    describeFigure(row.kvdir.error !== undefined ? row.kvdir : row.kvdir.figure),
    row.baseline?.label ?? '-',
    describeFigure(row.baseline?.figure),
    row.ratio === undefined ? '-' : `${row.ratio.value.toFixed(2)}${RATIO_UNIT[row.ratio.kind]}`,
    describeGoal(row.goal),
    row.pass === undefined ? '' : row.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells) => `| ${cells.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  lines.push(
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  );
  const goals = result.rows.filter((row) => row.pass !== undefined);
  lines.push('', `Goals met: ${goals.filter((row) => row.pass).length} of ${goals.length}.`);
  for (const note of result.notes) lines.push(`- ${note}`);
  return `${lines.join('\n')}\n`;
}
