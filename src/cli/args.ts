/**
 * The command line -> an invocation. Global options may come before or after the command;
 * the command is the first argument that is not an option or an option's value.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import type { Format } from './output.js';
import type { CommandName, CommandSpec, OptionSpec, Style } from './spec.js';
import { COMMANDS, COMMAND_NAMES, GLOBAL_OPTIONS, isCommandName } from './spec.js';

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export type Invocation =
  | { kind: 'help'; command: CommandName | undefined }
  | { kind: 'version' }
  | {
      kind: 'run';
      command: CommandSpec;
      positionals: string[];
      values: OptionValues;
      /** yaml or json: for machines. */
      output: Format | undefined;
      /** raw or wide: a text format of the commands that take it. */
      style: Style | undefined;
    };

type ParseArgsOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

export function parseInvocation(given: readonly string[]): Invocation {
  const argv = attachValues(given);
  const found = findCommand(argv);
  if (found === undefined) return withoutCommand(argv);
  if (!isCommandName(found.name)) throw unknownCommand(found.name);
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
  const format = outputFormat(values.output, spec);
  return {
    kind: 'run',
    command: spec,
    positionals,
    values,
    output: format === 'yaml' || format === 'json' ? format : undefined,
    style: format === 'raw' || format === 'wide' ? format : undefined,
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
  if (!isCommandName(name)) throw unknownCommand(name);
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
    const unknown = /^Unknown option '--([^'=]+)'/.exec(message)?.[1];
    const hint = unknown === undefined ? '' : didYouMean(unknown, Object.keys(options), '--');
    throw new UsageError(`${message.charAt(0).toLowerCase()}${message.slice(1)}${hint}`, command);
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
  spec: CommandSpec,
): Format | Style | undefined {
  if (value === undefined) return undefined;
  if (value === 'yaml' || value === 'json') return value;
  const styles: readonly string[] = spec.styles ?? [];
  if (styles.includes(String(value))) return value as Style;
  const known = ['yaml', 'json', ...styles].join(', ');
  const elsewhere =
    value === 'raw' ? ' (raw is for get)' : value === 'wide' ? ' (wide is for list)' : '';
  throw new UsageError(
    `${spec.name}: unknown output format '${String(value)}'${elsewhere}: use ${known}`,
    spec.name,
  );
}

function unknownCommand(name: string): UsageError {
  return new UsageError(`unknown command '${name}'${didYouMean(name, COMMAND_NAMES, '')}`);
}

/**
 * ` (did you mean 'list'?)` for a word a typo away from one candidate: at most one edit for a
 * short word, two for a longer one, or the start of exactly one (etcdctl's `del`); else ''.
 */
export function didYouMean(word: string, candidates: readonly string[], dashes: string): string {
  const limit = word.length <= 3 ? 1 : 2;
  const near = candidates
    .map((candidate) => ({ candidate, distance: editDistance(word, candidate) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance);
  const starts = candidates.filter((candidate) => word.length >= 2 && candidate.startsWith(word));
  const best = near[0]?.candidate ?? (starts.length === 1 ? starts[0] : undefined);
  return best === undefined ? '' : ` (did you mean '${dashes}${best}'?)`;
}

/** Edits (insert, delete, replace, swap of neighbours) from `a` to `b`: optimal string alignment. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}
