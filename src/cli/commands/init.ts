/** `kvdir init`: `ensureInitialized` (the root exists, if a directory, and the Ready flag is set). */
import type { Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';

export async function init(ctx: Context): Promise<number> {
  await (await ctx.open()).ensureInitialized();
  const where = ctx.etcd === undefined ? { root: ctx.root } : ctx.etcd;
  ctx.report(`initialized ${ctx.datastore}`, { ...where, initialized: true });
  return ExitCode.Ok;
}
