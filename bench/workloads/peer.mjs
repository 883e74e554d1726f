/**
 * A peer: unstorage's fs driver on the same values. kvdir writes with fsync off (unstorage
 * never fsyncs) and still locks and keeps revisions; unstorage stores each value as JSON in a
 * file named by the key.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createStorage } from 'unstorage';
import fsDriver from 'unstorage/drivers/fs';
import { TREE_PREFIX, policyName, policyValue, pool, treePath } from '../lib/data.mjs';
import { interleave, round, throughput, timeSequential } from '../lib/measure.mjs';
import { throughputRow, timeRow } from '../report.mjs';

export async function peer(ctx) {
  const { kvdir, scale, tree } = ctx;
  ctx.log('peer: unstorage fs driver');
  const n = scale.writes;
  const total = n + scale.warmup;
  const storage = createStorage({ driver: fsDriver({ base: ctx.dir('peer-unstorage') }) });
  const kvRoot = ctx.dir('peer-kvdir');
  const client = new kvdir.FileBackend({ root: kvRoot, fsync: false });
  const storageKey = (i) => `calico:v1:policy:tier:default:policy:${policyName(i)}`;
  const pairs = Array.from({ length: total }, (_, i) => ({
    key: new kvdir.PolicyKey({ name: policyName(i) }),
    value: policyValue(i),
  }));
  const values = pairs.map((kv) => kv.value);

  await timeSequential(n, scale.warmup, (i) => client.create(pairs[i]));
  await timeSequential(n, scale.warmup, (i) => storage.setItem(storageKey(i), values[i]));
  const chunk = n / scale.rounds;
  const set = await interleave(scale.rounds, {
    kvdir: (r) => timeSequential(r * chunk, chunk, (i) => client.create(pairs[i])),
    unstorage: (r) =>
      timeSequential(r * chunk, chunk, (i) => storage.setItem(storageKey(i), values[i])),
  });
  await client.close();

  const reader = new kvdir.FileBackend({ root: kvRoot });
  const got = await interleave(scale.rounds, {
    kvdir: (r) => timeSequential(r * chunk, chunk, (i) => reader.get(pairs[i].key)),
    unstorage: (r) => timeSequential(r * chunk, chunk, (i) => storage.getItem(storageKey(i))),
  });
  await reader.close();
  await storage.dispose();

  // The shared tree, copied into unstorage's layout for getKeys.
  ctx.log(`peer: unstorage getKeys over ${tree.count} keys`);
  // Written as unstorage's setItem writes a file (JSON text, no temp file, no fsync), but directly.
  const bigBase = ctx.dir('peer-unstorage-tree');
  await pool(tree.count, 16, async (i) => {
    const file = join(bigBase, treePath(i));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(policyValue(i)));
  });
  const big = createStorage({ driver: fsDriver({ base: bigBase }) });
  const options = new kvdir.PathListOptions({ prefix: TREE_PREFIX });
  const timed = async (fn, expect) => {
    const t0 = performance.now();
    const count = await fn();
    const ms = performance.now() - t0;
    if (count !== expect) throw new Error(`peer listing found ${count} of ${expect}`);
    return ms;
  };
  const keysOnly = () => big.getKeys().then((keys) => keys.length);
  const keysAndValues = async () => {
    const keys = await big.getKeys();
    const items = await big.getItems(keys);
    return items.filter((item) => item.value !== null).length;
  };
  const kvdirList = async () => {
    const fresh = new kvdir.FileBackend({ root: tree.root });
    const pairs = await fresh.list(options);
    await fresh.close();
    return pairs.length;
  };
  await timed(keysAndValues, tree.count);
  const listed = await interleave(scale.listRounds, {
    kvdir: () => timed(kvdirList, tree.count),
    keys: () => timed(keysOnly, tree.count),
    keysAndValues: () => timed(keysAndValues, tree.count),
  });
  await big.dispose();

  const per = (ms) => ({ ms: round(ms / scale.listRounds, 1) });
  const size = tree.count.toLocaleString('en-US');
  return [
    throughputRow({
      id: 'peer.set',
      workload: 'create, fsync off, vs unstorage setItem',
      kvdir: { label: 'kvdir create (fsync off)', figure: throughput(n, set.kvdir) },
      baseline: { label: 'unstorage fs setItem', figure: throughput(n, set.unstorage) },
      goal: { op: '>=', value: 1.0, unit: 'x' },
    }),
    throughputRow({
      id: 'peer.get',
      workload: 'get vs unstorage getItem',
      kvdir: { label: 'kvdir get', figure: throughput(n, got.kvdir) },
      baseline: { label: 'unstorage fs getItem', figure: throughput(n, got.unstorage) },
    }),
    timeRow({
      id: 'peer.getKeys',
      workload: `list ${size} keys (with values) vs unstorage getKeys (keys only)`,
      kvdir: { label: 'kvdir list (fresh client)', figure: per(listed.kvdir) },
      baseline: { label: 'unstorage fs getKeys', figure: per(listed.keys) },
    }),
    timeRow({
      id: 'peer.getKeysItems',
      workload: `list ${size} keys vs unstorage getKeys + getItems`,
      kvdir: { label: 'kvdir list (fresh client)', figure: per(listed.kvdir) },
      baseline: { label: 'unstorage getKeys + getItems', figure: per(listed.keysAndValues) },
    }),
  ];
}
