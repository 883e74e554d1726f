/**
 * What a backend's test file gives the contract suites: the test functions of its runner
 * (vitest, `node:test`, ...), a factory for a fresh, isolated datastore with a client on it, a
 * raw handle that writes as a foreign writer would, and what the backend supports.
 */
import type { Client, KvdirError } from '../index.js';

/** The runner's functions: vitest's and `node:test`'s `describe`/`it` both fit. */
export interface TestApi {
  describe(name: string, fn: () => void): unknown;
  it(name: string, fn: () => Promise<void>): unknown;
}

/**
 * The datastore as a foreign writer sees it (an editor or `git` for files, `etcdctl` for
 * etcd), addressed by key path (`/apps/web`): what the contract uses for outside edits.
 */
export interface RawAccess {
  /** Stores `text` as the value of `path`, in the backend's own format (a YAML file, a raw put). */
  put(path: string, text: string): Promise<void>;
  /** The stored text of `path`, or undefined when it has none. */
  get(path: string): Promise<string | undefined>;
  /** Removes the stored value of `path` (not what is below it). */
  remove(path: string): Promise<void>;
  /** Whether anything is stored at or below `path` (for files: a value file or a directory). */
  has(path: string): Promise<boolean>;
}

/** What a backend can do, where backends differ. */
export interface Supports {
  /** The format of stored text (what `RawAccess.put` takes): YAML files or Calico's JSON. */
  format: 'yaml' | 'json';
  /** TTLs run on a clock the test moves (`Opened.advance`); otherwise in real time. */
  fakeClock: boolean;
  /** The shortest TTL the backend keeps exactly, in ms (etcd: whole seconds, 2 s at least). */
  minTtlMs: number;
  /** How late an expiry may come in real time, in ms. */
  ttlSlackMs: number;
  /** Parse errors carry a line and a column. */
  parsePositions: boolean;
}

export interface OpenOptions {
  /** Told each entry `list` skips (a value that does not parse). */
  onListError?: (error: KvdirError) => void;
}

/** A fresh datastore that no other test sees, and a client on it. */
export interface Opened {
  client: Client;
  raw: RawAccess;
  /** A second client on the same datastore (closed by the suite), as another process would have. */
  reopen(options?: OpenOptions): Client;
  /** Moves the clock of every client of this datastore (only where `supports.fakeClock`). */
  advance?(ms: number): void;
  /** Removes the datastore once the test is done and its clients are closed (a temp directory). */
  dispose?(): Promise<void>;
}

export interface ContractOptions {
  /** Shown in the suite's name, e.g. `FileBackend on memfs`. */
  name: string;
  test: TestApi;
  supports: Supports;
  /** A fresh, isolated datastore with a client on it; the suite closes every client it gets. */
  open(options?: OpenOptions): Promise<Opened>;
}
