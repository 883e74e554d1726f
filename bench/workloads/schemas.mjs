/**
 * The cost of checking Calico values against their schemas, beside the cost it rides on:
 * - in memory: checking 10,000 typical values (half WorkloadEndpoints, half Policies, as the
 *   fixture tree has them) as a read does, against YAML-parsing the same values' text as a read
 *   does (yaml's parseDocument + toJS, what kvdir's codec calls);
 * - the same for the strict check of writes and `kvdir check` (unknown fields are issues);
 * - end to end: `list` of a directory of Calico policies as policies (each value checked)
 *   against `list` of the same files as PathKeys (no schema, no check).
 */
import { parseDocument, stringify } from 'yaml';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { POLICY_DIR, policyBytes, policyName, policyValue } from '../lib/data.mjs';
import { interleave, round, samples } from '../lib/measure.mjs';
import { timeRow } from '../report.mjs';

export async function schemas(ctx) {
  return [...inMemory(ctx), ...(await listed(ctx))];
}

function workloadEndpoint(i) {
  return {
    state: 'active',
    name: `cali${(0x1000000 + i).toString(16)}`,
    mac: 'ee:ee:ee:ee:ee:ee',
    profile_ids: ['k8s_ns.default'],
    ipv4_nets: [`10.65.${(i >> 8) & 255}.${i & 255}/32`],
    ipv6_nets: [],
    labels: { app: `shop-${i % 50}`, 'calico/k8s_ns': 'default' },
  };
}

function inMemory(ctx) {
  const { kvdir, scale } = ctx;
  const count = scale.checks;
  ctx.log(`schemas: checking ${count} values against parsing them`);
  const wepKey = new kvdir.WorkloadEndpointKey({
    hostname: 'node-1',
    orchestratorID: 'k8s',
    workloadID: 'default.shop',
    endpointID: 'eth0',
  });
  const policyKey = new kvdir.PolicyKey({ name: 'p' });
  const items = Array.from({ length: count }, (_, i) => {
    const value = i % 2 === 0 ? workloadEndpoint(i) : policyValue(i);
    const text = stringify(value, { aliasDuplicateObjects: false });
    return { key: i % 2 === 0 ? wepKey : policyKey, text, value };
  });
  const bytes = items.reduce((sum, item) => sum + Buffer.byteLength(item.text), 0);
  const parseAll = () => {
    const t0 = performance.now();
    for (const item of items)
      item.parsed = parseDocument(item.text, { logLevel: 'error' }).toJS({ maxAliasCount: 100 });
    return performance.now() - t0;
  };
  const readCheckAll = () => {
    const t0 = performance.now();
    for (const item of items)
      if (!kvdir.parseStoredValue(item.key, item.parsed).ok) throw new Error('a value failed');
    return performance.now() - t0;
  };
  const writeCheckAll = () => {
    const t0 = performance.now();
    for (const item of items)
      if (kvdir.checkValue(item.key, item.parsed).length > 0) throw new Error('a value failed');
    return performance.now() - t0;
  };
  parseAll(); // warm-up (and the parsed values the checks use)
  readCheckAll();
  writeCheckAll();
  const rounds = Math.max(3, scale.rounds);
  const totals = interleaveSync(rounds, {
    parse: parseAll,
    read: readCheckAll,
    write: writeCheckAll,
  });
  const figure = (side) => ({
    ms: round(totals[side] / rounds, 2),
    roundsMs: totals.perRound[side],
  });
  const per = `${count.toLocaleString('en-US')} values (WorkloadEndpoint and Policy, ${Math.round(bytes / count)} bytes of YAML each)`;
  const baseline = { label: 'yaml parse of the same values', figure: figure('parse') };
  const goal = { op: '<=', value: 0.05, unit: 'x' };
  return [
    timeRow({
      id: 'schemas.check.read',
      workload: `check ${per}, as reads do`,
      kvdir: { label: 'parseStoredValue', figure: figure('read') },
      baseline,
      goal,
    }),
    timeRow({
      id: 'schemas.check.write',
      workload: `check ${per}, as writes and kvdir check do (unknown fields too)`,
      kvdir: { label: 'checkValue', figure: figure('write') },
      baseline,
      goal,
    }),
  ];
}

/** `interleave` for synchronous sides: rounds in alternating order, summed ms per side. */
function interleaveSync(rounds, sides) {
  const names = Object.keys(sides);
  const totals = Object.fromEntries(names.map((name) => [name, 0]));
  totals.perRound = Object.fromEntries(names.map((name) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 === 0 ? names : [...names].reverse()) {
      const ms = sides[name]();
      totals[name] += ms;
      totals.perRound[name].push(round(ms, 1));
    }
  }
  return totals;
}

async function listed(ctx) {
  const { kvdir, scale, tree } = ctx;
  const count = scale.checks;
  ctx.log(`schemas: list of ${count} keys as Calico policies and as PathKeys`);
  // Policies at their own paths (the default tier), written as a fresh clone has them.
  const root = join(tree.root, '..', 'schemas-list');
  await mkdir(join(root, POLICY_DIR), { recursive: true });
  for (let i = 0; i < count; i++) {
    await writeFile(join(root, POLICY_DIR, `${policyName(i)}.yaml`), policyBytes(i));
  }
  const asPaths = new kvdir.PathListOptions({ prefix: `/${POLICY_DIR}` });
  const asPolicies = new kvdir.PolicyListOptions({});
  const client = new kvdir.FileBackend({ root });
  const listAll = async (options, type) => {
    const t0 = performance.now();
    const pairs = await client.list(options);
    const ms = performance.now() - t0;
    if (pairs.length !== count || !(pairs[0]?.key instanceof type))
      throw new Error(`list returned ${pairs.length} of ${count} keys`);
    return ms;
  };
  await listAll(asPolicies, kvdir.PolicyKey); // warm-up
  const totals = await interleave(scale.listRounds, {
    checked: () => listAll(asPolicies, kvdir.PolicyKey),
    unchecked: () => listAll(asPaths, kvdir.PathKey),
  });
  await client.close();
  const figure = (side) => ({
    ms: round(totals[side] / scale.listRounds, 1),
    roundsMs: samples(totals)[side],
  });
  return [
    timeRow({
      id: 'schemas.list',
      workload: `list ${count.toLocaleString('en-US')} keys as Calico policies (each value checked)`,
      kvdir: { label: 'kvdir list, PolicyKeys', figure: figure('checked') },
      baseline: { label: 'kvdir list, PathKeys (no check)', figure: figure('unchecked') },
      goal: { op: '<=', value: 1.1, unit: 'x' },
    }),
  ];
}
