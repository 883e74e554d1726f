/**
 * Directories the directory watcher covers by a stat instead of an inotify watch, and what
 * tells that one changed: the stat stamp of the directory (inode, size, mtime, ctime: any entry
 * made, removed or renamed in it changes its mtime and ctime) taken before it was listed, and,
 * for a directory that could not be watched, the stamps of its value files and sidecars too (an
 * editor may rewrite one in place, which leaves the directory's stamp as it was).
 *
 * Two kinds, polled at two rates:
 * - `one-subdirectory`: holds one subdirectory and nothing else (on Calico's layout every
 *   `workload/<orchestrator>/<workload>/` holds only `endpoint/`): it needs no watch of its own,
 *   because its parent's watch sees it come and go and its child's watch reports the child's
 *   removal or move (IN_DELETE_SELF, IN_MOVE_SELF). Only a new entry made beside the child
 *   goes unseen by any watch: a stat of each such directory every SPREAD polls finds it (a
 *   slice of them at each poll; 100,000 stats take ~0.4 s, so all at every poll would cost
 *   40% of a core at the default 1 s);
 * - `unwatched`: over the syncer's watch budget, or its watch failed (ENOSPC, EMFILE, EACCES):
 *   the directory and its files are stat'ed at every poll.
 *
 * Stamps follow git's racy-clean rule (file-signature.ts): a directory or file changed less
 * than RACY_MARGIN_MS before its stamp was taken gets the stamp '', which no later stat equals.
 */
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import { isRacy } from '../file-signature.js';
import { lstatSeen } from '../../fs-like.js';

export type PollKind = 'one-subdirectory' | 'unwatched';

/** Polls between two stats of the same one-subdirectory directory. */
export const SPREAD = 30;

interface Polled {
  kind: PollKind;
  stamp: string;
  /** Names of value files and sidecars -> stamp (`unwatched` only). */
  files: Map<string, string> | undefined;
}

/** What a poll found changed: directories (re-list them) and files (re-read them). */
export interface PollChanges {
  dirs: string[];
  files: string[];
}

export function stampOf(stats: Stats | undefined, takenAt: number): string {
  if (stats === undefined) return '-';
  if (isRacy(stats, takenAt)) return '';
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

export class PolledDirs {
  readonly #dirs = new Map<string, Polled>();
  /** Where the next slice of one-subdirectory directories starts. */
  #cursor: string[] = [];

  count(kind: PollKind): number {
    let n = 0;
    for (const polled of this.#dirs.values()) if (polled.kind === kind) n++;
    return n;
  }

  /** Polls `dir` from now on, with the stamp taken before it was listed. */
  add(dir: string, kind: PollKind, stamp: string, fileNames: string[] = []): void {
    let files: Map<string, string> | undefined;
    if (kind === 'unwatched') {
      const takenAt = Date.now();
      files = new Map(
        fileNames.map((name) => [name, stampOf(lstatSeen(join(dir, name)), takenAt)]),
      );
    }
    this.#dirs.set(dir, { kind, stamp, files });
  }

  delete(dir: string): void {
    this.#dirs.delete(dir);
  }

  /**
   * One poll: every `unwatched` directory, and the next 1/SPREAD of the others (`all`: every
   * one, for tests and rescans). A directory found changed gets its new stamp at once, so that
   * it is reported once per change even when nobody lists it again.
   */
  poll(all = false): PollChanges {
    const changes: PollChanges = { dirs: [], files: [] };
    const takenAt = Date.now();
    for (const [dir, polled] of this.#dirs) {
      if (polled.kind === 'unwatched') this.#check(dir, polled, takenAt, changes);
    }
    if (this.#cursor.length === 0 || all)
      this.#cursor = [...this.#dirs.keys()].filter(
        (dir) => this.#dirs.get(dir)?.kind !== 'unwatched',
      );
    const slice = all ? this.#cursor.length : Math.ceil(this.#dirs.size / SPREAD);
    for (const dir of this.#cursor.splice(0, slice)) {
      const polled = this.#dirs.get(dir);
      if (polled?.kind === 'one-subdirectory') this.#check(dir, polled, takenAt, changes);
    }
    return changes;
  }

  #check(dir: string, polled: Polled, takenAt: number, changes: PollChanges): void {
    const stamp = stampOf(lstatSeen(dir), takenAt);
    if (stamp !== polled.stamp || stamp === '') {
      polled.stamp = stamp;
      changes.dirs.push(dir);
    }
    for (const [name, before] of polled.files ?? []) {
      const file = join(dir, name);
      const now = stampOf(lstatSeen(file), takenAt);
      if (now !== before || now === '') {
        polled.files?.set(name, now);
        changes.files.push(file);
      }
    }
  }
}
