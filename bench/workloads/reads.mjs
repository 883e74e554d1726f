/**
 * Reads: `get` against readFile + YAML parse, and `list` of the whole shared tree against
 * crawl + read + parse. Each is measured twice: on a fresh client (nothing read before) and on
 * one long-lived client that has read the same keys before (where a client may use a cache).
 */
import { crawlReadParse, crawlReadParseSync, readParse, readParseSync } from '../baselines.mjs';
import { TREE_PREFIX, fileOf, spread, treePath } from '../lib/data.mjs';
import { interleave, round, samples, throughput, timeSequential } from '../lib/measure.mjs';
import { throughputRow, timeRow } from '../report.mjs';

export async function reads(ctx) {
  return [...(await gets(ctx)), ...(await list(ctx))];
}

async function gets(ctx) {
  const { kvdir, scale, tree } = ctx;
  ctx.log(`reads: get of ${scale.reads} keys`);
  const paths = spread(scale.reads, tree.count).map(treePath);
  const keys = paths.map((path) => new kvdir.PathKey(path));
  const files = paths.map((path) => fileOf(tree.root, path));
  const chunk = scale.reads / scale.rounds;
  const check = (kv) => {
    if (typeof kv.value?.selector !== 'string')
      throw new Error(`get returned no policy for ${kv.key}`);
  };

  // Warm-up: JIT and page cache, on a client that is then thrown away.
  const warm = new kvdir.FileBackend({ root: tree.root });
  await timeSequential(0, Math.min(scale.warmup, keys.length), async (i) =>
    check(await warm.get(keys[i])),
  );
  await timeSequential(0, Math.min(scale.warmup, files.length), (i) => readParse(files[i]));
  await warm.close();

  const fresh = await interleave(scale.rounds, {
    kvdir: async (r) => {
      const client = new kvdir.FileBackend({ root: tree.root });
      const ms = await timeSequential(r * chunk, chunk, async (i) =>
        check(await client.get(keys[i])),
      );
      await client.close();
      return ms;
    },
    raw: (r) => timeSequential(r * chunk, chunk, (i) => readParse(files[i])),
    rawSync: (r) => timeSequential(r * chunk, chunk, async (i) => readParseSync(files[i])),
  });

  const client = new kvdir.FileBackend({ root: tree.root });
  await timeSequential(0, keys.length, async (i) => check(await client.get(keys[i])));
  const repeated = await interleave(scale.rounds, {
    kvdir: (r) => timeSequential(r * chunk, chunk, async (i) => check(await client.get(keys[i]))),
    raw: (r) => timeSequential(r * chunk, chunk, (i) => readParse(files[i])),
  });
  await client.close();

  const goal = { op: '>=', value: 0.7, unit: 'x' };
  const baseline = (ms) => ({
    label: 'readFile + yaml parse',
    figure: throughput(scale.reads, ms),
  });
  return [
    throughputRow({
      id: 'read.get.fresh',
      workload: 'get, first read of each key (fresh client)',
      kvdir: { label: 'kvdir get', figure: throughput(scale.reads, fresh.kvdir) },
      baseline: baseline(fresh.raw),
      goal,
    }),
    throughputRow({
      id: 'read.get.fresh.sync',
      workload: 'get, first read of each key (sync-fs floor)',
      kvdir: { label: 'kvdir get', figure: throughput(scale.reads, fresh.kvdir) },
      baseline: {
        label: 'readFileSync + yaml parse',
        figure: throughput(scale.reads, fresh.rawSync),
      },
    }),
    throughputRow({
      id: 'read.get.repeated',
      workload: 'get, keys read before (same client)',
      kvdir: { label: 'kvdir get', figure: throughput(scale.reads, repeated.kvdir) },
      baseline: baseline(repeated.raw),
      goal,
    }),
  ];
}

async function list(ctx) {
  const { kvdir, scale, tree } = ctx;
  ctx.log(`reads: list of ${tree.count} keys`);
  const options = new kvdir.PathListOptions({ prefix: TREE_PREFIX });
  const dir = `${tree.root}${TREE_PREFIX}`;
  const listAll = async (client) => {
    const t0 = performance.now();
    const pairs = await client.list(options);
    const ms = performance.now() - t0;
    if (pairs.length !== tree.count)
      throw new Error(`list returned ${pairs.length} of ${tree.count} keys`);
    return ms;
  };
  const crawl = async () => {
    const t0 = performance.now();
    const parsed = await crawlReadParse(dir);
    const ms = performance.now() - t0;
    if (parsed !== tree.count) throw new Error(`crawl parsed ${parsed} of ${tree.count} files`);
    return ms;
  };

  const client = new kvdir.FileBackend({ root: tree.root });
  await listAll(client); // warm-up; also what a long-lived client has seen before
  await crawl();
  const totals = await interleave(scale.listRounds, {
    fresh: async () => {
      const freshClient = new kvdir.FileBackend({ root: tree.root });
      const ms = await listAll(freshClient);
      await freshClient.close();
      return ms;
    },
    repeated: () => listAll(client),
    raw: () => crawl(),
    rawSync: async () => {
      const t0 = performance.now();
      const parsed = crawlReadParseSync(dir);
      if (parsed !== tree.count)
        throw new Error(`sync crawl parsed ${parsed} of ${tree.count} files`);
      return performance.now() - t0;
    },
  });
  await client.close();

  const perList = (side) => ({
    ms: round(totals[side] / scale.listRounds, 1),
    roundsMs: samples(totals)[side],
  });
  const goal = { op: '<=', value: 1.3, unit: 'x' };
  const baseline = { label: 'crawl + read + parse', figure: perList('raw') };
  return [
    timeRow({
      id: 'read.list.fresh',
      workload: `list ${tree.count.toLocaleString('en-US')} keys (fresh client)`,
      kvdir: { label: 'kvdir list', figure: perList('fresh') },
      baseline,
      goal,
    }),
    timeRow({
      id: 'read.list.fresh.sync',
      workload: `list ${tree.count.toLocaleString('en-US')} keys (fresh client, sync-fs floor)`,
      kvdir: { label: 'kvdir list', figure: perList('fresh') },
      baseline: { label: 'sync crawl + read + parse', figure: perList('rawSync') },
    }),
    timeRow({
      id: 'read.list.repeated',
      workload: `list ${tree.count.toLocaleString('en-US')} keys again (same client)`,
      kvdir: { label: 'kvdir list', figure: perList('repeated') },
      baseline,
      goal,
    }),
  ];
}
