/**
 * The `kvdir` command line as a function: `main(argv, io)` parses `argv`, runs one command
 * against the injected streams and returns the exit code (exit-codes.ts). It never touches
 * `process`'s streams, exit code or signals: `bin/kvdir.js` wires those.
 */
import type { Invocation } from './args.js';
import { parseInvocation } from './args.js';
import { check } from './commands/check.js';
import { completion } from './commands/completion.js';
import { del } from './commands/delete.js';
import { edit } from './commands/edit.js';
import { init } from './commands/init.js';
import { mirror } from './commands/mirror.js';
import { get, list } from './commands/read.js';
import { schema } from './commands/schema.js';
import { watch } from './commands/watch.js';
import { put, writeCommand } from './commands/write.js';
import { Context } from './context.js';
import { UsageError, describeError, exitCodeFor } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { commandHelp, globalHelp } from './help.js';
import type { CliIO } from './io.js';
import type { CommandName } from './spec.js';
import { packageVersion } from '../package-version.js';

export type { CliIO, OutputStream } from './io.js';
export { ExitCode } from './exit-codes.js';

type Command = (ctx: Context) => Promise<number>;

const RUN: Readonly<Record<Exclude<CommandName, 'help'>, Command>> = {
  get,
  list,
  create: writeCommand('create'),
  update: writeCommand('update'),
  apply: writeCommand('apply'),
  put,
  edit,
  delete: del,
  watch,
  mirror,
  check,
  schema,
  init,
  completion,
};

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseInvocation(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(
      `kvdir: ${err.message}\n\n${err.command === undefined ? globalHelp() : commandHelp(err.command)}`,
    );
    return ExitCode.Usage;
  }
  switch (invocation.kind) {
    case 'help':
      io.stdout.write(
        invocation.command === undefined ? globalHelp() : commandHelp(invocation.command),
      );
      return ExitCode.Ok;
    case 'version':
      io.stdout.write(`${await packageVersion()}\n`);
      return ExitCode.Ok;
    case 'run':
      return run(invocation, io);
  }
}

async function run(invocation: Extract<Invocation, { kind: 'run' }>, io: CliIO): Promise<number> {
  const name = invocation.command.name;
  if (name === 'help') return ExitCode.Ok; // parseInvocation turns `help` into a help invocation
  if (name !== 'watch' && name !== 'mirror' && io.signal?.aborted === true) {
    return ExitCode.Interrupted;
  }
  let ctx: Context | undefined;
  try {
    ctx = new Context(io, invocation);
    const command = RUN[name](ctx);
    // watch and mirror end cleanly on the signal, edit once its editor exits; any other
    // command is abandoned with 130.
    const ownsSignal = name === 'watch' || name === 'edit' || name === 'mirror';
    return await (ownsSignal ? command : untilInterrupted(command, io.signal));
  } catch (err) {
    io.stderr.write(`kvdir: ${describeError(err)}\n`);
    if (err instanceof UsageError) io.stderr.write(`\n${commandHelp(err.command ?? name)}`);
    return exitCodeFor(err);
  } finally {
    await ctx?.closeAll();
  }
}

function untilInterrupted(
  command: Promise<number>,
  signal: AbortSignal | undefined,
): Promise<number> {
  if (signal === undefined) return command;
  let onAbort = (): void => {};
  const interrupted = new Promise<number>((resolve) => {
    onAbort = () => resolve(ExitCode.Interrupted);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([command, interrupted]).finally(() =>
    signal.removeEventListener('abort', onAbort),
  );
}
