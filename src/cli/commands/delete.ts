/**
 * `kvdir delete <path> [--prefix] [--dry-run] [--revision R]`. A path that is a key goes with
 * every key below it, as Calico's delete does. A path that is not a key but has keys below it
 * takes --prefix, as etcdctl's `del` does: a typo in a path must not remove a subtree. The count
 * printed is the delete's own (what it removed), not a listing made before it.
 */
import type { KVPair, Key, KeyInfo } from '../../index.js';
import { ResourceDoesNotExistError, ResourceUpdateConflictError } from '../../index.js';
import type { Context } from '../context.js';
import { keyArg, keysUnder } from '../context.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

export async function del(ctx: Context): Promise<number> {
  const key = keyArg(ctx.arg(0));
  const path = key.defaultPath();
  // What is below is looked at by names only; a name that is not a key goes with the rest, quietly.
  const client = await ctx.open({ onListError: () => {} });
  const revision = ctx.string('revision');
  const recursive = ctx.flag('prefix');
  const dryRun = ctx.flag('dry-run');
  let found: KeyInfo[] | undefined;
  if (!recursive || dryRun) {
    found = await client.listKeys(keysUnder(key.defaultDeletePath()), { details: dryRun });
    const isKey = found.some((info) => info.key.defaultPath() === path);
    if (!isKey && found.length > 0 && !recursive) {
      const count = found.length === 1 ? '1 key' : `${found.length} keys`;
      throw new CliError(
        `${path} is not a key, and ${count} below it would go: add --prefix (-r) to delete them all, --dry-run to list them`,
        ExitCode.Usage,
      );
    }
  }
  if (dryRun && found !== undefined) return dryRunReport(ctx, key, found, revision);
  const kv: KVPair = { key };
  if (revision !== undefined) kv.revision = revision;
  const deleted = await client.deleteCounted(kv);
  ctx.report(`deleted ${plural(deleted)}`, { path, key: key.toString(), deleted });
  return ExitCode.Ok;
}

/** What the delete would remove, with the checks it would make (the key's revision, existence). */
function dryRunReport(
  ctx: Context,
  key: Key,
  found: KeyInfo[],
  revision: string | undefined,
): number {
  const own = found.find((info) => info.key.defaultPath() === key.defaultPath());
  if (revision !== undefined && own === undefined) throw new ResourceDoesNotExistError(key);
  if (revision !== undefined && own?.revision !== revision)
    throw new ResourceUpdateConflictError(key);
  if (found.length === 0) throw new ResourceDoesNotExistError(key);
  const paths = found.map((info) => info.key.defaultPath());
  ctx.report(paths.join('\n'), {
    path: key.defaultPath(),
    key: key.toString(),
    wouldDelete: paths.length,
    paths,
  });
  ctx.io.stderr.write(`kvdir: dry run: would delete ${plural(paths.length)}\n`);
  return ExitCode.Ok;
}

function plural(count: number): string {
  return `${count} ${count === 1 ? 'key' : 'keys'}`;
}
