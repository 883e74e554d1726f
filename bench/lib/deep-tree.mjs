/**
 * The deep layout Calico users have: a workload endpoint is
 * `calico/v1/host/<host>/workload/k8s/<workload>/endpoint/eth0.yaml` beside its sidecar, so
 * every endpoint has two directories of its own (10,000 endpoints: 20,304 directories; 100,000:
 * 203,004). 100 endpoints per host, one WorkloadEndpoint of about 270 bytes of YAML each.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { spread } from './data.mjs';

export const DEEP_PREFIX = '/calico/v1/host';
export const PER_HOST = 100;

export function hostName(i) {
  return `h${String(Math.floor(i / PER_HOST)).padStart(5, '0')}`;
}

export function workloadName(i) {
  return `w${String(i).padStart(6, '0')}`;
}

/** Key path of endpoint `i`. */
export function wepPath(i) {
  return `${DEEP_PREFIX}/${hostName(i)}/workload/k8s/${workloadName(i)}/endpoint/eth0`;
}

/** The fields of endpoint `i`'s key (for `new WorkloadEndpointKey(...)`). */
export function wepKeyFields(i) {
  return {
    hostname: hostName(i),
    orchestratorID: 'k8s',
    workloadID: workloadName(i),
    endpointID: 'eth0',
  };
}

/** A WorkloadEndpoint that fits its schema; `gen` changes it for an update. */
export function wepValue(i, gen = 0) {
  const hex = ((i * 2654435761) >>> 0).toString(16).padStart(8, '0');
  return {
    state: 'active',
    name: `cali${hex}${(i % 997).toString(16).padStart(3, '0')}`,
    mac: `ee:ee:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}`,
    profile_ids: ['kns.default', `ksa.default.sa-${i % 50}`],
    ipv4_nets: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`],
    ipv6_nets: [`fd00:10:244::${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}/128`],
    labels: {
      app: `app-${i % 300}`,
      'projectcalico.org/namespace': 'default',
      'pod-template-hash': `${hex}${gen}`,
    },
  };
}

/** The bytes kvdir writes for endpoint `i` (kvdir's own encoding of a structured value). */
export function wepBytes(i, gen = 0) {
  return Buffer.from(stringify(wepValue(i, gen), { aliasDuplicateObjects: false }), 'utf8');
}

/**
 * Adds endpoints `from..to-1` to the tree at `root` as kvdir's create leaves them. The first is
 * created through kvdir, and its sidecar is the template of the others (a fresh incarnation
 * each, the fingerprint of its bytes); a sample is read back through kvdir to check that every
 * revision is one of kvdir's own writes (`<incarnation>.1`). Synchronous writes: 100,000
 * endpoints take about a minute.
 */
export async function buildDeepTree(kvdir, root, from, to) {
  const client = new kvdir.FileBackend({ root, fsync: false });
  try {
    const first = { key: new kvdir.WorkloadEndpointKey(wepKeyFields(from)), value: wepValue(from) };
    await client.create(first);
    const template = learnSidecar(join(root, `${wepPath(from)}.yaml`));
    for (let i = from + 1; i < to; i++) {
      const file = join(root, `${wepPath(i)}.yaml`);
      const dir = dirname(file);
      mkdirSync(dir, { recursive: true });
      const bytes = wepBytes(i);
      writeFileSync(file, bytes);
      writeFileSync(join(dir, '.kvdir-eth0.yaml.rev'), template(bytes));
    }
    for (const j of spread(Math.min(20, to - from), to - from)) {
      const { revision } = await client.get(new kvdir.WorkloadEndpointKey(wepKeyFields(from + j)));
      if (!/^[0-9a-f]+\.1$/.test(String(revision)))
        throw new Error(`endpoint ${from + j} reads as revision ${revision}, not a kvdir write`);
    }
  } finally {
    await client.close();
  }
}

/** The sidecar kvdir wrote beside `file`, as a function of a value's bytes. */
function learnSidecar(file) {
  const dir = dirname(file);
  const names = readdirSync(dir).filter((name) => name.startsWith('.') && name.endsWith('.rev'));
  if (names.length !== 1 || names[0] !== '.kvdir-eth0.yaml.rev')
    throw new Error(`unexpected sidecar names in ${dir}: ${names.join(', ')}`);
  const fields = JSON.parse(readFileSync(join(dir, names[0]), 'utf8'));
  const print = (bytes) => createHash('sha1').update(bytes).digest('hex').slice(0, 16);
  if (fields.h !== print(readFileSync(file)) || typeof fields.i !== 'string' || fields.g !== 1)
    throw new Error(`unexpected sidecar ${JSON.stringify(fields)}`);
  return (bytes) =>
    `${JSON.stringify({ i: randomBytes(fields.i.length / 2).toString('hex'), g: 1, h: print(bytes) })}\n`;
}
