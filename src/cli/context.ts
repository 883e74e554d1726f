/**
 * What a command runs with: its arguments, the streams, the datastore (a root directory, or
 * etcd with `--endpoints`), and backends that `main` closes when the command is done. Also the
 * one place where an argument becomes a key.
 */
import { resolve } from 'node:path';
import type { EtcdBackend } from '../backends/etcd/index.js';
import type { FileBackendOptions, Key, KvdirError, ListInterface } from '../index.js';
import {
  FileBackend,
  PathListOptions,
  ValidationError,
  keyFromPath,
  parseCanonical,
} from '../index.js';
import type { OptionValues } from './args.js';
import { UsageError, describeError } from './errors.js';
import type { CliIO } from './io.js';
import type { Format } from './output.js';
import { formatDocument } from './output.js';
import type { CommandSpec, Style } from './spec.js';

export class Context {
  readonly io: CliIO;
  readonly command: CommandSpec;
  readonly positionals: readonly string[];
  readonly values: OptionValues;
  readonly output: Format | undefined;
  /** `-o raw` or `-o wide`, for the commands that take them. */
  readonly style: Style | undefined;
  /** Absolute: `--root`, else `$KVDIR_ROOT`, else the working directory. */
  readonly root: string;
  /** Set when the datastore is etcd (`--endpoints`, or `$KVDIR_ENDPOINTS` without `--root`). */
  readonly etcd: EtcdTarget | undefined;
  readonly cwd: string;
  readonly #backends: Array<FileBackend | EtcdBackend> = [];

  constructor(
    io: CliIO,
    run: {
      command: CommandSpec;
      positionals: string[];
      values: OptionValues;
      output: Format | undefined;
      style: Style | undefined;
    },
  ) {
    this.io = io;
    this.command = run.command;
    this.positionals = run.positionals;
    this.values = run.values;
    this.output = run.output;
    this.style = run.style;
    this.cwd = io.cwd ?? process.cwd();
    const given = typeof run.values.root === 'string' ? run.values.root : io.env.KVDIR_ROOT || '.';
    this.root = resolve(this.cwd, given);
    this.etcd = etcdTarget(run.values, io.env);
  }

  /** What the command works on, for messages: the root directory, or etcd's endpoints. */
  get datastore(): string {
    if (this.etcd === undefined) return this.root;
    const namespace = this.etcd.namespace === '' ? '' : ` (namespace ${this.etcd.namespace})`;
    return `etcd at ${this.etcd.endpoints.join(',')}${namespace}`;
  }

  /**
   * A backend on the datastore; list errors become warnings on stderr unless `onListError` is
   * given. The etcd backend is loaded only here, so that the directory commands never pay for
   * the etcd client (importing it takes 200-300 ms).
   */
  async open(
    options: Pick<FileBackendOptions, 'onListError'> = {},
  ): Promise<FileBackend | EtcdBackend> {
    const onListError =
      options.onListError ?? ((error: KvdirError) => this.warn(describeError(error)));
    if (this.etcd === undefined) return this.openDirectory({ onListError });
    const { EtcdBackend } = await import('../backends/etcd/index.js');
    const backend = new EtcdBackend({ ...this.etcd, onListError });
    this.#backends.push(backend);
    return backend;
  }

  /** A FileBackend on the root directory, or on `root` (for what only the file backend does). */
  openDirectory(
    options: Partial<Pick<FileBackendOptions, 'onListError' | 'root'>> = {},
  ): FileBackend {
    const backend = new FileBackend({
      root: options.root ?? this.root,
      onListError: options.onListError ?? ((error: KvdirError) => this.warn(describeError(error))),
    });
    this.#backends.push(backend);
    return backend;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#backends.splice(0).map((backend) => backend.close()));
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  /** The `index`th positional argument (checked present by the parser). */
  arg(index: number): string {
    return this.positionals[index] ?? '';
  }

  print(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** `human` by default, `data` as YAML or JSON with -o. */
  report(human: string, data: unknown): void {
    this.print(this.output === undefined ? human : formatDocument(data, this.output));
  }

  warn(message: string): void {
    this.io.stderr.write(`kvdir: warning: ${message}\n`);
  }
}

export interface EtcdTarget {
  endpoints: string[];
  namespace: string;
}

/**
 * etcd when `--endpoints` is given, or `$KVDIR_ENDPOINTS` is set and `--root` is not (an
 * option given beats the environment); `--namespace` (or `$KVDIR_NAMESPACE`) goes with it.
 */
function etcdTarget(
  values: OptionValues,
  env: Readonly<Record<string, string | undefined>>,
): EtcdTarget | undefined {
  const flag = typeof values.endpoints === 'string' ? values.endpoints : undefined;
  if (flag !== undefined && typeof values.root === 'string') {
    throw new UsageError('--root and --endpoints name two datastores: give one of them');
  }
  const given = flag ?? (typeof values.root === 'string' ? undefined : env.KVDIR_ENDPOINTS);
  const namespace = typeof values.namespace === 'string' ? values.namespace : undefined;
  if (given === undefined || given === '') {
    if (namespace !== undefined) throw new UsageError('--namespace needs --endpoints (etcd)');
    return undefined;
  }
  const endpoints = given
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  return { endpoints, namespace: namespace ?? env.KVDIR_NAMESPACE ?? '' };
}

/** A key path as typed: a missing leading `/` is added and trailing `/`s are dropped. */
export function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * The Calico key a path names where it is one, else a PathKey; ValidationError if neither, or
 * if the path is not that key's own path (`tier/other`, `%2F`, `10.0.0.1-8`): such a path
 * would act on another key's file.
 */
export function keyArg(path: string): Key {
  // '' would become '/', and a message about a '/' the user never typed.
  if (path === '') {
    throw new ValidationError([
      { name: 'path', value: path, reason: 'a key path is required, e.g. /apps/web' },
    ]);
  }
  const normalized = normalizePath(path);
  const parsed = parseCanonical(keyFromPath, normalized);
  if (parsed.kind === 'key') return parsed.key;
  if (parsed.kind === 'not-canonical') {
    throw new ValidationError([
      {
        name: 'path',
        value: normalized,
        reason: `not the path of ${parsed.key.toString()}, which is ${parsed.canonical}`,
      },
    ]);
  }
  return keyFromPath(normalized);
}

/** A prefix as typed (default `/`, everything). */
export function prefixArg(prefix: string | undefined): string {
  return new PathListOptions({ prefix: normalizePath(prefix ?? '/') }).prefix;
}

/** The keys at or below a prefix, each parsed as a Calico key where it is one. */
export function keysUnder(prefix: string): ListInterface {
  const paths = new PathListOptions({ prefix });
  return {
    defaultPathRoot: () => paths.defaultPathRoot(),
    keyFromDefaultPath: (path) => {
      const key = paths.keyFromDefaultPath(path);
      return key === null ? null : keyFromPath(key.path);
    },
  };
}
