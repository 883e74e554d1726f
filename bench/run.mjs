#!/usr/bin/env node
/**
 * `npm run bench`: kvdir beside the raw file-system limit, measured in one run on one machine.
 * Not part of `npm test`. See USAGE below and docs/performance.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildTree } from './lib/data.mjs';
import { spreadDirectories, workloadDir } from './lib/dirs.mjs';
import { buildInfo, machineInfo } from './lib/machine.mjs';
import { snapshotBuild } from './lib/snapshot.mjs';
import { failedRow, renderMarkdown } from './report.mjs';
import { writes } from './workloads/writes.mjs';
import { reads } from './workloads/reads.mjs';
import { peer } from './workloads/peer.mjs';
import { syncerRows } from './workloads/syncer.mjs';
import { etcdRows } from './workloads/etcd.mjs';
import { deepList, deepSyncer, deepWrites } from './workloads/deep.mjs';
import { buildDeepTree } from './lib/deep-tree.mjs';
import { schemas } from './workloads/schemas.mjs';
import { mirrorRows } from './workloads/mirror.mjs';

const USAGE = `Usage: npm run bench -- [options]   (or: node bench/run.mjs [options] after npm run build)

  (no options)        human table (Markdown) on stdout, progress on stderr
  --json FILE         also write the results as JSON to FILE
  --json              JSON on stdout instead (the table goes to stderr)
  --large             also the syncers over 100,000 files and 100,000 etcd keys, and the
                      deep layout at 100,000 endpoints (several minutes more)
  --quick             small counts: a smoke test of the bench itself
  --only LIST         some of: writes,reads,peer,syncer,schemas,deep,etcd,mirror (etcd:
                      EtcdBackend against a throwaway etcd, beside raw etcd3 and the
                      FileBackend; mirror: kvdir mirror's passes and its edit-to-etcd delay;
                      both need etcd)
  --impl FILE         measure another build of kvdir (default: dist/src/index.js)
  --dir DIR           where the temporary trees go (default: the OS temp dir)
`;

const SCALES = {
  default: {
    writes: 1000,
    warmup: 100,
    rounds: 4,
    reads: 2000,
    listRounds: 2,
    tree: 10_000,
    large: 100_000,
    syncerRuns: 2,
    latencyWrites: 200,
    checks: 10_000,
    deep: 10_000,
    deepLarge: 100_000,
    deepRuns: 2,
  },
  quick: {
    writes: 200,
    warmup: 20,
    rounds: 2,
    reads: 200,
    listRounds: 1,
    tree: 1_000,
    large: 10_000,
    syncerRuns: 1,
    latencyWrites: 20,
    checks: 10_000,
    deep: 1_000,
    deepLarge: 10_000,
    deepRuns: 1,
  },
};
const WORKLOADS = ['writes', 'reads', 'peer', 'syncer', 'schemas', 'deep', 'etcd', 'mirror'];

class UsageError extends Error {}

function parseArgs(argv) {
  const args = {
    json: undefined,
    large: false,
    quick: false,
    only: WORKLOADS,
    impl: fileURLToPath(new URL('../dist/src/index.js', import.meta.url)),
    dir: os.tmpdir(),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      i++;
      return next;
    };
    if (arg === '--json')
      args.json = argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[++i] : '-';
    else if (arg === '--large') args.large = true;
    else if (arg === '--quick') args.quick = true;
    else if (arg === '--only') args.only = value().split(',');
    else if (arg === '--impl') args.impl = resolve(value());
    else if (arg === '--dir') args.dir = resolve(value());
    else if (arg === '--help' || arg === '-h') args.help = true;
    else throw new UsageError(`unknown argument ${arg}`);
  }
  for (const name of args.only)
    if (!WORKLOADS.includes(name))
      throw new UsageError(`unknown workload ${name}; one of ${WORKLOADS.join(', ')}`);
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const scale = { ...(args.quick ? SCALES.quick : SCALES.default) };
  const machine = machineInfo(args.dir);
  const build = buildInfo(args.impl);
  const base = mkdtempSync(join(args.dir, 'kvdir-bench-'));
  const spread = spreadDirectories(base);
  const impl = snapshotBuild(args.impl, join(base, 'kvdir'));
  const kvdir = await import(pathToFileURL(impl).href);
  const started = performance.now();
  const log = (message) =>
    process.stderr.write(
      `[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`,
    );
  const notes = [];
  const ctx = {
    kvdir,
    impl,
    scale,
    log,
    note: (text) => notes.push(text),
    dir: (name) => workloadDir(base, name),
    tree: undefined,
    large: args.large,
  };
  const cleanup = () => removeTree(base);
  log(`kvdir from ${args.impl} (copied to ${impl})`);
  if (spread)
    notes.push(
      "each workload's directories were spread over the file system's block groups (chattr +T on the base directory, names new in every run), so that no workload creates files where many were just deleted (see bench/lib/dirs.mjs)",
    );
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });

  const rows = [];
  const attempt = async (name, fn) => {
    settleDisk(log);
    try {
      rows.push(...(await fn()));
    } catch (err) {
      log(`${name} failed: ${err.stack ?? err}`);
      notes.push(`${name} failed: ${err.message ?? err}`);
      rows.push(failedRow({ id: name, workload: name, error: err.message ?? String(err) }));
    }
  };
  try {
    if (args.only.some((name) => name !== 'writes' && name !== 'deep')) {
      log(`building the shared tree: ${scale.tree} policies`);
      const root = ctx.dir('tree');
      const how = await buildTree(kvdir, root, 0, scale.tree);
      ctx.tree = { root, count: scale.tree };
      notes.push(
        `the shared tree (policies in tiers of 1,000, each a value file and its revision sidecar) was ${how}`,
      );
    }
    if (args.only.includes('writes')) await attempt('writes', () => writes(ctx));
    if (args.only.includes('reads')) await attempt('reads', () => reads(ctx));
    if (args.only.includes('peer')) await attempt('peer', () => peer(ctx));
    if (args.only.includes('schemas')) await attempt('schemas', () => schemas(ctx));
    if (args.only.includes('etcd')) await attempt('etcd', () => etcdRows(ctx));
    if (args.only.includes('deep')) await deepRows(ctx, args, notes, attempt);
    if (args.only.includes('mirror')) await attempt('mirror', () => mirrorRows(ctx));
    if (args.only.includes('syncer')) {
      await attempt('syncer', () =>
        syncerRows(ctx, {
          runs: scale.syncerRuns,
          latencyWrites: scale.latencyWrites,
          resyncProbe: true,
          timeoutMs: 120_000,
        }),
      );
      if (args.large) {
        log(`growing the shared tree to ${scale.large} policies`);
        await buildTree(kvdir, ctx.tree.root, ctx.tree.count, scale.large);
        ctx.tree.count = scale.large;
        await attempt('syncer-large', () =>
          syncerRows(ctx, { runs: 1, latencyWrites: 0, resyncProbe: false, timeoutMs: 600_000 }),
        );
      } else {
        notes.push(
          `the syncer over ${scale.large.toLocaleString('en-US')} files was not run (add --large)`,
        );
      }
    }
  } catch (err) {
    cleanup();
    throw err;
  }
  machine.loadavgAfter = os.loadavg().map((v) => Math.round(v * 100) / 100);
  const result = {
    machine,
    build,
    scale: { ...scale, large: args.large ? scale.large : 'off (--large)' },
    durationS: Math.round((performance.now() - started) / 1000),
    rows,
    notes,
  };
  log(`done in ${result.durationS} s`);
  const table = renderMarkdown(result);
  if (args.json === '-') {
    process.stderr.write(table);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    process.stdout.write(table);
    if (args.json !== undefined) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
  }
  log(`removing ${base}`);
  cleanup();
  return 0;
}

/** The deep layout (issue 19): 10,000 endpoints, and with --large 100,000, beside B. */
async function deepRows(ctx, args, notes, attempt) {
  const { scale, kvdir, log } = ctx;
  const root = ctx.dir('deep');
  log(`building the deep tree: ${scale.deep} endpoints`);
  let t0 = performance.now();
  await buildDeepTree(kvdir, root, 0, scale.deep);
  log(`built in ${Math.round(performance.now() - t0)} ms`);
  ctx.deep = { root, count: scale.deep };
  notes.push(
    `the deep tree (calico/v1/host/<host>/workload/k8s/<workload>/endpoint/eth0.yaml, 100 endpoints per host, a ~270-byte WorkloadEndpoint each, sidecars as kvdir writes them) was written directly, its sidecars in the format of one kvdir wrote`,
  );
  const rounds = Math.max(2, scale.listRounds);
  await attempt('deep-list', () => deepList(ctx, { rounds }));
  await attempt('deep-syncer', () => deepSyncer(ctx, { runs: scale.deepRuns, timeoutMs: 120_000 }));
  await attempt('deep-writes', () => deepWrites(ctx));
  if (!args.large) {
    notes.push(
      `the deep layout at ${scale.deepLarge.toLocaleString('en-US')} endpoints was not run (add --large)`,
    );
    return;
  }
  log(`growing the deep tree to ${scale.deepLarge} endpoints`);
  t0 = performance.now();
  await buildDeepTree(kvdir, root, scale.deep, scale.deepLarge);
  log(`grown in ${Math.round(performance.now() - t0)} ms`);
  ctx.deep = { root, count: scale.deepLarge };
  await attempt('deep-list-large', () => deepList(ctx, { rounds: 2 }));
  await attempt('deep-syncer-large', () =>
    deepSyncer(ctx, { runs: scale.deepRuns, timeoutMs: 600_000 }),
  );
}

/**
 * Writes the dirty pages of everything before (the shared tree just built, the last workload's
 * files) to disk, so that their write-back does not slow down the next workload's measurements.
 */
function settleDisk(log) {
  const t0 = performance.now();
  const sync = spawnSync('sync', [], { stdio: 'ignore' });
  if (sync.status === 0) log(`disk settled (sync) in ${Math.round(performance.now() - t0)} ms`);
}

/** `rm -rf` (quicker than Node 20's rmSync on 200,000 small files); rmSync where there is no rm. */
function removeTree(dir) {
  const rm = spawnSync('rm', ['-rf', dir], { stdio: 'ignore' });
  if (rm.status !== 0) rmSync(dir, { recursive: true, force: true });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) {
      process.stderr.write(`bench: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    process.stderr.write(`bench: ${err.stack ?? err}\n`);
    process.exit(1);
  },
);
