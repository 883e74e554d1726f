/**
 * Opening clients and syncers for tests (every one is closed after its test), and comparing
 * a recorder's picture with what `list()` says the tree holds.
 */
import { isDeepStrictEqual } from 'node:util';
import { afterEach } from 'vitest';
import { FileBackend, PathKey, PathListOptions } from '../../../../src/index.js';
import type { FileBackendOptions, Syncer } from '../../../../src/index.js';
import type {
  FileSyncerInternals,
  FileSyncerOptions,
  Watcher,
} from '../../../../src/backends/file/sync/settings.js';
import { tuneSyncers } from '../../../../src/backends/file/sync/internals.js';
import '../../../helpers/temp-dir.js';
import { Recorder } from '../../../../src/contract/recorder.js';

/** A syncer's options and, for tests only, its internal knobs (given through `tuneSyncers`). */
export type TestSyncerOptions = FileSyncerOptions & FileSyncerInternals;
export type { Watcher };

const KNOBS = [
  'watchSource',
  'burstThreshold',
  'settleMs',
  'pollMs',
  'batchSize',
  'onIndexHits',
  'indexRacyMs',
] as const;

/** Options and knobs apart: the knobs go to `tuneSyncers`, never to `client.syncer()`. */
export function splitKnobs(all: TestSyncerOptions): {
  options: FileSyncerOptions;
  knobs: FileSyncerInternals;
} {
  const options: Record<string, unknown> = { ...all };
  const knobs: Record<string, unknown> = {};
  for (const name of KNOBS) {
    if (name in options) knobs[name] = options[name];
    delete options[name];
  }
  return { options: options as FileSyncerOptions, knobs: knobs as FileSyncerInternals };
}

/** A started syncer of `client` with these options and knobs. */
export function startSyncer(client: FileBackend, rec: Recorder, all: TestSyncerOptions): Syncer {
  const { options, knobs } = splitKnobs(all);
  tuneSyncers(client, knobs);
  const syncer = client.syncer(rec, options);
  syncer.start();
  return syncer;
}

/** The watchers of a tree on disk; suites that watch real directories run with each. */
export const WATCHERS: readonly Watcher[] = ['directories', 'chokidar'];

export interface Opened {
  client: FileBackend;
  syncer: Syncer;
  rec: Recorder;
}

const open: Array<{ client: FileBackend; rec: Recorder }> = [];

// Registered after temp-dir's hook, so (hooks run as a stack) syncers stop before their trees go.
afterEach(async () => {
  const all = open.splice(0);
  await Promise.all(all.map(({ client }) => client.close()));
  for (const { rec } of all) rec.stopped = true;
});

/** Quick timings for tests: a short settle and root poll; everything else as in production. */
export const fast: TestSyncerOptions = { settleMs: 300, pollMs: 200 };

/** Keys as PathKeys, so values decode exactly as list(new PathListOptions()) decodes them. */
export const pathKeys: TestSyncerOptions = { keyFromPath: (path) => new PathKey(path) };

export function openClient(options: FileBackendOptions): FileBackend {
  const client = new FileBackend({ fsync: false, ...options });
  open.push({ client, rec: new Recorder() });
  return client;
}

/** A client on `root` and a started syncer on it, recording into a Recorder. */
export function openSyncer(
  root: string,
  options: TestSyncerOptions = {},
  backend: Partial<FileBackendOptions> = {},
): Opened {
  const client = new FileBackend({ root, fsync: false, ...backend });
  const rec = new Recorder();
  open.push({ client, rec });
  const syncer = startSyncer(client, rec, { ...fast, ...options });
  return { client, syncer, rec };
}

export interface Expected {
  revision: string | undefined;
  value: unknown;
}

/** What the tree holds under `prefix`, by key path, as list() reads it. */
export async function listed(client: FileBackend, prefix = '/'): Promise<Map<string, Expected>> {
  const pairs = await client.list(new PathListOptions({ prefix }));
  return new Map(
    pairs.map((pair) => [pair.key.defaultPath(), { revision: pair.revision, value: pair.value }]),
  );
}

/** The differences between a recorder's picture and `expected`; empty when they agree. */
export function pictureDiff(
  rec: Recorder,
  expected: Map<string, Expected>,
  compareValues = true,
): string[] {
  const diffs: string[] = [];
  for (const [path, want] of expected) {
    const held = rec.picture.get(path);
    if (held === undefined) diffs.push(`missing ${path}`);
    else if (held.revision !== want.revision)
      diffs.push(`${path}: revision ${held.revision} != ${want.revision}`);
    else if (compareValues && !isDeepStrictEqual(held.value, want.value))
      diffs.push(`${path}: value differs`);
  }
  for (const path of rec.picture.keys()) if (!expected.has(path)) diffs.push(`extra ${path}`);
  return diffs;
}

/**
 * Waits until the picture equals list() (revisions, and values unless told otherwise), polling;
 * fails with the last differences when it never converges.
 */
export async function waitForConvergence(
  rec: Recorder,
  client: FileBackend,
  options: { prefix?: string; compareValues?: boolean; timeoutMs?: number } = {},
): Promise<void> {
  let diffs: string[] = [];
  try {
    await rec.waitFor(
      async () => {
        diffs = pictureDiff(
          rec,
          await listed(client, options.prefix),
          options.compareValues ?? true,
        );
        return diffs.length === 0;
      },
      'the picture to equal list()',
      options.timeoutMs ?? 20_000,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\ndifferences: ${diffs.slice(0, 20).join('; ')}`);
  }
}
