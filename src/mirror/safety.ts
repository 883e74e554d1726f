/**
 * The safety valves (pure): a plan that looks like a mistake rather than an intent is refused
 * as a whole, nothing of it written, unless `force`:
 * - the directory holds no keys at all, and etcd does (a wrong or emptied directory, an
 *   unmounted volume): pruning would wipe the prefix;
 * - the plan deletes more than `maxDeleteShare` of the keys etcd holds below the prefix (a
 *   wrong branch, a wrong prefix). A plan may always delete one key, so that small prefixes
 *   can lose a file.
 * The whole plan is refused, not only its deletes: half of a wrong tree is no better.
 * (Deletes are also held while the source is not in sync; the mirror does not plan then.)
 */
import type { Plan } from './plan.js';

export interface SafetyOptions {
  force: boolean;
  /** Between 0 and 1. */
  maxDeleteShare: number;
}

export interface Counts {
  /** Entries the directory holds (values and files that do not parse). */
  desired: number;
  /** Keys etcd holds below the prefix. */
  actual: number;
}

export type Verdict =
  | { ok: true }
  | {
      ok: false;
      reason: 'empty-source' | 'large-prune';
      deletes: number;
      keys: number;
      message: string;
    };

export function judge(plan: Plan, counts: Counts, options: SafetyOptions): Verdict {
  const deletes = plan.writes.filter((write) => write.kind === 'delete').length;
  if (options.force || deletes === 0) return { ok: true };
  const keys = counts.actual;
  if (counts.desired === 0) {
    return {
      ok: false,
      reason: 'empty-source',
      deletes,
      keys,
      message: `the directory has no keys, and pruning would delete all ${deletes} keys`,
    };
  }
  const allowed = Math.max(1, Math.floor(options.maxDeleteShare * keys));
  if (deletes > allowed) {
    return {
      ok: false,
      reason: 'large-prune',
      deletes,
      keys,
      message: `the pass would delete ${deletes} of ${keys} keys (${percent(deletes, keys)} > ${percent(options.maxDeleteShare, 1)})`,
    };
  }
  return { ok: true };
}

function percent(part: number, whole: number): string {
  const share = whole === 0 ? 100 : (100 * part) / whole;
  return `${Number.isInteger(share) ? share : share.toFixed(1)} %`;
}
