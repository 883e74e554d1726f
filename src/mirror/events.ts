/**
 * What a mirror tells its `onEvent`, one plain object per thing it does or refuses; the CLI
 * prints each as one line (or one JSON object). `path` is always a key path (or, for a file
 * that is not a key, the path the source named).
 */

/** A write that landed (or, with `dryRun`, would be made). */
export interface WriteEvent {
  type: 'created' | 'updated' | 'deleted';
  path: string;
  /** The txn's revision; absent in a dry run. */
  revision?: string;
  dryRun: boolean;
  /** True when the write set back a foreign change (drift healing). */
  healed: boolean;
}

export type MirrorEvent =
  | WriteEvent
  /** A file that cannot become a value: etcd keeps what it has at the path (`kept`). */
  | { type: 'skipped'; path: string; reason: string; kept: boolean }
  /** A plan the safety valves refused: nothing of it was written. */
  | {
      type: 'refused';
      reason: 'empty-source' | 'large-prune';
      deletes: number;
      keys: number;
      message: string;
    }
  /** A foreign change to a key below the prefix that was not set back (`--no-heal`, or the file does not parse). */
  | { type: 'drift'; path: string; revision: string; reason: string }
  /** Guards failed: etcd changed these keys meanwhile; they were read again and planned anew. */
  | { type: 'conflict'; paths: string[]; revision: string }
  /** A full pass is done: what it did, and whether etcd now holds what the directory says. */
  | ({
      type: 'pass';
      revision: string;
      keys: number;
      inSync: boolean;
      dryRun: boolean;
    } & PassCounts)
  /** Another mirror holds the prefix; this one waits for it. */
  | { type: 'waiting'; holder: string | undefined }
  /** This mirror now holds the prefix (after waiting, or again after losing it). */
  | { type: 'leading'; waited: boolean }
  /** The source is not in sync (root replaced, watcher recovering): nothing is written until it is. */
  | { type: 'paused'; reason: string }
  /** Something the mirror recovers from (etcd unreachable, a lost lease, a source warning). */
  | { type: 'warning'; message: string };

/** What one pass did, key by key. */
export interface PassCounts {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  skipped: number;
  refused: boolean;
}

/** What a mirror's `done` resolves with. */
export interface MirrorOutcome {
  /** True when etcd holds what the directory says: nothing refused, skipped or pending. */
  inSync: boolean;
  created: number;
  updated: number;
  deleted: number;
  skipped: number;
  refused: boolean;
}
