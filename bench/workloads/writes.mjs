/**
 * Writes: sequential create and update with fsync on (kvdir's default) against temp + fsync +
 * rename of the same bytes, the same with fsync off against temp + rename, 16 concurrent
 * writers on distinct keys against kvdir's own sequential throughput, and the update of a
 * hand-commented file (edited in place, issue 16) against the update of a plain one.
 */
import { isDeepStrictEqual } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { tempRename, tempRenameSync } from '../baselines.mjs';
import {
  POLICY_DIR,
  commentedPolicyText,
  policyBytes,
  policyName,
  policyValue,
  pool,
} from '../lib/data.mjs';
import { createThenUpdate, interleave, throughput, timeSequential } from '../lib/measure.mjs';
import { throughputRow, timeRow } from '../report.mjs';

export async function writes(ctx) {
  const rows = [];
  for (const fsync of [true, false]) rows.push(...(await createAndUpdate(ctx, fsync)));
  rows.push(...(await concurrent(ctx)));
  rows.push(await commentedUpdates(ctx));
  return rows;
}

/** Sequential create of `n` new keys, then update of each, interleaved with the raw baseline. */
async function createAndUpdate(ctx, fsync) {
  const { kvdir, scale } = ctx;
  const mode = fsync ? 'fsync on' : 'fsync off';
  const raw = fsync ? 'temp+fsync+rename' : 'temp+rename';
  ctx.log(`writes: create and update, ${mode}`);
  const n = scale.writes;
  const total = n + scale.warmup;
  const client = new kvdir.FileBackend({
    root: ctx.dir(`writes-kvdir-${fsync ? 'sync' : 'nosync'}`),
    fsync,
  });
  const rawDir = join(ctx.dir(`writes-raw-${fsync ? 'sync' : 'nosync'}`), POLICY_DIR);
  mkdirSync(rawDir, { recursive: true });
  const rawFile = (i) => join(rawDir, `${policyName(i)}.yaml`);
  const syncDir = join(ctx.dir(`writes-rawsync-${fsync ? 'sync' : 'nosync'}`), POLICY_DIR);
  mkdirSync(syncDir, { recursive: true });
  const syncFile = (i) => join(syncDir, `${policyName(i)}.yaml`);
  const creates = Array.from({ length: total }, (_, i) => ({
    key: new kvdir.PolicyKey({ name: policyName(i) }),
    value: policyValue(i),
  }));
  const updates = creates.map((kv, i) => ({ key: kv.key, value: policyValue(i, 1) }));
  const createBytes = Array.from({ length: total }, (_, i) => policyBytes(i));
  const updateBytes = Array.from({ length: total }, (_, i) => policyBytes(i, 1));

  // Warm-up on keys n..total-1, then the measured rounds on 0..n-1.
  const { created, updated } = await createThenUpdate(n, scale.warmup, scale.rounds, {
    create: {
      kvdir: (i) => client.create(creates[i]),
      raw: (i) => tempRename(rawFile(i), createBytes[i], fsync),
      rawSync: async (i) => tempRenameSync(syncFile(i), createBytes[i], fsync),
    },
    update: {
      kvdir: (i) => client.update(updates[i]),
      raw: (i) => tempRename(rawFile(i), updateBytes[i], fsync),
    },
  });
  await client.close();

  const goal = { op: '>=', value: 0.5, unit: 'x' };
  return [
    throughputRow({
      id: `write.create.${fsync ? 'fsync' : 'nofsync'}`,
      workload: `create, sequential, ${mode}`,
      kvdir: { label: `kvdir create (${mode})`, figure: throughput(n, created.kvdir) },
      baseline: { label: raw, figure: throughput(n, created.raw) },
      goal,
    }),
    throughputRow({
      id: `write.create.${fsync ? 'fsync' : 'nofsync'}.sync`,
      workload: `create, sequential, ${mode} (sync-fs floor)`,
      kvdir: { label: `kvdir create (${mode})`, figure: throughput(n, created.kvdir) },
      baseline: { label: `${raw} (sync fs)`, figure: throughput(n, created.rawSync) },
    }),
    throughputRow({
      id: `write.update.${fsync ? 'fsync' : 'nofsync'}`,
      workload: `update, sequential, ${mode}`,
      kvdir: { label: `kvdir update (${mode})`, figure: throughput(n, updated.kvdir) },
      baseline: { label: raw, figure: throughput(n, updated.raw) },
      goal,
    }),
  ];
}

