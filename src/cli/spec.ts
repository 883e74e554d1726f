/**
 * The command table: names, arguments, options and help text of every command. Parsing
 * (`args.ts`) and help (`help.ts`) are both driven by it; the commands themselves are in
 * `commands/`. `details` are lines of help, printed as they are.
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The placeholder of a string option's value in help, e.g. `DIR`. */
  value?: string;
  description: string;
}

export const COMMAND_NAMES = [
  'get',
  'list',
  'create',
  'update',
  'apply',
  'put',
  'edit',
  'delete',
  'watch',
  'mirror',
  'check',
  'schema',
  'init',
  'completion',
  'help',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** The text formats `-o` takes beyond yaml and json, each for the commands that name it. */
export type Style = 'raw' | 'wide';

export interface CommandSpec {
  name: CommandName;
  /** Positional arguments as shown in help, e.g. `<path> <yaml-value>`. */
  args: string;
  minArgs: number;
  maxArgs: number;
  /** `-o` values this command takes besides yaml and json. */
  styles?: readonly Style[];
  summary: string;
  /** Lines of the command's help after its summary. */
  details: readonly string[];
  options: Readonly<Record<string, OptionSpec>>;
}

export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  root: {
    type: 'string',
    value: 'DIR',
    description: 'the datastore directory (default: $KVDIR_ROOT, else the current directory)',
  },
  endpoints: {
    type: 'string',
    value: 'URL[,URL]',
    description:
      'work on etcd at these client URLs instead of a directory (default: $KVDIR_ENDPOINTS unless --root is given)',
  },
  namespace: {
    type: 'string',
    value: 'NS',
    description:
      "with --endpoints: a prefix of every etcd key, e.g. /tenant-a (default: $KVDIR_NAMESPACE, else '')",
  },
  output: {
    type: 'string',
    short: 'o',
    value: 'FORMAT',
    description:
      'yaml or json (default: a human format; yaml for get); raw for get (a value as its text), wide for list',
  },
  help: { type: 'boolean', short: 'h', description: 'show help' },
  version: { type: 'boolean', description: 'print the version of kvdir' },
};

const REVISION: OptionSpec = {
  type: 'string',
  value: 'R',
  description: 'compare-and-swap: fail with a conflict unless R is still the current revision',
};
const FILE: OptionSpec = {
  type: 'string',
  short: 'f',
  value: 'FILE',
  description: "the value as YAML ('-' reads stdin)",
};

const TTL: OptionSpec = {
  type: 'string',
  value: 'DURATION',
  description:
    'the key expires after DURATION: 500ms, 30s, 5m, 2h (a bare number is seconds, as etcdctl --lease)',
};
const PREFIX: OptionSpec = {
  type: 'boolean',
  short: 'r',
  description: 'every key at or below the path',
};

const WRITE_DETAILS = [
  'Prints the new revision (with -o yaml|json: path, key and revision).',
  'The value is YAML. For keys with a raw value (a string, a bool, an IP) it is one scalar.',
  'YAML with comments is stored as written; without, a file that exists keeps its comments and layout.',
];

