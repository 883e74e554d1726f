/** `kvdir init`: `ensureInitialized` (the root exists and the Ready flag is set). */
import type { Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';

export async function init(ctx: Context): Promise<number> {
  await ctx.open().ensureInitialized();
  ctx.report(`initialized ${ctx.root}`, { root: ctx.root, initialized: true });
  return ExitCode.Ok;
}
