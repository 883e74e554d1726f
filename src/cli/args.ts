/**
 * The command line -> an invocation. Global options may come before or after the command;
 * the command is the first argument that is not an option or an option's value.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import type { Format } from './output.js';
import type { CommandName, CommandSpec, OptionSpec } from './spec.js';
import { COMMANDS, GLOBAL_OPTIONS, isCommandName } from './spec.js';

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export type Invocation =
  | { kind: 'help'; command: CommandName | undefined }
  | { kind: 'version' }
  | {
      kind: 'run';
      command: CommandSpec;
      positionals: string[];
      values: OptionValues;
      output: Format | undefined;
    };

type ParseArgsOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

export function parseInvocation(given: readonly string[]): Invocation {
  const argv = attachValues(given);
  const found = findCommand(argv);
  if (found === undefined) return withoutCommand(argv);
  if (!isCommandName(found.name)) throw new UsageError(`unknown command '${found.name}'`);
  const spec = COMMANDS[found.name];
  const rest = argv.filter((_, index) => index !== found.index);
  const { values, positionals } = strictParse(
    rest,
    { ...GLOBAL_OPTIONS, ...spec.options },
    spec.name,
  );
  if (values.version === true) return { kind: 'version' };
  if (values.help === true) return { kind: 'help', command: spec.name };
  if (spec.name === 'help') return helpFor(positionals);
  checkArgCount(spec, positionals);
  return {
    kind: 'run',
    command: spec,
    positionals,
    values,
    output: outputFormat(values.output, spec.name),
  };
}

/** Every option any command knows (an option has the same type wherever it appears). */
const ALL_OPTIONS: Readonly<Record<string, OptionSpec>> = Object.assign(
  {},
  GLOBAL_OPTIONS,
  ...Object.values(COMMANDS).map((spec) => spec.options),
);

/** `-o` -> `output`, for every option that has a short form. */
const SHORT_NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries(ALL_OPTIONS).flatMap(([name, option]) =>
    option.short === undefined ? [] : [[`-${option.short}`, name] as const],
  ),
);

/**
 * `--name VALUE` and `-n VALUE` become `--name=VALUE` and `-nVALUE` for string options, so
 * that a value may start with '-' (revisions can), as with getopt. After `--`, nothing changes.
 */
function attachValues(argv: readonly string[]): string[] {
  const result: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? '';
    if (arg === '--') return [...result, ...argv.slice(index)];
    const name = arg.startsWith('--') ? arg.slice(2) : SHORT_NAMES.get(arg);
    const value = argv[index + 1];
    if (name !== undefined && ALL_OPTIONS[name]?.type === 'string' && value !== undefined) {
      result.push(arg.startsWith('--') ? `${arg}=${value}` : `${arg}${value}`);
      index++;
    } else {
      result.push(arg);
    }
  }
  return result;
}

/** The first positional argument, parsed leniently with every option any command knows. */
function findCommand(argv: readonly string[]): { name: string; index: number } | undefined {
  const { tokens } = parseArgs({
    args: [...argv],
    options: toParseArgs(ALL_OPTIONS),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const first = tokens.find((token) => token.kind === 'positional');
  return first === undefined ? undefined : { name: first.value, index: first.index };
}

function withoutCommand(argv: readonly string[]): Invocation {
  const { values } = strictParse(argv, GLOBAL_OPTIONS, undefined);
  if (values.version === true) return { kind: 'version' };
  if (values.help === true) return { kind: 'help', command: undefined };
  throw new UsageError('no command given');
}

function helpFor(positionals: string[]): Invocation {
  const [name, extra] = positionals;
  if (extra !== undefined) throw new UsageError('help takes at most one command', 'help');
  if (name === undefined) return { kind: 'help', command: undefined };
  if (!isCommandName(name)) throw new UsageError(`unknown command '${name}'`);
  return { kind: 'help', command: name };
}

function strictParse(
  argv: readonly string[],
  options: Readonly<Record<string, OptionSpec>>,
  command: CommandName | undefined,
): { values: OptionValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: toParseArgs(options),
      strict: true,
      allowPositionals: true,
    });
    return { values: values as OptionValues, positionals };
  } catch (err) {
    // Node's message, without its advice on '--' (the help shows the usage instead).
    const message =
      err instanceof Error ? (err.message.split('. To specify')[0] ?? err.message) : String(err);
    throw new UsageError(message.charAt(0).toLowerCase() + message.slice(1), command);
  }
}

function toParseArgs(options: Readonly<Record<string, OptionSpec>>): ParseArgsOptions {
  const config: NonNullable<ParseArgsOptions> = {};
  for (const [name, option] of Object.entries(options)) {
    config[name] =
      option.short === undefined
        ? { type: option.type }
        : { type: option.type, short: option.short };
  }
  return config;
}

function checkArgCount(spec: CommandSpec, positionals: readonly string[]): void {
  const count = positionals.length;
  if (count < spec.minArgs)
    throw new UsageError(
      `${spec.name}: missing argument (usage: kvdir ${spec.name} ${spec.args})`,
      spec.name,
    );
  if (count > spec.maxArgs) {
    throw new UsageError(
      `${spec.name}: unexpected argument '${positionals[spec.maxArgs] ?? ''}'`,
      spec.name,
    );
  }
}

function outputFormat(
  value: string | boolean | undefined,
  command: CommandName,
): Format | undefined {
  if (value === undefined) return undefined;
  if (value === 'yaml' || value === 'json') return value;
  throw new UsageError(`unknown output format '${String(value)}' (use yaml or json)`, command);
}
