/** `kvdir create|update|apply <path> -f <file>` and `kvdir put <path> <yaml-value>`. */
import type { KVPair } from '../../index.js';
import type { Context } from '../context.js';
import { keyArg } from '../context.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { ValueText } from '../input.js';
import { parseValue, readValueFile } from '../input.js';
import { toRecord } from '../output.js';

type WriteOp = 'create' | 'update' | 'apply';

export function writeCommand(op: WriteOp): (ctx: Context) => Promise<number> {
  return async (ctx) => {
    const file = ctx.string('file');
    if (file === undefined)
      throw new UsageError(`${op}: the value is required: -f <file> (or -f - for stdin)`, op);
    return write(ctx, op, await readValueFile(file, ctx.io, ctx.cwd));
  };
}

export function put(ctx: Context): Promise<number> {
  return write(ctx, 'apply', { text: ctx.arg(1), source: '<yaml-value>' });
}

async function write(ctx: Context, op: WriteOp, input: ValueText): Promise<number> {
  const key = keyArg(ctx.arg(0));
  const kv: KVPair = { key, value: parseValue(key, input) };
  const revision = ctx.string('revision');
  if (revision !== undefined) kv.revision = revision;
  const written = await (await ctx.open())[op](kv);
  ctx.report(written.revision ?? '', toRecord(written, false));
  return ExitCode.Ok;
}
