/**
 * The mirror's working state and its one step: what the directory says (`DesiredPicture`),
 * what etcd holds (`ActualPicture`), the paths that may differ (`dirty`), and `reconcile`,
 * which plans those paths, asks the safety valves, and commits the plan in guarded txns,
 * planning again the keys whose guards failed. It talks to etcd only through a `Committer`
 * (EtcdMirrorTarget, or a fake in unit tests) and is driven by mirror.ts, one call at a time.
 */
import type {
  CommitResult,
  MirrorChange,
  MirrorWrite,
  PrefixRead,
} from '../backends/etcd/mirror-types.js';
import { isUnder } from '../model/key-path.js';
import type { Update } from '../model/kv.js';
import { ActualPicture } from './actual.js';
import type { TxnLimits } from './chunks.js';
import { splitWrites } from './chunks.js';
import type { Encoder } from './desired.js';
import { DesiredPicture } from './desired.js';
import type { MirrorEvent, MirrorOutcome, PassCounts, WriteEvent } from './events.js';
import type { MirrorSettings } from './options.js';
import type { Plan, Skipped } from './plan.js';
import { matches, planPaths } from './plan.js';
import { judge } from './safety.js';

export interface Committer {
  readonly limits: TxnLimits;
  writeBytes(write: MirrorWrite): number;
  commit(writes: readonly MirrorWrite[]): Promise<CommitResult>;
}

const WRITTEN = { create: 'created', update: 'updated', delete: 'deleted' } as const;

/** Rounds of "guards failed, read what changed, plan again" before a full read instead. */
const CONFLICT_ROUNDS = 5;

export class MirrorState {
  readonly desired: DesiredPicture;
  readonly actual = new ActualPicture();
  /** Paths where etcd may not hold what the directory says. */
  dirty = new Set<string>();
  /** The latest revision the mirror has seen or made. */
  revision = '0';
  readonly #settings: MirrorSettings;
  readonly #emit: (event: MirrorEvent) => void;
  /** Paths whose pending write sets back a foreign change. */
  readonly #drifted = new Set<string>();
  /** Foreign changes reported and left alone (`heal: false`), until their file changes. */
  readonly #tolerated = new Set<string>();
  /** Skipped paths told, with the reason told, so that each is told once. */
  readonly #skipped = new Map<string, string>();
  #refusal: string | undefined;
  readonly #totals = { created: 0, updated: 0, deleted: 0 };

  constructor(settings: MirrorSettings, encoder: Encoder, emit: (event: MirrorEvent) => void) {
    this.#settings = settings;
    this.desired = new DesiredPicture(encoder);
    this.#emit = emit;
  }

  /** A batch of the source syncer. */
  onUpdates(updates: readonly Update[]): void {
    for (const update of updates) this.#touched(this.desired.update(update));
  }

  onParseFailed(rawKey: string, rawValue: string): void {
    this.#touched(this.desired.parseFailed(rawKey, rawValue));
  }

  /** A full read of etcd: everything known anew, every path to be looked at. */
  onRead(read: PrefixRead): void {
    this.actual.reset(read);
    this.#advance(read.revision);
    this.#drifted.clear();
    this.#tolerated.clear();
    const prefix = this.#settings.prefix;
    this.dirty = new Set([...this.desired.paths()].filter((path) => isUnder(path, prefix)));
    for (const path of this.actual.paths()) this.dirty.add(path);
  }

