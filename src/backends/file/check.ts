/**
 * A read-only health check of a tree: every YAML file whose name is not a key, whose key
 * path is not valid, or whose value is not what a write of its key would accept (YAML that
 * does not parse, a field of the wrong type, a required field missing, a field Calico does not
 * have), and every link or directory the store will not read. The `kvdir check` command is
 * built on it; a file may have several problems, each with its line and column.
 */
import type { Key } from '../../model/key.js';
import { keyFromPath } from '../../model/parser.js';
import type { TreeStore } from './store.js';
import { walkProblemReason } from './tree-walk.js';

export interface CheckProblem {
  /** The file or directory, absolute. */
  file: string;
  /** 1-based, where known. */
  line?: number;
  col?: number;
  message: string;
}

export interface CheckOptions {
  /** Called after each file with the count done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Turns a path into a key; default `keyFromPath`. */
  keyFromPath?: (path: string) => Key | null;
}

export async function checkTree(
  store: TreeStore,
  prefix: string,
  options: CheckOptions = {},
): Promise<CheckProblem[]> {
  const parse = options.keyFromPath ?? keyFromPath;
  const walked = await store.walk(prefix);
  const problems: CheckProblem[] = walked.problems.map((problem) => ({
    file: `${store.root}/${problem.relative}`,
    message: walkProblemReason(problem),
  }));
  let done = 0;
  for (const found of walked.files) {
    problems.push(...(await checkFile(store, found.path, found.file, parse)));
    options.onProgress?.(++done, walked.files.length);
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
): Promise<CheckProblem[]> {
  let key: Key | null;
  try {
    key = parse(path);
  } catch (err) {
    return [{ file, message: `not a valid key path: ${(err as Error).message}` }];
  }
  if (key === null) return [{ file, message: `not a valid key path: ${path}` }];
  try {
    const entry = await store.read(store.keyFiles(path));
    if (entry === undefined) return [];
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
