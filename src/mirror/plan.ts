/**
 * The diff: for each key path, what etcd must be told so that it holds what the directory
 * says (pure). Bytes are compared, never parsed values, so a key whose bytes are already right
 * is not written again (no new revision, no watch event for every consumer):
 * - a file and no key: create (guarded by `create_revision == 0`);
 * - a file whose bytes differ, or whose TTL does not match the key's lease: update (guarded by
 *   the `mod_revision` seen);
 * - a key and no file: delete that exact key (guarded by the `mod_revision` seen);
 * - a file that does not parse: nothing; etcd keeps what it has, and the path is reported.
 */
import type { MirrorEntry, MirrorWrite } from '../backends/etcd/mirror-types.js';
import type { DesiredEntry } from './desired.js';

export interface Skipped {
  path: string;
  reason: string;
  /** Whether etcd has a value at the path, which it keeps. */
  kept: boolean;
}

export interface Plan {
  /** In path order. */
  writes: MirrorWrite[];
  skipped: Skipped[];
  /** Paths where etcd already holds what the directory says. */
  unchanged: string[];
}

export interface PlanInput {
  desired(path: string): DesiredEntry | undefined;
  actual(path: string): MirrorEntry | undefined;
}

export function planPaths(paths: Iterable<string>, input: PlanInput): Plan {
  const plan: Plan = { writes: [], skipped: [], unchanged: [] };
  for (const path of [...paths].sort(byCodeUnits)) {
    const want = input.desired(path);
    const have = input.actual(path);
    if (want?.kind === 'skip') {
      plan.skipped.push({ path, reason: want.reason, kept: have !== undefined });
    } else if (want === undefined) {
      if (have === undefined) plan.unchanged.push(path);
      else plan.writes.push({ kind: 'delete', path, modRevision: have.modRevision });
    } else if (have === undefined) {
      plan.writes.push(withTtl({ kind: 'create', path, bytes: want.bytes }, want.ttlMs));
    } else if (matches(want, have)) {
      plan.unchanged.push(path);
    } else {
      const update: MirrorWrite = {
        kind: 'update',
        path,
        bytes: want.bytes,
        modRevision: have.modRevision,
      };
      plan.writes.push(withTtl(update, want.ttlMs));
    }
  }
  return plan;
}

/**
 * Whether etcd's entry is what the directory says: the same bytes, and a lease exactly when
 * the file has a TTL (a lease's time left is not compared: that would rewrite the key on every
 * look; the file's expiry deletes it).
 */
export function matches(want: DesiredEntry | undefined, have: MirrorEntry | undefined): boolean {
  if (want === undefined) return have === undefined;
  if (want.kind === 'skip') return true;
  return (
    have !== undefined &&
    have.bytes.equals(want.bytes) &&
    have.leased === (want.ttlMs !== undefined)
  );
}

function withTtl<W extends MirrorWrite>(write: W, ttlMs: number | undefined): W {
  return ttlMs === undefined ? write : { ...write, ttlMs };
}

/** JavaScript string order (the file backend's path order). */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
