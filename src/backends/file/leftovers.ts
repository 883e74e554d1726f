/**
 * What interrupted work leaves in a tree, found by `kvdir check` and removed by
 * `kvdir check --fix`:
 * - `.kvdir-trash-*`: a subtree a delete moved aside and was killed before removing (P17);
 * - `.kvdir-*.tmp-<id>`: a temp file of a write that was killed;
 * - `.kvdir-c.yaml.rev` without `c.yaml`: the sidecar of a create killed before its value file
 *   arrived, or of a key whose value file was removed outside kvdir (git);
 * - a key whose TTL ran out: kvdir never returns it, but its files stay until a write or a
 *   delete of the key (a person or `git status` still sees them).
 *
 * Removal never races with a live writer. Each one is looked at again and removed while
 * holding the lock a write of its directory (or key) holds: no kvdir write of another process
 * is then under way there. A temp file, a sidecar without a value file and a trash directory
 * must also be LEFTOVER_AGE_MS old: a writer of this process shares its directory lease with
 * the fix, and a create writes its sidecar before its value file, so a young one may be work
 * in progress (on memfs the in-process lock is all there is, and age alone decides). An
 * expired key needs no age: its expiry is in the past by definition.
 */
import { basename, dirname, join } from 'node:path';
import { wallNow } from '../../core/clock.js';
import { isMissing } from './errno.js';
import { lstatOrMissing } from './fs-like.js';
import type { KeyFiles } from './layout.js';
import { valueNameOfSidecar } from './layout.js';
import type { TreeStore } from './store.js';
import type { OwnEntry } from './tree-walk.js';

/** Far longer than any write or subtree delete takes while its process lives. */
export const LEFTOVER_AGE_MS = 60_000;

export interface Leftover {
  /** Absolute. */
  file: string;
  /** What it is: `a temp file of a write that did not finish`. */
  what: string;
  /** The key path whose lock covers it: a write of that key takes the same lock. */
  lockPath: string;
  /** Looks again and removes it if it still is a leftover; says whether it did. Call under the lock. */
  remove(): Promise<boolean>;
}

/** The leftover an own entry of the walk is, if it is one (a young one is not: see above). */
export async function ownLeftover(
  store: TreeStore,
  entry: OwnEntry,
): Promise<Leftover | undefined> {
  const what = describe(entry);
  if (what === undefined) return undefined;
  if (!(await isOld(store, entry.file))) return undefined;
  return {
    file: entry.file,
    what,
    lockPath: `${entry.dirPath === '/' ? '' : entry.dirPath}/.kvdir-check`,
    remove: async () => {
      if (!(await isOld(store, entry.file))) return false;
      // A sidecar whose value file has arrived since (a slow create) is no leftover.
      if (entry.orphan && lstatOrMissing(store.fs, valueFileOf(entry.file)) !== undefined)
        return false;
      // rm of a link removes the link; recursive only where a directory is expected.
      await store.fs.promises.rm(entry.file, { recursive: entry.kind === 'trash', force: true });
      return true;
    },
  };
}

/** An expired key, still on disk. */
export function expiredLeftover(store: TreeStore, files: KeyFiles): Leftover {
  return {
    file: files.file,
    what: 'the key expired (TTL) but its files are still here',
    lockPath: files.path,
    remove: async () => {
      const entry = await store.read(files);
      if (entry === undefined || store.isLive(entry)) return false;
      await store.fs.promises.unlink(files.file).catch(ignoreMissing);
      await store.fs.promises.unlink(files.sidecar).catch(ignoreMissing);
      return true;
    },
  };
}

function describe(entry: OwnEntry): string | undefined {
  switch (entry.kind) {
    case 'trash':
      return 'a subtree moved aside by a delete that did not finish';
    case 'temp':
      return 'a temp file of a write that did not finish';
    case 'sidecar':
      return entry.orphan ? 'a revision sidecar whose value file is gone' : undefined;
    default:
      return undefined;
  }
}

async function isOld(store: TreeStore, file: string): Promise<boolean> {
  const stats = lstatOrMissing(store.fs, file);
  if (stats === undefined) return false;
  const changed = Math.max(Number(stats.mtimeMs), Number(stats.ctimeMs));
  return wallNow(store.clock) - changed >= LEFTOVER_AGE_MS;
}

function valueFileOf(sidecar: string): string {
  return join(dirname(sidecar), valueNameOfSidecar(basename(sidecar)));
}

function ignoreMissing(err: unknown): void {
  if (!isMissing(err)) throw err;
}
