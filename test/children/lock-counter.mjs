// Compare-and-swap increments of one counter key, as fast as it can, until "stop" on stdin.
// Prints "ready" once running, "ok <revision> <n>" for every acknowledged increment,
// "err <code> <message>" for every failed one, "stalled ok|err <code>" after the one that was
// stalled, and at the end "done <JSON summary>".
// Commands on stdin, one per line:
//   stall <step> <ms>  the next increment blocks the event loop for <ms> at <step>: a step of
//                      src/backends/file/write-steps.ts, or "after-call" (right after the
//                      call started, while it waits for its fsync: the reliability probe P15)
//   slow <ms>          the next fsync takes <ms> (a slow disk; the event loop stays free)
//   stop               finish the current increment, print the summary, exit
// argv: <root> <key path> <options JSON: { stale?, wait?, fsync? (default true),
//       writers?: number of extra writers applying sibling keys flat out,
//       counter?: false to run only those writers }>
// KVDIR_TEST_DIST (optional): the build to test (default: this repository's dist/src/).
import nodeFs from 'node:fs';
import { createInterface } from 'node:readline';

const dist = process.env.KVDIR_TEST_DIST ?? new URL('../../dist/src/', import.meta.url).href;
const { FileBackend, PathKey, ResourceUpdateConflictError } = await import(`${dist}index.js`);
const steps = await import(`${dist}backends/file/write-steps.js`).catch(() => undefined);

const [root, keyPath, optionsText] = process.argv.slice(2);
const options = JSON.parse(optionsText ?? '{}');

/** Blocks the event loop (not the CPU) for `ms`. */
const block = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

let slowFsyncMs = 0;
// Node's fs with a fsync that can be made slow; the same `promises`, so it counts as Node's fs.
const fs = Object.assign(Object.create(nodeFs), {
  realpathSync: nodeFs.realpathSync.native,
  fsync(fd, callback) {
    const delay = slowFsyncMs;
    slowFsyncMs = 0;
    if (delay === 0) return nodeFs.fsync(fd, callback);
    setTimeout(() => nodeFs.fsync(fd, callback), delay);
  },
});
const lock = {};
if (options.stale !== undefined) lock.stale = options.stale;
if (options.wait !== undefined) lock.wait = options.wait;
const client = new FileBackend({ root, fs, fsync: options.fsync ?? true, lock });
const key = new PathKey(keyPath);

let stopping = false;
let stall; // { step, ms } for the next increment
const summary = { acks: 0, conflicts: 0, errors: {}, siblingOps: 0, stalls: 0 };

const commands = createInterface({ input: process.stdin });
// The test is gone (stdin closed): stop rather than run on as an orphan.
commands.on('close', () => (stopping = true));
commands.on('line', (line) => {
  const [command, a, b] = line.trim().split(/\s+/);
  if (command === 'stop') stopping = true;
  else if (command === 'stall') stall = { step: a, ms: Number(b) };
  else if (command === 'slow') slowFsyncMs = Number(a);
});

/**
 * Arms the stall asked for, if any, for the write about to start; returns its state, whose
 * `fired` says (after the write) whether the stall happened during it.
 */
function armStall() {
  const next = stall;
  stall = undefined;
  if (next === undefined) return undefined;
  const state = { next, fired: false };
  const fire = () => {
    state.fired = true;
    summary.stalls++;
    block(next.ms);
  };
  if (next.step === 'after-call') {
    state.immediate = setImmediate(fire);
    return state;
  }
  if (steps === undefined) throw new Error('this build has no write-steps knob');
  const leaf = `${keyPath.split('/').pop()}.yaml`;
  steps.writeSteps.onStep = (step, file) => {
    // The counter's value file, or its temp file (not the sidecar's).
    const ours = file.endsWith(`/${leaf}`) || file.includes(`/.kvdir-${leaf}.tmp-`);
    if (step !== next.step || !ours) return;
    steps.writeSteps.onStep = undefined;
    fire();
  };
  return state;
}

/** After a write: says how the stalled one ended, or keeps the stall for the next write. */
function settleStall(state, outcome) {
  if (state === undefined) return;
  if (state.fired) {
    process.stdout.write(`stalled ${outcome}\n`);
    return;
  }
  // It ended (a conflict) before the step: stall the next one instead.
  if (state.immediate !== undefined) clearImmediate(state.immediate);
  if (steps !== undefined) steps.writeSteps.onStep = undefined;
  stall ??= state.next;
}

async function increment() {
  const kv = await client.get(key);
  const pending = client.update({ key, value: { n: kv.value.n + 1 }, revision: kv.revision });
  const stalled = armStall();
  try {
    const written = await pending;
    summary.acks++;
    process.stdout.write(`ok ${written.revision} ${kv.value.n + 1}\n`);
    settleStall(stalled, 'ok');
  } catch (err) {
    settleStall(stalled, `err ${err.code}`);
    throw err;
  }
}

async function counterLoop() {
  while (!stopping) {
    try {
      await increment();
    } catch (err) {
      if (err instanceof ResourceUpdateConflictError) summary.conflicts++;
      else {
        const code = err.code ?? String(err);
        summary.errors[code] = (summary.errors[code] ?? 0) + 1;
        process.stdout.write(`err ${code} ${err.message.replace(/\n/g, ' ')}\n`);
      }
    }
  }
}

async function siblingLoop(index) {
  const sibling = new PathKey(`${keyPath}-sibling-${process.pid}-${index}`);
  for (let n = 0; !stopping; n++) {
    await client.apply({ key: sibling, value: { n } });
    summary.siblingOps++;
    if (summary.siblingOps === 1) process.stdout.write('writing\n');
  }
}

process.stdout.write('ready\n');
await Promise.all([
  options.counter === false ? undefined : counterLoop(),
  ...Array.from({ length: options.writers ?? 0 }, (_, i) => siblingLoop(i)),
]);
commands.close();
process.stdin.destroy();
await client.close();
process.stdout.write(`done ${JSON.stringify(summary)}\n`);
