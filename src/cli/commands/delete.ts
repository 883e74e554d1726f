/** `kvdir delete <path> [--revision R]`: recursive, and says how many keys it removed. */
import type { KVPair } from '../../index.js';
import type { Context } from '../context.js';
import { keyArg, keysUnder } from '../context.js';
import { ExitCode } from '../exit-codes.js';

export async function del(ctx: Context): Promise<number> {
  const key = keyArg(ctx.arg(0));
  // Entries that do not parse are keys too, and go with the rest: count them, quietly.
  let unreadable = 0;
  const client = await ctx.open({
    onListError: (error) => {
      if (error.code === 'ERR_PARSING_DATASTORE_ENTRY') unreadable++;
    },
  });
  const listed = await client.list(keysUnder(key.defaultDeletePath()));
  const kv: KVPair = { key };
  const revision = ctx.string('revision');
  if (revision !== undefined) kv.revision = revision;
  await client.delete(kv);
  const count = listed.length + unreadable;
  ctx.report(`deleted ${count} ${count === 1 ? 'key' : 'keys'}`, {
    path: key.defaultPath(),
    key: key.toString(),
    deleted: count,
  });
  return ExitCode.Ok;
}
