/** Timing helpers: ms clocks, interleaved rounds, throughput figures, percentiles. */

export const now = () => performance.now();

/** Runs `fn(i)` for i in [from, from+count) one after another; returns elapsed ms. */
export async function timeSequential(from, count, fn) {
  const t0 = now();
  for (let i = from; i < from + count; i++) await fn(i);
  return now() - t0;
}

/**
 * Creates, then updates, of `n` keys, each kvdir side beside its raw baselines: a warm-up of
 * every side on items n..n+warmup-1 (in the order given), then `rounds` interleaved rounds over
 * 0..n-1. `create` and `update` map a side's name to `async (i) => void`; returns the summed ms
 * per side of each, as `interleave` does.
 */
export async function createThenUpdate(n, warmup, rounds, { create, update }) {
  for (const fn of [...Object.values(create), ...Object.values(update)])
    await timeSequential(n, warmup, fn);
  const chunk = n / rounds;
  const inRounds = (sides) =>
    interleave(
      rounds,
      Object.fromEntries(
        Object.entries(sides).map(([name, fn]) => [
          name,
          (r) => timeSequential(r * chunk, chunk, fn),
        ]),
      ),
    );
  return { created: await inRounds(create), updated: await inRounds(update) };
}

/**
 * Runs each side's chunk `rounds` times, alternating the order every round (A B, B A, ...) so
 * that drift of a shared, noisy machine falls on both sides alike. `sides` maps a name to
 * `async (round) => elapsedMs`. Returns the summed ms per side; `samples(totals)` gives each
 * side's per-round ms.
 */
export async function interleave(rounds, sides) {
  const names = Object.keys(sides);
  const totals = Object.fromEntries(names.map((name) => [name, 0]));
  const perRound = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const ms = await sides[name](round);
      totals[name] += ms;
      perRound[name].push(Math.round(ms * 10) / 10);
    }
  }
  ROUNDS.set(totals, perRound);
  return totals;
}

const ROUNDS = new WeakMap();

/** Per-round ms of each side of an `interleave` result. */
export function samples(totals) {
  return ROUNDS.get(totals) ?? {};
}

/** A throughput figure from `ops` operations in `ms`. */
export function throughput(ops, ms) {
  return {
    ops,
    ms: round(ms, 1),
    opsPerSec: round((ops * 1000) / ms, 0),
    usPerOp: round((ms * 1000) / ops, 0),
  };
}

/** Nearest-rank percentile of numbers. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/** The middle value, or the mean of the two middle values of an even count. */
export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(value, digits) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
