/** `kvdir get <path>... [--prefix]` and `kvdir list [<prefix>]`. */
import type { FileBackend, KVPairWithValue } from '../../index.js';
import { KvdirError } from '../../index.js';
import type { Context } from '../context.js';
import { keyArg, keysUnder, prefixArg } from '../context.js';
import { formatDuration } from '../duration.js';
import { CliError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatDocument, formatTable, rawText, toRecord } from '../output.js';

/**
 * One path: its value (or its record with --show-revision), as before. Several paths, or
 * --prefix: the records, as `list -o yaml|json` prints them. `-o raw`: the values alone.
 */
export async function get(ctx: Context): Promise<number> {
  const client = await ctx.open();
  const prefix = ctx.flag('prefix');
  if (prefix && ctx.positionals.length > 1)
    throw new UsageError('get: --prefix takes one path', 'get');
  const pairs = prefix
    ? await client.list(keysUnder(prefixArg(ctx.arg(0))))
    : await Promise.all(ctx.positionals.map((path) => getOne(client, path)));
  if (ctx.style === 'raw') {
    ctx.io.stdout.write(pairs.map((pair) => rawText(pair.value)).join(''));
  } else if (!prefix && pairs.length === 1 && pairs[0] !== undefined) {
    const pair = pairs[0];
    ctx.print(
      formatDocument(ctx.flag('show-revision') ? toRecord(pair) : pair.value, ctx.output ?? 'yaml'),
    );
  } else {
    ctx.print(
      formatDocument(
        pairs.map((pair) => toRecord(pair)),
        ctx.output ?? 'yaml',
      ),
    );
  }
  return ExitCode.Ok;
}

/** A key's pair; for a path that is no key but has keys below it, a not-found that says so. */
async function getOne(
  client: Pick<FileBackend, 'get' | 'listKeys'>,
  path: string,
): Promise<KVPairWithValue> {
  try {
    return await client.get(keyArg(path));
  } catch (err) {
    if (!(err instanceof KvdirError) || err.code !== 'ERR_RESOURCE_DOES_NOT_EXIST') throw err;
    const below = await client.listKeys(keysUnder(prefixArg(path))).catch(() => []);
    if (below.length === 0) throw err;
    const count = below.length === 1 ? '1 key' : `${below.length} keys`;
    throw new CliError(
      `${err.message} (${count} below it: kvdir list ${path}, or kvdir get --prefix ${path})`,
      ExitCode.NotFound,
      err,
    );
  }
}

/**
 * Paths by default: a walk of names, no value read (listKeys). -o wide adds revision, size and
 * TTL left (each file read, none parsed); -o yaml|json, the records with their values.
 */
export async function list(ctx: Context): Promise<number> {
  const client = await ctx.open();
  const options = keysUnder(prefixArg(ctx.positionals[0]));
  if (ctx.output !== undefined) {
    const pairs = await client.list(options);
    ctx.print(
      formatDocument(
        pairs.map((pair) => toRecord(pair)),
        ctx.output,
      ),
    );
  } else if (ctx.style === 'wide') {
    const infos = await client.listKeys(options, { details: true });
    const rows = infos.map((info) => [
      info.key.defaultPath(),
      info.revision ?? '-',
      info.size === undefined ? '-' : String(info.size),
      info.ttl === undefined ? '-' : formatDuration(info.ttl),
    ]);
    ctx.io.stdout.write(formatTable([['PATH', 'REVISION', 'SIZE', 'TTL'], ...rows]));
  } else {
    const infos = await client.listKeys(options);
    if (infos.length > 0) ctx.print(infos.map((info) => info.key.defaultPath()).join('\n'));
  }
  return ExitCode.Ok;
}