/** 16 writers creating distinct keys at once against one writer, for kvdir and for the raw limit. */
async function concurrent(ctx) {
  const { kvdir, scale } = ctx;
  const width = 16;
  ctx.log(`writes: ${width} concurrent writers, fsync on`);
  const n = scale.writes;
  const client = new kvdir.FileBackend({ root: ctx.dir('writes-kvdir-concurrent') });
  const rawDir = join(ctx.dir('writes-raw-concurrent'), POLICY_DIR);
  mkdirSync(rawDir, { recursive: true });
  const pair = (prefix, i) => ({
    key: new kvdir.PolicyKey({ name: `${prefix}-${policyName(i)}` }),
    value: policyValue(i),
  });
  const seqPairs = Array.from({ length: n + scale.warmup }, (_, i) => pair('s', i));
  const parPairs = Array.from({ length: n + scale.warmup }, (_, i) => pair('c', i));
  const bytes = Array.from({ length: n + scale.warmup }, (_, i) => policyBytes(i));
  const rawFile = (prefix, i) => join(rawDir, `${prefix}-${policyName(i)}.yaml`);
  const timePool = async (from, count, fn) => {
    const t0 = performance.now();
    await pool(count, width, (j) => fn(from + j));
    return performance.now() - t0;
  };

  await timePool(n, scale.warmup, (i) => client.create(parPairs[i]));
  await timeSequential(n, scale.warmup, (i) => client.create(seqPairs[i]));
  await timePool(n, scale.warmup, (i) => tempRename(rawFile('c', i), bytes[i], true));
  await timeSequential(n, scale.warmup, (i) => tempRename(rawFile('s', i), bytes[i], true));

  const chunk = n / scale.rounds;
  const totals = await interleave(scale.rounds, {
    concurrent: (r) => timePool(r * chunk, chunk, (i) => client.create(parPairs[i])),
    sequential: (r) => timeSequential(r * chunk, chunk, (i) => client.create(seqPairs[i])),
    rawConcurrent: (r) =>
      timePool(r * chunk, chunk, (i) => tempRename(rawFile('c', i), bytes[i], true)),
    rawSequential: (r) =>
      timeSequential(r * chunk, chunk, (i) => tempRename(rawFile('s', i), bytes[i], true)),
  });
  await client.close();
  return [
    throughputRow({
      id: 'write.concurrent16',
      workload: `create, ${width} concurrent writers, fsync on`,
      kvdir: { label: `kvdir create x${width}`, figure: throughput(n, totals.concurrent) },
      baseline: { label: 'kvdir create, sequential', figure: throughput(n, totals.sequential) },
      goal: { op: '>=', value: 1.5, unit: 'x' },
    }),
    throughputRow({
      id: 'write.concurrent16.raw',
      workload: `(disk limit) temp+fsync+rename, ${width} concurrent`,
      kvdir: { label: `temp+fsync+rename x${width}`, figure: throughput(n, totals.rawConcurrent) },
      baseline: {
        label: 'temp+fsync+rename, sequential',
        figure: throughput(n, totals.rawSequential),
      },
    }),
  ];
}

/**
 * Update of `n` hand-commented policy files (written directly, as a person or git leaves them)
 * against update of `n` plain ones that kvdir created, the same values and the same change (the
 * `order` line), interleaved, fsync off so that the CPU cost of the edit is not hidden by the
 * disk. Both are edits of the file that is there; the goal bounds what comments cost.
 */
async function commentedUpdates(ctx) {
  const { kvdir, scale } = ctx;
  ctx.log('writes: update of hand-commented files against plain ones, fsync off');
  const n = scale.writes;
  const total = n + scale.warmup;
  const root = ctx.dir('writes-commented');
  const client = new kvdir.FileBackend({ root, fsync: false });
  const key = (kind, i) => new kvdir.PolicyKey({ name: `${kind}-${policyName(i)}` });
  const dir = join(root, POLICY_DIR);
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < total; i++) {
    const text = commentedPolicyText(i);
    if (!isDeepStrictEqual(parse(text), policyValue(i)))
      throw new Error('commentedPolicyText does not hold policyValue');
    writeFileSync(join(dir, `commented-${policyName(i)}.yaml`), text);
    await client.create({ key: key('plain', i), value: policyValue(i) });
  }
  const update = (kind) => (i) => client.update({ key: key(kind, i), value: policyValue(i, 1) });

  await timeSequential(n, scale.warmup, update('commented'));
  await timeSequential(n, scale.warmup, update('plain'));
  // More, shorter rounds than the other rows: both sides share a directory whose new-file cost
  // grows with every update (bench/lib/dirs.mjs), and alternating often spreads that evenly.
  const rounds = scale.rounds * 2;
  const chunk = n / rounds;
  const totals = await interleave(rounds, {
    commented: (r) => timeSequential(r * chunk, chunk, update('commented')),
    plain: (r) => timeSequential(r * chunk, chunk, update('plain')),
  });
  await client.close();
  return timeRow({
    id: 'write.update.commented',
    workload: 'update of a hand-commented file, fsync off',
    kvdir: { label: 'kvdir update (commented)', figure: throughput(n, totals.commented) },
    baseline: { label: 'kvdir update of a plain file', figure: throughput(n, totals.plain) },
    goal: { op: '<=', value: 1.5, unit: 'x' },
  });
}
