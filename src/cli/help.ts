/** Help text, generated from the command table. */
import type { CommandName, OptionSpec } from './spec.js';
import { COMMANDS, COMMAND_NAMES, GLOBAL_OPTIONS } from './spec.js';

const EXIT_CODES = [
  '0 ok, 1 check found problems, mirror refused something (or another failure), 2 usage error, 3 not found, 4 conflict,',
  '5 already exists, 6 parse error, 7 other datastore error, 8 invalid key or value, 130 interrupted',
];

export function globalHelp(): string {
  const width = Math.max(...COMMAND_NAMES.map((name) => usageOf(name).length));
  return [
    'Usage: kvdir [--root DIR] [-o yaml|json] <command> [<args>]',
    '       kvdir --endpoints URL[,URL] [--namespace NS] [-o yaml|json] <command> [<args>]',
    '',
    'A key/value datastore on a directory tree of YAML files: the key /a/b/c is the file <root>/a/b/c.yaml.',
    'With --endpoints, the same commands (but check) work on etcd: the key /a/b/c is the etcd key <namespace>/a/b/c.',
    'A path that names a Calico v1 key (/calico/v1/...) is handled as that key, any other as a generic path key.',
    '',
    'Commands:',
    ...COMMAND_NAMES.map((name) => `  ${usageOf(name).padEnd(width)}  ${COMMANDS[name].summary}`),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Exit codes:',
    ...EXIT_CODES.map((line) => `  ${line}`),
    '',
    "Run 'kvdir <command> --help' for a command's options.",
    '',
  ].join('\n');
}

export function commandHelp(name: CommandName): string {
  const spec = COMMANDS[name];
  const options =
    Object.keys(spec.options).length > 0 ? ['', 'Options:', ...optionLines(spec.options)] : [];
  return [
    `Usage: kvdir ${usageOf(name)} [options]`,
    '',
    `${spec.summary.charAt(0).toUpperCase()}${spec.summary.slice(1)}.`,
    ...spec.details,
    ...options,
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
  ].join('\n');
}

function usageOf(name: CommandName): string {
  const args = COMMANDS[name].args;
  return args === '' ? name : `${name} ${args}`;
}

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const names = Object.entries(options).map(([name, option]) => {
    const short = option.short === undefined ? '    ' : `-${option.short}, `;
    return `${short}--${name}${option.value === undefined ? '' : ` ${option.value}`}`;
  });
  const width = Math.max(...names.map((name) => name.length));
  return Object.values(options).map(
    (option, index) => `  ${(names[index] ?? '').padEnd(width)}  ${option.description}`,
  );
}
