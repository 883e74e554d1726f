/**
 * The data `kvdir mirror` (src/mirror/) exchanges with etcd through `EtcdMirrorTarget`: plain
 * values, no etcd3 types, so that the mirror's planning stays pure and testable without etcd.
 * Paths are kvdir key paths (the namespace is the target's business); revisions are etcd's, as
 * decimal strings.
 */

/** What etcd holds at one key: the bytes as stored, the key's `mod_revision`, its lease. */
export interface MirrorEntry {
  bytes: Buffer;
  modRevision: string;
  /** True when the key is on a lease (it expires). */
  leased: boolean;
}

/** Every key at or below a prefix, read at one revision. */
export interface PrefixRead {
  revision: string;
  entries: Map<string, MirrorEntry>;
}

/**
 * One guarded write. A create holds only if the key does not exist (`create_revision == 0`);
 * an update or a delete only if the key is still at the `modRevision` the mirror saw, so that
 * a foreign write in between fails the txn instead of being overwritten. Deletes are of exact
 * keys, never of prefixes.
 */
export type MirrorWrite =
  | { kind: 'create'; path: string; bytes: Buffer; ttlMs?: number }
  | { kind: 'update'; path: string; bytes: Buffer; modRevision: string; ttlMs?: number }
  | { kind: 'delete'; path: string; modRevision: string };

/**
 * The outcome of one txn: applied at `revision`, or refused as a whole because a guard failed;
 * then `current` holds what etcd had, at `revision`, at each path of the txn (undefined: no key).
 */
export type CommitResult =
  | { ok: true; revision: string }
  | { ok: false; revision: string; current: Map<string, MirrorEntry | undefined> };

/** A change seen by the drift watch: the key's new entry, or undefined when it was deleted. */
export interface MirrorChange {
  path: string;
  entry: MirrorEntry | undefined;
  /** The revision of the change (for a delete, the revision of the delete). */
  revision: string;
}

export interface MirrorWatchHandlers {
  /** The changes of one watch response, in revision order. */
  changes(changes: MirrorChange[]): void;
  /**
   * The watch ended: etcd was lost, or it cancelled the watch (a compaction passed it). The
   * mirror reads the prefix again and watches from there; nothing more is told after this.
   */
  ended(error: Error): void;
}

export interface MirrorWatch {
  close(): void;
}

/** The key that proves the hold on a prefix: the election key this mirror created. */
export interface Fence {
  key: Buffer;
  createRevision: string;
}

/** The mirror's hold on its prefix (an etcd election): one writer per prefix. */
export interface Leadership {
  /** Checked by every txn: a mirror whose lease expired writes nothing. */
  readonly fence: Fence;
  /** Resolves with the reason once the lease behind it is lost: stop writing at once. */
  readonly lost: Promise<Error>;
  /** Steps down: the next mirror waiting for the prefix takes over. Idempotent. */
  resign(): Promise<void>;
}

export interface LeadOptions {
  /** What the holder is, as others waiting see it (e.g. `host pid 123 /srv/config`). */
  holder: string;
  /** The lease's TTL: how long a killed holder blocks the next one. */
  ttlSeconds: number;
  /** Told, once, that another mirror holds the prefix (its `holder`), while this one waits. */
  onWaiting(holder: string | undefined): void;
  /** Aborts the wait. */
  signal: AbortSignal;
}
