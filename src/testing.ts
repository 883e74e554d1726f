/**
 * `kvdir/testing`: helpers for tests of code that uses kvdir, and of kvdir itself.
 * - `loadFixtureIntoMemfs` loads a fixture tree into a memfs volume (needs the optional peer
 *   dependency memfs, loaded only then);
 * - `fileContractStore` gives the contract suites (`kvdir/contract`) a fresh FileBackend per
 *   test, on a temp directory or on memfs.
 */
import nodeFs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import type { Volume } from 'memfs';
import type { ContractOptions, Opened, RawAccess, Supports } from './contract/types.js';
import type { Clock } from './core/clock.js';
import { systemClock } from './core/clock.js';
import { FileBackend } from './backends/file/file-backend.js';
import type { FileBackendOptions } from './backends/file/file-backend.js';
import type { FsLike } from './backends/file/fs-like.js';
import { keyFiles } from './backends/file/layout.js';

export interface MemfsFixture {
  /** Pass as `new FileBackend({ root, fs })`. */
  fs: FsLike;
  /** The memfs volume, for inspecting what was written (`vol.toJSON()`). */
  vol: InstanceType<typeof Volume>;
  /** The root inside the volume. */
  root: string;
}

/**
 * Copies a fixture directory from disk into a new memfs volume, under `root` (default
 * `/kvdir`). Symbolic links and special files are skipped; the source is never written.
 */
export async function loadFixtureIntoMemfs(
  sourceDir: string,
  options: { root?: string } = {},
): Promise<MemfsFixture> {
  const root = options.root ?? '/kvdir';
  if (!posix.isAbsolute(root)) {
    throw new TypeError(`root must be an absolute POSIX path, got '${root}'`);
  }
  const { Volume, createFsFromVolume } = await import('memfs');
  const vol = new Volume();
  vol.mkdirSync(root, { recursive: true });
  await copyInto(sourceDir, root, vol);
  return { fs: createFsFromVolume(vol) as unknown as FsLike, vol, root };
}

async function copyInto(
  sourceDir: string,
  target: string,
  vol: InstanceType<typeof Volume>,
): Promise<void> {
  for (const entry of await nodeFs.promises.readdir(sourceDir, { withFileTypes: true })) {
    const from = join(sourceDir, entry.name);
    const to = posix.join(target, entry.name);
    if (entry.isDirectory()) {
      vol.mkdirSync(to, { recursive: true });
      await copyInto(from, to, vol);
    } else if (entry.isFile()) {
      vol.writeFileSync(to, await nodeFs.promises.readFile(from));
    }
  }
}

/** The promise API a file store needs: Node's `fs.promises` or a memfs volume's. */
type Promises = Pick<typeof nodeFs.promises, 'lstat' | 'mkdir' | 'readFile' | 'rm' | 'writeFile'>;

/** The tree as an editor or `git` sees it: the key path `/a/b` is the file `<root>/a/b.yaml`. */
export function fileRawAccess(root: string, fs: { promises: Promises } = nodeFs): RawAccess {
  const exists = (path: string) =>
    fs.promises.lstat(path).then(
      () => true,
      () => false,
    );
  return {
    async put(path, text) {
      const { file } = keyFiles(root, path);
      await fs.promises.mkdir(dirname(file), { recursive: true });
      await fs.promises.writeFile(file, text);
    },
    get: (path) => fs.promises.readFile(keyFiles(root, path).file, 'utf8').catch(() => undefined),
    remove: (path) => fs.promises.rm(keyFiles(root, path).file, { force: true }),
    async has(path) {
      const { file, dir } = keyFiles(root, path);
      return (await exists(file)) || (await exists(dir));
    },
  };
}

export interface FileContractStoreOptions {
  /** On a memfs volume instead of a temp directory (needs memfs). */
  memfs?: boolean;
  /** A clock the suite moves (its TTL tests then run without waiting); default the system clock. */
  clock?: () => Clock & { advance(ms: number): void };
}

/**
 * Everything `runClientContract`/`runSyncerContract` need for a FileBackend but the test
 * functions: a fresh datastore per test (removed afterwards), its raw access, its `supports`.
 */
export function fileContractStore(
  options: FileContractStoreOptions = {},
): Omit<ContractOptions, 'test'> {
  const supports: Supports = {
    format: 'yaml',
    fakeClock: options.clock !== undefined,
    minTtlMs: 1,
    ttlSlackMs: 250,
    parsePositions: true,
  };
  return {
    name: options.memfs === true ? 'FileBackend on memfs' : 'FileBackend on disk',
    supports,
    async open(openOptions = {}): Promise<Opened> {
      const { fs, root, dispose } = await newTree(options.memfs === true);
      const clock = options.clock?.();
      const make = (extra: Partial<FileBackendOptions> = {}) =>
        new FileBackend({ root, fs, fsync: false, clock: clock ?? systemClock, ...extra });
      return {
        client: make(openOptions),
        raw: fileRawAccess(root, fs as unknown as { promises: Promises }),
        reopen: (again = {}) => make(again),
        ...(clock === undefined ? {} : { advance: (ms: number) => clock.advance(ms) }),
        dispose,
      };
    },
  };
}

async function newTree(
  inMemory: boolean,
): Promise<{ fs: FsLike; root: string; dispose: () => Promise<void> }> {
  if (inMemory) {
    const { Volume, createFsFromVolume } = await import('memfs');
    const fs = createFsFromVolume(new Volume()) as unknown as FsLike;
    return { fs, root: '/data/store', dispose: async () => undefined };
  }
  const dir = await mkdtemp(join(tmpdir(), 'kvdir-contract-'));
  return {
    fs: nodeFs as unknown as FsLike,
    root: join(dir, 'store'),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
