/** `kvdir create|update|apply <path> -f <file>` and `kvdir put <path> <yaml-value>`. */
import type { EtcdBackend } from '../../backends/etcd/index.js';
import type { FileBackend, KVPair } from '../../index.js';
import type { Context } from '../context.js';
import { keyArg } from '../context.js';
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { ValueText } from '../input.js';
import { parseValue, readValueFile } from '../input.js';
import type { WriteOp } from '../kept-text.js';
import { hasComments, writeWithText } from '../kept-text.js';
import { toRecord } from '../output.js';

export function writeCommand(op: WriteOp): (ctx: Context) => Promise<number> {
  return async (ctx) => {
    const file = ctx.string('file');
    if (file === undefined)
      throw new UsageError(`${op}: the value is required: -f <file> (or -f - for stdin)`, op);
    return write(ctx, op, (client) => readValueFile(file, ctx.io, ctx.cwd, client.maxValueBytes));
  };
}

export function put(ctx: Context): Promise<number> {
  return write(ctx, 'apply', async () => ({
    text: ctx.arg(1),
    source: '<yaml-value>',
    argument: true,
  }));
}

async function write(
  ctx: Context,
  op: WriteOp,
  input: (client: FileBackend | EtcdBackend) => Promise<ValueText>,
): Promise<number> {
  const key = keyArg(ctx.arg(0));
  const ttlText = ctx.string('ttl');
  const ttl = ttlText === undefined ? undefined : parseDuration(ttlText, 'ttl', ctx.command.name);
  const client = await ctx.open();
  const given = await input(client);
  const kv: KVPair = { key, value: parseValue(key, given) };
  const revision = ctx.string('revision');
  if (revision !== undefined) kv.revision = revision;
  if (ttl !== undefined) kv.ttl = ttl;
  // Input with comments is what the user wants to see in the file: it is kept as written. (Bytes
  // that got this far decoded as strict UTF-8 in parseValue.)
  const source = typeof given.text === 'string' ? given.text : Buffer.from(given.text).toString();
  const text = hasComments(source) ? source : undefined;
  const written = await writeWithText(client, op, kv, text);
  ctx.report(written.revision ?? '', toRecord(written, false));
  return ExitCode.Ok;
}
