/**
 * A health check of a tree: every YAML file whose name is not a key, whose key path is not
 * valid, or whose value is not what a write of its key would accept (YAML that does not parse,
 * a field of the wrong type, a required field missing, a field Calico does not have), every
 * link or directory the store will not read, and what interrupted work left behind
 * (leftovers.ts). A file may have several problems, each with its line and column. It changes
 * nothing, unless asked to `fix`: then it removes the leftovers, each under the lock a write
 * there takes. The `kvdir check` command is built on it.
 */
import type { CanonicalVerdict } from '../../model/canonical.js';
import { parseCanonical } from '../../model/canonical.js';
import type { Key } from '../../model/key.js';
import { keyFromPath } from '../../model/parser.js';
import type { Leftover } from './leftovers.js';
import { expiredLeftover, ownLeftover } from './leftovers.js';
import type { TreeStore } from './store.js';
import type { FoundFile, OwnEntry, WalkProblem } from './tree-walk.js';
import { notCanonicalReason, walkProblemReason } from './tree-walk.js';

export interface CheckProblem {
  /** The file or directory, absolute. */
  file: string;
  /** 1-based, where known. */
  line?: number;
  col?: number;
  message: string;
  /** A leftover that `fix` removed. */
  fixed?: boolean;
}

export interface CheckOptions {
  /** Called after each file with the count done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Turns a path into a key; default `keyFromPath`. */
  keyFromPath?: (path: string) => Key | null;
  /** Remove the leftovers found (each reported with `fixed: true`); nothing else is changed. */
  fix?: boolean;
}

/** Runs `fn` holding the lock a write of `keyPath` holds. */
export type WithLock = <T>(keyPath: string, fn: () => Promise<T>) => Promise<T>;

export async function checkTree(
  store: TreeStore,
  prefix: string,
  options: CheckOptions = {},
  withLock: WithLock = (_path, fn) => fn(),
): Promise<CheckProblem[]> {
  const parse = options.keyFromPath ?? keyFromPath;
  const files: FoundFile[] = [];
  const walkProblems: WalkProblem[] = [];
  const own: OwnEntry[] = [];
  await store.visit(prefix, {
    file: (found) => void files.push(found),
    problem: (problem) => void walkProblems.push(problem),
    own: (entry) => void own.push(entry),
  });
  const problems: CheckProblem[] = walkProblems.map((problem) => ({
    file: `${store.root}/${problem.relative}`,
    message: walkProblemReason(problem),
  }));
  const leftovers: Leftover[] = [];
  for (const entry of own) {
    // kvdir never writes through a link below the root (P31): its lock folder included.
    if (entry.kind === 'lock-folder' && entry.isLink)
      problems.push({ file: entry.file, message: 'refusing to follow a symbolic link' });
    const leftover = await ownLeftover(store, entry);
    if (leftover !== undefined) leftovers.push(leftover);
  }
  let done = 0;
  for (const found of files) {
    const result = await checkFile(store, found.path, found.file, parse);
    if ('remove' in result) leftovers.push(result);
    else problems.push(...result);
    options.onProgress?.(++done, files.length);
  }
  for (const leftover of leftovers) {
    const fixed =
      options.fix === true && (await withLock(leftover.lockPath, () => leftover.remove()));
    problems.push({
      file: leftover.file,
      message: `leftover: ${leftover.what} (${fixed ? 'removed' : 'kvdir check --fix removes it'})`,
      ...(fixed ? { fixed } : {}),
    });
  }
  return problems.sort(byPlace);
}

/** By file, then line and column (problems without a position first). */
function byPlace(a: CheckProblem, b: CheckProblem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0);
}

async function checkFile(
  store: TreeStore,
  path: string,
  file: string,
  parse: (path: string) => Key | null,
): Promise<CheckProblem[] | Leftover> {
  let parsed: CanonicalVerdict;
  try {
    parsed = parseCanonical(parse, path);
  } catch (err) {
    return [{ file, message: `not a valid key path: ${(err as Error).message}` }];
  }
  if (parsed.kind === 'none') return [{ file, message: `not a valid key path: ${path}` }];
  if (parsed.kind === 'not-canonical')
    return [{ file, message: notCanonicalReason(store.root, parsed.key, parsed.canonical) }];
  const key = parsed.key;
  try {
    const keyFiles = store.keyFiles(path);
    const entry = await store.read(keyFiles);
    if (entry === undefined) return [];
    if (!store.isLive(entry)) return expiredLeftover(store, keyFiles);
    return store.check(key, entry).map(({ message, line, col }) => ({
      file,
      ...(line === undefined ? {} : { line }),
      ...(col === undefined ? {} : { col }),
      message,
    }));
  } catch (err) {
    return [{ file, message: (err as Error).message }];
  }
}
