/** `kvdir get <path>` and `kvdir list [<prefix>]`. */
import type { Context } from '../context.js';
import { keyArg, keysUnder, prefixArg } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { formatDocument, toRecord } from '../output.js';

export async function get(ctx: Context): Promise<number> {
  const pair = await (await ctx.open()).get(keyArg(ctx.arg(0)));
  const format = ctx.output ?? 'yaml';
  ctx.print(formatDocument(ctx.flag('show-revision') ? toRecord(pair) : pair.value, format));
  return ExitCode.Ok;
}

export async function list(ctx: Context): Promise<number> {
  const client = await ctx.open();
  const pairs = await client.list(keysUnder(prefixArg(ctx.positionals[0])));
  if (ctx.output !== undefined) {
    ctx.print(
      formatDocument(
        pairs.map((pair) => toRecord(pair)),
        ctx.output,
      ),
    );
  } else if (pairs.length > 0) {
    ctx.print(pairs.map((pair) => pair.key.defaultPath()).join('\n'));
  }
  return ExitCode.Ok;
}