  /** Changes seen by the drift watch: foreign ones that leave etcd unlike the directory are drift. */
  onChanges(changes: readonly MirrorChange[]): void {
    for (const change of changes) {
      if (!this.actual.observe(change)) continue; // the mirror's own write, or known already
      this.#advance(change.revision);
      const { path, revision } = change;
      const want = this.desired.get(path);
      if (want?.kind === 'skip') {
        this.#emit({
          type: 'drift',
          path,
          revision,
          reason: `not set back: its file ${want.reason}`,
        });
      } else if (!matches(want, change.entry)) {
        if (this.#settings.heal) {
          this.#drifted.add(path);
          this.dirty.add(path);
        } else {
          this.#tolerated.add(path);
          this.#emit({ type: 'drift', path, revision, reason: 'not set back (heal is off)' });
        }
      }
    }
  }

  /** Plans the dirty paths and commits the plan (or reports it, in a dry run). */
  async reconcile(committer: Committer, mayWrite: () => boolean): Promise<PassCounts> {
    const counts: PassCounts = {
      created: 0,
      updated: 0,
      deleted: 0,
      unchanged: 0,
      skipped: 0,
      refused: false,
    };
    for (let round = 1; ; round++) {
      const plan = this.#plan();
      counts.unchanged += plan.unchanged.length;
      counts.skipped = Math.max(counts.skipped, plan.skipped.length);
      if (plan.writes.length === 0) {
        this.#refusal = undefined;
        return counts;
      }
      const verdict = judge(
        plan,
        { desired: this.desired.size, actual: this.actual.size },
        this.#settings,
      );
      if (!verdict.ok) {
        if (this.#refusal !== verdict.message) this.#emit({ type: 'refused', ...omitOk(verdict) });
        this.#refusal = verdict.message;
        counts.refused = true;
        return counts;
      }
      this.#refusal = undefined;
      if (this.#settings.dryRun) {
        for (const write of plan.writes) this.#told(write, undefined, counts);
        return counts;
      }
      const conflicts = await this.#commit(committer, plan.writes, counts, mayWrite);
      if (conflicts === 0) return counts;
      if (round === CONFLICT_ROUNDS) {
        throw new Error(
          `etcd kept changing under the mirror (${conflicts} guards failed ${round} times)`,
        );
      }
    }
  }

  outcome(): MirrorOutcome {
    const inSync = this.dirty.size === 0 && this.#refusal === undefined && this.#skipped.size === 0;
    return {
      inSync,
      ...this.#totals,
      skipped: this.#skipped.size,
      refused: this.#refusal !== undefined,
    };
  }

  /** The plan of the dirty paths; what needs no write leaves `dirty`, and skips are told. */
  #plan(): Plan {
    const paths = [...this.dirty].filter((path) => !this.#tolerated.has(path));
    const plan = planPaths(paths, {
      desired: (path) => this.desired.get(path),
      actual: (path) => this.actual.get(path),
    });
    for (const path of plan.unchanged) {
      this.dirty.delete(path);
      this.#skipped.delete(path);
    }
    for (const skip of plan.skipped) this.#skip(skip);
    for (const write of plan.writes) this.#skipped.delete(write.path);
    return plan;
  }

  #skip(skip: Skipped): void {
    this.dirty.delete(skip.path);
    if (this.#skipped.get(skip.path) === skip.reason) return;
    this.#skipped.set(skip.path, skip.reason);
    this.#emit({ type: 'skipped', ...skip });
  }

  /** Commits `writes` in txns that fit; returns how many guards failed (those keys are re-read). */
  async #commit(
    committer: Committer,
    writes: readonly MirrorWrite[],
    counts: PassCounts,
    mayWrite: () => boolean,
  ): Promise<number> {
    let failed = 0;
    for (const chunk of splitWrites(writes, committer.limits, (w) => committer.writeBytes(w))) {
      // The lease behind the lock may be lost meanwhile: not one more write then.
      if (!mayWrite()) break;
      const result = await committer.commit(chunk);
      this.#advance(result.revision);
      if (result.ok) {
        this.actual.applied(chunk, result.revision);
        for (const write of chunk) {
          this.dirty.delete(write.path);
          this.#told(write, result.revision, counts);
        }
        continue;
      }
      this.actual.current(result.current, result.revision);
      const changed = chunk
        .filter((write) => guardFailed(write, result.current))
        .map((w) => w.path);
      failed += changed.length || chunk.length;
      this.#emit({ type: 'conflict', paths: changed, revision: result.revision });
    }
    return failed;
  }

  #told(write: MirrorWrite, revision: string | undefined, counts: PassCounts): void {
    const type = WRITTEN[write.kind];
    counts[type]++;
    if (revision !== undefined) this.#totals[type]++;
    const healed = this.#drifted.delete(write.path);
    const event: WriteEvent = { type, path: write.path, dryRun: revision === undefined, healed };
    if (revision !== undefined) event.revision = revision;
    this.#emit(event);
  }

  /** A path the source changed: to be planned, and no longer a tolerated drift. */
  #touched(path: string): void {
    this.dirty.add(path);
    this.#tolerated.delete(path);
    this.#drifted.delete(path);
  }

  #advance(revision: string): void {
    if (BigInt(revision) > BigInt(this.revision)) this.revision = revision;
  }
}

/** Whether etcd's current entry fails the write's guard (someone else wrote the key). */
function guardFailed(
  write: MirrorWrite,
  current: ReadonlyMap<string, { modRevision: string } | undefined>,
): boolean {
  const entry = current.get(write.path);
  if (write.kind === 'create') return entry !== undefined;
  return entry?.modRevision !== write.modRevision;
}

function omitOk<T extends { ok: false }>(verdict: T): Omit<T, 'ok'> {
  const { ok: _ok, ...rest } = verdict;
  return rest;
}
