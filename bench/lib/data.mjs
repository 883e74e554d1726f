/**
 * The data every workload uses: one small Calico policy per key (about 250 bytes of YAML),
 * key names, and the shared tree of policies spread over tiers of 1,000.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

/** A small Calico v1 policy; `i` makes each one different, `gen` changes it for an update. */
export function policyValue(i, gen = 0) {
  return {
    order: 100 + ((i + gen) % 900),
    selector: `role == 'web' && app == 'shop-${i}'`,
    inbound_rules: [
      {
        action: 'allow',
        protocol: 'tcp',
        src_selector: "role == 'frontend'",
        dst_ports: [80, 443],
      },
    ],
    outbound_rules: [{ action: 'allow' }],
  };
}

/** The bytes kvdir writes for a structured value (the baselines write exactly these). */
export function policyBytes(i, gen = 0) {
  return Buffer.from(stringify(policyValue(i, gen), { aliasDuplicateObjects: false }), 'utf8');
}

/**
 * Policy `i` (`policyValue(i, gen)`) as a person would write it: comments above, beside and
 * inside, a blank line, a flow list (about 390 bytes). Checked against the value by the caller.
 */
export function commentedPolicyText(i, gen = 0) {
  const value = policyValue(i, gen);
  return `# ${policyName(i)}: the shop's web tier, owned by team-web
order: ${value.order} # before the default tier
selector: ${value.selector}

inbound_rules:
  # the frontend reaches the web servers over http and https
  - action: allow
    protocol: tcp
    src_selector: role == 'frontend'
    dst_ports: [80, 443]
outbound_rules:
  - action: allow # anywhere: the shop calls payment providers
`;
}

export const POLICY_DIR = 'calico/v1/policy/tier/default/policy';
/**
 * The shared tree's prefix. Not under /calico: a Calico path is a key only where it is that
 * key's own path (a policy lives in the default tier), so tiers of 1,000 there would not be
 * keys. Its keys are PathKeys, each value a Calico policy.
 */
export const TREE_PREFIX = '/bench';
export const PER_TIER = 1000;

export function policyName(i) {
  return `p-${String(i).padStart(6, '0')}`;
}

/** Key path of policy `i` in the shared tree: tiers of 1,000 (`/bench/tier-003/p-003123`). */
export function treePath(i) {
  const tier = `tier-${String(Math.floor(i / PER_TIER)).padStart(3, '0')}`;
  return `${TREE_PREFIX}/${tier}/${policyName(i)}`;
}

/** The value file of a key path under `root`. */
export function fileOf(root, keyPath) {
  return `${root}${keyPath}.yaml`;
}

/**
 * Adds policies `from..to-1` to the tree at `root` as kvdir's create leaves them (value file
 * and revision sidecar), but written directly: creating 100,000 keys through kvdir takes
 * minutes. The sidecar is copied from one that kvdir writes first (a fresh incarnation and the
 * content's fingerprint in the same encoding), and keys are read back to check that kvdir
 * sees revisions of its own writes; if not (the format changed beyond this), the keys are
 * written through kvdir instead. Returns how the tree was built.
 */
export async function buildTree(kvdir, root, from, to) {
  const client = new kvdir.FileBackend({ root, fsync: false });
  try {
    const template = await sidecarTemplate(kvdir, client, root, from);
    if (template !== undefined) {
      await writeDirectly(root, from + 1, to, template);
      const reference = revisionShape(
        (await client.get(new kvdir.PathKey(treePath(from)))).revision,
      );
      const probes = spread(Math.min(20, to - from), to - from).map((j) => from + j);
      const shapes = await Promise.all(
        probes.map(async (i) =>
          revisionShape((await client.get(new kvdir.PathKey(treePath(i)))).revision),
        ),
      );
      if (shapes.every((shape) => shape === reference))
        return 'written directly, in the format of a sidecar kvdir wrote';
    }
    await pool(to - from, 16, (j) =>
      client.apply({ key: new kvdir.PathKey(treePath(from + j)), value: policyValue(from + j) }),
    );
    return 'written through kvdir';
  } finally {
    await client.close();
  }
}

/** Lengths of a revision's parts: the same for every revision of a key kvdir itself wrote. */
function revisionShape(revision) {
  return String(revision)
    .split(/[.~]/)
    .map((part) => part.length)
    .join(',');
}

/** Creates key `i` through kvdir and learns its sidecar: file name, fields and encodings. */
async function sidecarTemplate(kvdir, client, root, i) {
  await client.create({ key: new kvdir.PathKey(treePath(i)), value: policyValue(i) });
  const file = fileOf(root, treePath(i));
  const name = `${policyName(i)}.yaml`;
  const hidden = (await readdir(dirname(file))).filter(
    (entry) => entry.startsWith('.') && entry.includes(name),
  );
  if (hidden.length !== 1) return undefined;
  const sidecarName = hidden[0];
  let fields;
  try {
    fields = JSON.parse(await readFile(join(dirname(file), sidecarName), 'utf8'));
  } catch {
    return undefined;
  }
  const digest = createHash('sha1').update(await readFile(file));
  const sha1 = { hex: digest.copy().digest('hex'), base64url: digest.digest('base64url') };
  const printEncoding = Object.keys(sha1).find(
    (encoding) =>
      typeof fields.h === 'string' && fields.h.length > 0 && sha1[encoding].startsWith(fields.h),
  );
  if (printEncoding === undefined || typeof fields.i !== 'string') return undefined;
  return {
    sidecarName: (valueName) => sidecarName.replace(name, valueName),
    sidecar: (bytes) => ({
      ...fields,
      i: randomBytes(fields.i.length)
        .toString(/^[0-9a-f]+$/.test(fields.i) ? 'hex' : 'base64url')
        .slice(0, fields.i.length),
      h: createHash('sha1').update(bytes).digest(printEncoding).slice(0, fields.h.length),
    }),
  };
}

async function writeDirectly(root, from, to, template) {
  const dirs = new Map();
  await pool(to - from, 32, async (j) => {
    const i = from + j;
    const file = fileOf(root, treePath(i));
    const dir = dirname(file);
    if (!dirs.has(dir)) dirs.set(dir, mkdir(dir, { recursive: true }));
    await dirs.get(dir);
    const bytes = policyBytes(i);
    await writeFile(file, bytes);
    await writeFile(
      join(dir, template.sidecarName(`${policyName(i)}.yaml`)),
      `${JSON.stringify(template.sidecar(bytes))}\n`,
    );
  });
}

/** Runs `fn(0..count-1)` with `width` calls in flight. */
export async function pool(count, width, fn) {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}

/** `count` distinct indices out of `0..total-1`, spread evenly. */
export function spread(count, total) {
  return Array.from({ length: count }, (_, j) => Math.floor((j * total) / count));
}