export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  get: {
    name: 'get',
    args: '<path>...',
    minArgs: 1,
    maxArgs: Infinity,
    styles: ['raw'],
    summary: "print a key's value (or several keys', or a subtree's)",
    details: [
      'Prints the value as YAML, or as JSON with -o json. With --show-revision: path, key, revision (and ttl,',
      'milliseconds left) and value. With -o raw: a string as its text (no quotes), a number, bool or null as',
      'YAML writes it, anything else as YAML: mtu=$(kvdir get /calico/v1/config/IpInIpMtu -o raw).',
      'With several paths, or --prefix: a list of records (path, key, revision, value) as list -o yaml|json',
      'prints them (-o raw: each value in turn). A missing key fails the whole command (exit 3).',
    ],
    options: {
      'show-revision': {
        type: 'boolean',
        description: 'print the revision (and path, key and ttl left) too',
      },
      prefix: { ...PREFIX, description: 'every key at or below the path (one path)' },
    },
  },
  list: {
    name: 'list',
    args: '[<prefix>]',
    minArgs: 0,
    maxArgs: 1,
    styles: ['wide'],
    summary: 'list the keys at or below a prefix, in path order',
    details: [
      'Prints one path per line, found by the names of the files alone: no value is read, so a key whose value',
      'does not parse is listed too (check finds it). With -o wide: path, revision, size in bytes and TTL left,',
      'in columns (each value file is read, not parsed). With -o yaml|json: a list of path, key, revision and',
      'value; entries that cannot be read are skipped with a warning on stderr (see check).',
    ],
    options: {},
  },
  create: {
    name: 'create',
    args: '<path> -f <file>',
    minArgs: 1,
    maxArgs: 1,
    summary: 'create a key that does not exist yet',
    details: WRITE_DETAILS,
    options: { file: FILE, revision: REVISION, ttl: TTL },
  },
  update: {
    name: 'update',
    args: '<path> -f <file>',
    minArgs: 1,
    maxArgs: 1,
    summary: 'update a key that exists',
    details: WRITE_DETAILS,
    options: { file: FILE, revision: REVISION, ttl: TTL },
  },
  apply: {
    name: 'apply',
    args: '<path> -f <file>',
    minArgs: 1,
    maxArgs: 1,
    summary: 'create or update a key',
    details: WRITE_DETAILS,
    options: { file: FILE, revision: REVISION, ttl: TTL },
  },
  put: {
    name: 'put',
    args: '<path> <yaml-value>',
    minArgs: 2,
    maxArgs: 2,
    summary: 'create or update a key from a value on the command line',
    details: [
      ...WRITE_DETAILS,
      "A value that starts with '-' goes after '--', e.g. kvdir put /a/b -- -1",
    ],
    options: { revision: REVISION, ttl: TTL },
  },
  edit: {
    name: 'edit',
    args: '<path>',
    minArgs: 1,
    maxArgs: 1,
    summary: "edit a key's file in $VISUAL or $EDITOR and write it back",
    details: [
      'Opens the value file as it is (comments and all) in a temp file; on save, writes the text back',
      'as it is, with the revision it read as a compare-and-swap. Prints the new revision (as write commands do).',
      'Unchanged text writes nothing ("edit cancelled, no changes"). Text that does not parse (exit 6), does',
      'not fit the key (exit 8), or meets a key written meanwhile (exit 4) is not written: the temp file is',
      'kept and named. A key that does not exist is not created (exit 3).',
      'The editor is $VISUAL, else $EDITOR, else vi, split on spaces (EDITOR="code --wait").',
      'A directory command: refused with --endpoints (etcd holds JSON, not the text of a file).',
    ],
    options: {},
  },
  delete: {
    name: 'delete',
    args: '<path>',
    minArgs: 1,
    maxArgs: 1,
    summary: 'delete a key and every key below it',
    details: [
      'Prints how many keys were removed, as the delete counted them. A path that is not a key itself but has',
      'keys below it is refused (exit 2) unless given --prefix: a typo must not remove a subtree.',
    ],
    options: {
      revision: REVISION,
      prefix: {
        ...PREFIX,
        description: 'also when the path is not a key itself: delete every key below it',
      },
      'dry-run': {
        type: 'boolean',
        description: 'delete nothing: print the path of each key that would go (count on stderr)',
      },
    },
  },
  watch: {
    name: 'watch',
    args: '[<prefix>]',
    minArgs: 0,
    maxArgs: 1,
    summary: 'print status changes and updates as they happen, until interrupted',
    details: [
      'Runs the syncer: every key that exists is first reported as new, then "status in-sync", then each change.',
      'One line per event: "status <status>", "new|updated <path> <value as JSON>", "deleted <path>",',
      '"parse-failed <path>". With -o json, one JSON object per line. Ctrl-C (SIGINT) or SIGTERM stops it with exit code 0.',
    ],
    options: {},
  },
  mirror: {
    name: 'mirror',
    args: '<dir> [<prefix>]',
    minArgs: 1,
    maxArgs: 2,
    summary: 'keep the etcd keys at or below a prefix equal to a directory (needs --endpoints)',
    details: [
      'Takes the prefix (an etcd election: a second mirror of it waits), reads <dir> as a FileBackend does, then makes',
      'the etcd keys at or below <prefix> (default /) equal to its keys: creates, updates where the bytes differ (an',
      'unchanged key is not rewritten), deletes keys that have no file (exact keys, in txns guarded against writes',
      'made meanwhile). Then keeps them so: each change in <dir> within a second; a foreign write to a key below the',
      'prefix is set back ("healed"). Runs until Ctrl-C (SIGINT) or SIGTERM, then exits 0.',
      'Safety: a file that does not parse is skipped (etcd keeps its value); a directory with no keys, or a pass that',
      'would delete more than 10 % of the keys, is refused unless --force; nothing is written while <dir> is being',
      'read again (its root replaced). One line per thing done ("created /p", "refused: ..."); -o json: one object each.',
      'With --once: exit 0 when etcd matches <dir>, 1 when something was refused or skipped. With --dry-run: 0 when',
      'there is nothing to do, 1 otherwise (as diff).',
    ],
    options: {
      once: { type: 'boolean', description: 'make one pass, then exit' },
      'dry-run': {
        type: 'boolean',
        description: 'print what would be created, updated and deleted; change nothing (one pass)',
      },
      force: {
        type: 'boolean',
        description: 'apply a pass that is refused (an empty directory, a large prune)',
      },
      'no-heal': {
        type: 'boolean',
        description: 'report foreign writes to mirrored keys, but do not set them back',
      },
    },
  },
  check: {
    name: 'check',
    args: '[<prefix>]',
    minArgs: 0,
    maxArgs: 1,
    summary: 'report every file kvdir cannot read as a key, and leftovers (exit code 1 if any)',
    details: [
      'Prints "file:line:column: message" for each YAML file that does not parse ("file: message" where there is',
      'no position: a name that is not a key, a link, a leftover of interrupted work), and for each field of a',
      'Calico value that a write would refuse: a wrong type, a missing field, or a field Calico does not have (a',
      'typo such as selecter:). Changes nothing unless given --fix. Shows progress on a terminal only.',
      'A directory command: refused with --endpoints (kvdir list reports each etcd value that does not parse).',
    ],
    options: {
      fix: {
        type: 'boolean',
        description:
          'remove leftovers (trash directories, temp files, sidecars without a value file, expired keys); exit 0 if nothing else is wrong',
      },
    },
  },
  schema: {
    name: 'schema',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'write the JSON Schema of every Calico value type, and the editor mapping',
    details: [
      'Writes one <type>.schema.json per Calico value type (Policy, WorkloadEndpoint, ...) and yaml-schemas.json, the',
      '"yaml.schemas" setting of the YAML language server (VS Code\'s YAML extension) that maps file globs such as',
      '**/calico/v1/policy/tier/*/policy/*.yaml to them. Paths in it are relative to the working directory: run it at',
      'the root of the workspace, then copy "yaml.schemas" into .vscode/settings.json. Prints the mapping.',
      'The schemas are what writes and check require: an editor flags the same unknown fields and wrong types.',
    ],
    options: {
      out: {
        type: 'string',
        value: 'DIR',
        description: 'where to write the files (default: kvdir-schemas in the working directory)',
      },
    },
  },
  init: {
    name: 'init',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    summary:
      'create the root directory (with --endpoints: nothing) and set the Ready flag (/calico/v1/Ready)',
    details: ['Does nothing to a datastore that is already initialized.'],
    options: {},
  },
  completion: {
    name: 'completion',
    args: '<bash|zsh|fish>',
    minArgs: 1,
    maxArgs: 1,
    summary: 'print a shell script that completes commands, options and formats',
    details: [
      'bash: source <(kvdir completion bash), e.g. in ~/.bashrc. zsh: source <(kvdir completion zsh) after',
      'compinit. fish: kvdir completion fish > ~/.config/fish/completions/kvdir.fish. Key paths are not completed.',
    ],
    options: {},
  },
  help: {
    name: 'help',
    args: '[<command>]',
    minArgs: 0,
    maxArgs: 1,
    summary: 'show help',
    details: [],
    options: {},
  },
};

export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}
