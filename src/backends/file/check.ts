/**
 * A read-only health check of a tree: every YAML file whose name is not a key, whose key
 * path is not valid, or whose YAML does not parse for its key's value type, and every link
 * or directory the store will not read. The `kvdir check` command is built on it.
 */
import type { CanonicalVerdict } from '../../model/canonical.js';
import { parseCanonical } from '../../model/canonical.js';
import { ParsingDatastoreEntryError } from '../../model/errors.js';
import type { Key } from '../../model/key.js';
import { keyFromPath } from '../../model/parser.js';
import type { TreeStore } from './store.js';
import { notCanonicalReason, walkProblemReason } from './tree-walk.js';

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
    const problem = await checkFile(store, found.path, found.file, parse);
    if (problem !== undefined) problems.push(problem);
    options.onProgress?.(++done, walked.files.length);
  }
  return problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

async function checkFile(
  store: TreeStore,
  path: string,
  file: string,
  parse: (path: string) => Key | null,
): Promise<CheckProblem | undefined> {
  let parsed: CanonicalVerdict;
  try {
    parsed = parseCanonical(parse, path);
  } catch (err) {
    return { file, message: `not a valid key path: ${(err as Error).message}` };
  }
  if (parsed.kind === 'none') return { file, message: `not a valid key path: ${path}` };
  if (parsed.kind === 'not-canonical')
    return { file, message: notCanonicalReason(store.root, parsed.key, parsed.canonical) };
  const key = parsed.key;
  try {
    const entry = await store.read(store.keyFiles(path));
    if (entry !== undefined) store.decode(key, entry);
    return undefined;
  } catch (err) {
    if (err instanceof ParsingDatastoreEntryError) {
      return {
        file,
        ...(err.line === undefined ? {} : { line: err.line }),
        ...(err.col === undefined ? {} : { col: err.col }),
        message: err.reason,
      };
    }
    return { file, message: (err as Error).message };
  }
}
