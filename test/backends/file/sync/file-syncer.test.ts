/**
 * The syncer driven through its watch-source port by a fake source: nothing reaches the
 * syncer but what the test emits, so what it does without events (polling, second looks at
 * new directories, bursts) is shown deterministically.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FileBackend,
  PathKey,
  SyncStatus,
  UpdateType,
  ValidationError,
} from '../../../../src/index.js';
import type { FileBackendOptions, KvdirError } from '../../../../src/index.js';
import { lockPathOf } from '../../../../src/backends/file/locks.js';
import {
  decodeSidecar,
  encodeSidecar,
  fingerprint,
  nextSidecar,
  revisionOf,
} from '../../../../src/backends/file/revision.js';
import type {
  WatchHandle,
  WatchHandlers,
  WatchSource,
} from '../../../../src/backends/file/sync/watch/port.js';
import { RACY_MARGIN_MS } from '../../../../src/backends/file/sync/file-signature.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { openSyncer, pathKeys, waitForConvergence } from './harness.js';
import type { TestSyncerOptions } from './harness.js';

class FakeSource implements WatchSource {
  handlers: WatchHandlers | undefined;
  watched: string | undefined;
  closed = 0;

  async watch(dir: string, handlers: WatchHandlers): Promise<WatchHandle> {
    this.watched = dir;
    this.handlers = handlers;
    return {
      close: async () => {
        this.closed++;
        this.handlers = undefined;
      },
    };
  }

  emit(path: string, kind: 'file' | 'dir' | 'unknown' = 'file'): void {
    this.handlers!.onChange(join(this.watched!, path), kind);
  }
}

// What the syncer hands to process.emitWarning (its default without onWarning), kept here
// instead of printed: these tests inject watcher errors on purpose, and `npm test` must not
// greet a newcomer with "Warning: ... ENOSPC" lines that look like a broken machine.
const warnings: Array<{ code: string | undefined; message: string }> = [];
beforeEach(() => {
  warnings.length = 0;
  vi.spyOn(process, 'emitWarning').mockImplementation((warning, options?: unknown) => {
    const code =
      typeof options === 'object' ? (options as { code?: string } | null)?.code : undefined;
    warnings.push({ code, message: typeof warning === 'string' ? warning : warning.message });
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function started(options: TestSyncerOptions = {}, backend: Partial<FileBackendOptions> = {}) {
  const root = join(await tempDir(), 'store');
  await mkdir(root);
  const source = new FakeSource();
  // No periodic resync: only what the test makes happen can find changes.
  const opened = openSyncer(
    root,
    { ...pathKeys, resyncIntervalMs: 0, watchSource: source, ...options },
    backend,
  );
  await opened.rec.waitForStatus(SyncStatus.InSync);
  return { ...opened, root, source };
}

describe('syncer: through the watch-source port', () => {
  it('on a watcher error (ENOSPC) goes back to ResyncInProgress, then InSync, and polling rescans deliver changes', async () => {
    const { client, rec, root, source } = await started({ pollMs: 100 });
    const error = Object.assign(
      new Error('ENOSPC: System limit for number of file watchers reached'),
      { code: 'ENOSPC' },
    );
    source.handlers!.onError(error);
    await rec.waitFor(() => rec.statuses.length === 5, 'ResyncInProgress then InSync');
    expect(rec.statuses.slice(3)).toEqual([SyncStatus.ResyncInProgress, SyncStatus.InSync]);
    await rec.waitFor(() => warnings.some((w) => w.code === 'ERR_WATCH_ERROR'), 'a warning');
    expect(warnings.find((w) => w.code === 'ERR_WATCH_ERROR')?.message).toContain('ENOSPC');

    // No event is emitted for these: only the polling rescans can find them.
    await mkdir(join(root, 'late'), { recursive: true });
    await writeFile(join(root, 'late', 'a.yaml'), 'a: 1\n');
    const written = await client.create({ key: new PathKey('/late/b'), value: { b: 2 } });
    await rec.waitForUpdate('/late/a', (u) => u.updateType === UpdateType.KVNew);
    await rec.waitForUpdate('/late/b', (u) => u.revision === written.revision);
    await waitForConvergence(rec, client);
    // A second error changes nothing: the syncer is already polling.
    source.handlers!.onError(error);
    expect(rec.statuses).toHaveLength(5);
    expect(rec.violations).toEqual([]);
  });

  it('tells onWarning, when given, what it recovers from, with the cause, and emits no process warning', async () => {
    const told: KvdirError[] = [];
    const { client, rec, root, source } = await started(
      { pollMs: 100, onWarning: (warning) => told.push(warning) },
      { maxValueBytes: 100 },
    );
    const error = Object.assign(
      new Error('ENOSPC: System limit for number of file watchers reached'),
      { code: 'ENOSPC' },
    );
    source.handlers!.onError(error);
    // Moved in whole, so that the polling rescans never see it half-written.
    await writeFile(join(root, '..', 'big.tmp'), `x: ${'y'.repeat(200)}\n`);
    await rename(join(root, '..', 'big.tmp'), join(root, 'big.yaml'));
    source.emit('big.yaml');
    await rec.waitFor(
      () => told.some((w) => w.code === 'ERR_SYNCER_UNREADABLE'),
      'the unreadable warning',
    );
    const watchError = told.find((w) => w.code === 'ERR_WATCH_ERROR');
    expect(watchError?.message).toBe(
      'watcher error (ENOSPC: System limit for number of file watchers reached); falling back to polling rescans',
    );
    expect(watchError?.cause).toBe(error);
    const unreadable = told.find((w) => w.code === 'ERR_SYNCER_UNREADABLE');
    expect(unreadable?.message).toMatch(
      /^skipping \/big\.yaml: .*big\.yaml is 204 bytes, over the limit of 100 bytes \(maxValueBytes\)$/,
    );
    expect((unreadable?.cause as KvdirError).code).toBe('ERR_TOO_LARGE');
    // Later polling rescans (no events now) look at it again and say nothing more.
    const written = await client.create({ key: new PathKey('/after'), value: { a: 1 } });
    await rec.waitForUpdate('/after', (u) => u.revision === written.revision);
    await client.create({ key: new PathKey('/after2'), value: { a: 2 } });
    await rec.waitForUpdate('/after2', (u) => u.updateType === UpdateType.KVNew);
    expect(told.map((w) => w.code)).toEqual(['ERR_WATCH_ERROR', 'ERR_SYNCER_UNREADABLE']);
    expect(warnings).toEqual([]);
    expect(rec.picture.has('/big')).toBe(false);
  });

  describe('files it skips', () => {
    /** A started syncer with a `cfg` directory, its warnings, and helpers that wait for looks to be done. */
    async function skipping(options: TestSyncerOptions = {}) {
      const told: KvdirError[] = [];
      const opened = await started(
        { onWarning: (warning) => told.push(warning), ...options },
        { maxValueBytes: 100 },
      );
      const { rec, root, source } = opened;
      const cfg = join(root, 'cfg');
      await mkdir(cfg);
      let n = 0;
      /**
       * Sends the events (`cfg/x` or `cfg` for a walk of the directory), with the event of a
       * new key, and waits for that key: every look asked for before it is done by then.
       */
      const settle = async (...events: Array<[string, 'file' | 'dir' | 'unknown']>) => {
        const name = `k${n++}`;
        await writeFile(join(cfg, `${name}.yaml`), 'n: 1\n');
        for (const [path, kind] of events) source.emit(path, kind);
        source.emit(`cfg/${name}.yaml`);
        await rec.waitForUpdate(`/cfg/${name}`, (u) => u.updateType === UpdateType.KVNew);
      };
      /** Moves a file of `bytes` bytes of YAML in whole, so that no look sees it half-written. */
      const place = async (name: string, bytes: number) => {
        await writeFile(join(root, '..', 'place.tmp'), `x: ${'y'.repeat(bytes - 4)}\n`);
        await rename(join(root, '..', 'place.tmp'), join(cfg, name));
      };
      const seen = (from = 0) =>
        told
          .slice(from)
          .map(
            (w) => `${w.message.replace(/: \/.*/, ': (path)')} (${(w.cause as KvdirError).code})`,
          )
          .sort();
      return { ...opened, told, cfg, settle, place, seen };
    }

    it('tells of each link, FIFO and oversized file a walk finds once while it stays, and again once a walk no longer finds it', async () => {
      const { cfg, told, settle, place, seen, rec } = await skipping();
      await symlink('k0.yaml', join(cfg, 'link.yaml'));
      execFileSync('mkfifo', [join(cfg, 'fifo.yaml')]);
      await place('big.yaml', 200);
      await settle(['cfg', 'dir']);
      expect(seen()).toEqual([
        'skipping /cfg/big.yaml: (path) (ERR_TOO_LARGE)',
        'skipping /cfg/fifo.yaml: not a regular file (ERR_NOT_A_FILE)',
        'skipping /cfg/link.yaml: refusing to follow a symbolic link (ERR_SYMLINK)',
      ]);
      await settle(['cfg', 'dir']);
      expect(told).toHaveLength(3);
      await rm(join(cfg, 'link.yaml'));
      await settle(['cfg', 'dir']);
      await symlink('k0.yaml', join(cfg, 'link.yaml'));
      await settle(['cfg', 'dir']);
      expect(seen(3)).toEqual([
        'skipping /cfg/link.yaml: refusing to follow a symbolic link (ERR_SYMLINK)',
      ]);
      for (const name of ['link', 'fifo', 'big'])
        expect(rec.picture.has(`/cfg/${name}`)).toBe(false);
      expect(warnings).toEqual([]);
    });

    it('tells of what events alone find, and again once events saw it gone or read it fine', async () => {
      const { cfg, told, settle, place, seen, rec } = await skipping();
      await symlink('k0.yaml', join(cfg, 'late.yaml'));
      await place('big.yaml', 200);
      await settle(['cfg/late.yaml', 'file'], ['cfg/big.yaml', 'file']);
      expect(seen()).toEqual([
        'skipping /cfg/big.yaml: (path) (ERR_TOO_LARGE)',
        'skipping /cfg/late.yaml: refusing to follow a symbolic link (ERR_SYMLINK)',
      ]);
      // Gone, then back: no walk in between.
      await rm(join(cfg, 'late.yaml'));
      await settle(['cfg/late.yaml', 'file']);
      await symlink('k0.yaml', join(cfg, 'late.yaml'));
      await settle(['cfg/late.yaml', 'file']);
      expect(seen(2)).toEqual([
        'skipping /cfg/late.yaml: refusing to follow a symbolic link (ERR_SYMLINK)',
      ]);
      // Small enough to read, then too large again.
      await place('big.yaml', 50);
      await settle(['cfg/big.yaml', 'file']);
      expect(rec.picture.has('/cfg/big')).toBe(true);
      await place('big.yaml', 200);
      await settle(['cfg/big.yaml', 'file']);
      expect(rec.picture.has('/cfg/big')).toBe(false);
      expect(seen(3)).toEqual(['skipping /cfg/big.yaml: (path) (ERR_TOO_LARGE)']);
      expect(told).toHaveLength(4);
    });

    it('reports a directory that became a link, never reading through it', async () => {
      const { cfg, told, settle, rec } = await skipping();
      const outside = await tempDir();
      await writeFile(join(outside, 'secret.yaml'), 's: 1\n');
      await mkdir(join(cfg, 'sub'));
      await writeFile(join(cfg, 'sub', 'a.yaml'), 'a: 1\n');
      await settle(['cfg/sub', 'dir']);
      expect(rec.picture.has('/cfg/sub/a')).toBe(true);
      await rm(join(cfg, 'sub'), { recursive: true });
      await symlink(outside, join(cfg, 'sub'), 'dir');
      await settle(['cfg/sub', 'unknown']);
      expect(rec.picture.has('/cfg/sub/a')).toBe(false);
      expect(told.map((w) => w.message)).toEqual([
        'skipping /cfg/sub: refusing to follow a symbolic link',
      ]);
      await settle(['', 'dir']);
      expect(told).toHaveLength(1);
    });

    it('names a file whose key keyFromPath refuses by its file, apart from a directory of the same name', async () => {
      const { cfg, told, settle, seen } = await skipping({
        keyFromPath: (path) => (path.startsWith('/cfg/x') ? null : new PathKey(path)),
      });
      await writeFile(join(cfg, '..', '..', 'huge.tmp'), `x: ${'y'.repeat(4 * 1024 * 1024)}\n`);
      await rename(join(cfg, '..', '..', 'huge.tmp'), join(cfg, 'x.yaml'));
      await symlink(await tempDir(), join(cfg, 'x'), 'dir');
      await settle(['cfg', 'dir']);
      await settle(['cfg', 'dir']);
      await settle(['cfg', 'dir']);
      expect(seen()).toEqual([
        'skipping /cfg/x.yaml: (path) (ERR_TOO_LARGE)',
        'skipping /cfg/x: refusing to follow a symbolic link (ERR_SYMLINK)',
      ]);
      expect(told).toHaveLength(2);
    });

    it('tells again after the root was gone and came back, not after it was replaced by a copy', async () => {
      const { root, cfg, told, rec, settle } = await skipping({ pollMs: 100 });
      await symlink('k0.yaml', join(cfg, 'link.yaml'));
      await settle(['cfg', 'dir']);
      expect(told).toHaveLength(1);
      // Replaced: the syncer resyncs and sends only differences; the link was there all along.
      let mark = rec.statuses.length;
      const replacement = join(await tempDir(), 'next');
      await cp(root, replacement, { recursive: true, verbatimSymlinks: true });
      await rename(root, `${root}.old`);
      await rename(replacement, root);
      await rec.waitForStatus(SyncStatus.InSync, mark);
      expect(told).toHaveLength(1);
      // Gone: everything is forgotten, and told anew when it comes back.
      mark = rec.statuses.length;
      await rename(root, `${root}.gone`);
      await rec.waitForStatus(SyncStatus.WaitForDatastore, mark);
      await rename(`${root}.gone`, root);
      await rec.waitForStatus(SyncStatus.InSync, mark);
      expect(told.map((w) => w.message)).toEqual([
        'skipping /cfg/link.yaml: refusing to follow a symbolic link',
        'skipping /cfg/link.yaml: refusing to follow a symbolic link',
      ]);
    });
  });

  it('keeps running when onWarning throws, and says so in process warnings', async () => {
    const { rec, client, source } = await started({
      pollMs: 100,
      onWarning: () => {
        throw new Error('logger down');
      },
    });
    source.handlers!.onError(
      Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' }),
    );
    await rec.waitFor(
      () => warnings.some((w) => w.code === 'ERR_CALLBACK_ERROR'),
      'the callback error',
    );
    expect(warnings.map((w) => w.code)).toEqual(['ERR_WATCH_ERROR', 'ERR_CALLBACK_ERROR']);
    expect(warnings[0]?.message).toMatch(/^kvdir syncer: watcher error \(EMFILE/);
    expect(warnings[1]?.message).toBe('kvdir syncer: onWarning threw: logger down');
    // Polling still delivers.
    const written = await client.create({ key: new PathKey('/after'), value: { a: 1 } });
    await rec.waitForUpdate('/after', (u) => u.revision === written.revision);
  });

  it('refuses an onWarning or keyFromPath that is not a function, naming it', async () => {
    const root = await tempDir();
    const client = new FileBackend({ root });
    const callbacks = { onStatusUpdated: () => {}, onUpdates: () => {} };
    expect(() => client.syncer(callbacks, { onWarning: 'log' as never })).toThrow(
      "error with field onWarning = 'log' (must be a function)",
    );
    expect(() => client.syncer(callbacks, { keyFromPath: {} as never })).toThrow(ValidationError);
    await client.close();
  });

  it('looks at a new directory a second time, for files its watcher may have missed', async () => {
    const { rec, root, source } = await started({ settleMs: 200 });
    await mkdir(join(root, 'fresh'));
    await writeFile(join(root, 'fresh', 'one.yaml'), 'n: 1\n');
    source.emit('fresh', 'dir');
    await rec.waitForUpdate('/fresh/one', (u) => u.updateType === UpdateType.KVNew);
    // Created after the first look, with no event at all.
    await writeFile(join(root, 'fresh', 'two.yaml'), 'n: 2\n');
    await rec.waitForUpdate('/fresh/two', (u) => u.updateType === UpdateType.KVNew);
    expect(rec.violations).toEqual([]);
  });

  it('turns a burst of events into a full resync that also finds changes no event named', async () => {
    const { rec, root, source } = await started({ burstThreshold: 20, settleMs: 200 });
    await mkdir(join(root, 'many'));
    for (let i = 0; i < 30; i++) await writeFile(join(root, 'many', `f${i}.yaml`), `n: ${i}\n`);
    await writeFile(join(root, 'unnamed.yaml'), 'n: -1\n');
    for (let i = 0; i < 30; i++) source.emit(`many/f${i}.yaml`);
    await rec.waitFor(() => rec.picture.size === 31, 'all 31 keys');
    expect(rec.picture.get('/unnamed')?.value).toEqual({ n: -1 });
    expect(rec.violations).toEqual([]);
  });

  it('reports nothing for events that point at unchanged files', async () => {
    const { client, rec, source } = await started();
    await client.create({ key: new PathKey('/k'), value: { a: 1 } });
    source.emit('k.yaml');
    await waitForConvergence(rec, client);
    const mark = rec.mark();
    for (let i = 0; i < 5; i++) source.emit('k.yaml');
    source.emit('.kvdir-k.yaml.rev');
    source.emit('', 'dir');
    // A create emitted after them is reported alone: the batches before it sent nothing.
    const other = await client.create({ key: new PathKey('/other'), value: { b: 1 } });
    source.emit('other.yaml');
    await rec.waitForUpdate('/other', (u) => u.revision === other.revision, mark);
    expect(rec.updatesSince(mark).map((u) => u.key.defaultPath())).toEqual(['/other']);
  });

  it('after the root was replaced by another directory, resyncs and sends only the differences', async () => {
    const { client, rec, root, source } = await started({ pollMs: 100 });
    for (const name of ['same', 'changed', 'gone'])
      await client.create({ key: new PathKey(`/cfg/${name}`), value: { name } });
    source.emit('cfg', 'dir');
    await waitForConvergence(rec, client);
    const replacement = join(await tempDir(), 'next');
    await cp(root, replacement, { recursive: true, preserveTimestamps: true });
    await writeFile(join(replacement, 'cfg', 'changed.yaml'), 'name: changed again\n');
    await rm(join(replacement, 'cfg', 'gone.yaml'));
    await writeFile(join(replacement, 'cfg', 'new.yaml'), 'name: new\n');
    const mark = rec.mark();
    const statusMark = rec.statuses.length;
    await rename(root, `${root}.old`);
    await rename(replacement, root);
    await rec.waitForStatus(SyncStatus.InSync, statusMark);
    await waitForConvergence(rec, client);
    expect(rec.statuses.slice(statusMark)).toEqual([
      SyncStatus.WaitForDatastore,
      SyncStatus.ResyncInProgress,
      SyncStatus.InSync,
    ]);
    const kinds = new Map(rec.updatesSince(mark).map((u) => [u.key.defaultPath(), u.updateType]));
    expect(kinds).toEqual(
      new Map([
        ['/cfg/changed', UpdateType.KVUpdated],
        ['/cfg/new', UpdateType.KVNew],
        ['/cfg/gone', UpdateType.KVDeleted],
      ]),
    );
    expect(rec.violations).toEqual([]);
  });

  it('holds back a key caught between a write of its value file and of its sidecar, while its lock is held', async () => {
    const { client, rec, root, source } = await started({ maxDelayMs: 60_000 });
    const written = await client.create({ key: new PathKey('/w'), value: { v: 1 } });
    source.emit('w.yaml');
    await rec.waitForUpdate('/w', (u) => u.revision === written.revision);
    const sidecar = decodeSidecar(await readFile(join(root, '.kvdir-w.yaml.rev'), 'utf8'))!;

    // What a writer in another process does, stopped half-way: the lock held, the new value in place.
    const lock = lockPathOf(root, '/w');
    await mkdir(lock, { recursive: true });
    const bytes = Buffer.from('v: 2\n');
    await writeFile(join(root, 'w.yaml'), bytes);
    source.emit('w.yaml');
    const mark = rec.mark();
    // A key in another directory (under another lock) shows when the events before it were looked at.
    const other = await client.create({ key: new PathKey('/elsewhere/other'), value: { o: 1 } });
    source.emit('elsewhere/other.yaml');
    await rec.waitForUpdate('/elsewhere/other', (u) => u.revision === other.revision, mark);
    expect(rec.updatesSince(mark).map((u) => u.key.defaultPath())).toEqual(['/elsewhere/other']);

    // The writer finishes: the sidecar, then the lock released.
    const next = nextSidecar(sidecar, true, fingerprint(bytes), undefined);
    await writeFile(join(root, '.kvdir-w.yaml.rev'), encodeSidecar(next));
    await rm(lock, { recursive: true });
    const final = await rec.waitForUpdate('/w', () => true, mark);
    expect(final).toMatchObject({
      updateType: UpdateType.KVUpdated,
      revision: revisionOf(next, fingerprint(bytes)),
      value: { v: 2 },
    });
    expect((await client.get(new PathKey('/w'))).revision).toBe(final.revision);
    expect(rec.violations).toEqual([]);
  });

  it('deletes an expired key even when its expiry comes in the same batch as a look at its directory', async () => {
    // Expiry is not a file change: a look at the directory that trusts unchanged files must not hide it.
    const clock = new FakeClock();
    const root = join(await tempDir(), 'store');
    await mkdir(root);
    const source = new FakeSource();
    const { client, rec } = openSyncer(
      root,
      { ...pathKeys, resyncIntervalMs: 0, watchSource: source },
      { clock },
    );
    await rec.waitForStatus(SyncStatus.InSync);
    await client.create({ key: new PathKey('/lease/holder'), value: { who: 'me' }, ttl: 1000 });
    // The file must look old enough for its stat signature to be trusted: the fake clock moves
    // the wall clock that file times are compared with, so nothing waits in real time.
    clock.advance(RACY_MARGIN_MS + 20);
    source.emit('lease', 'dir');
    clock.advance(50);
    await rec.waitForUpdate('/lease/holder', (u) => u.updateType === UpdateType.KVNew);
    clock.advance(1001);
    source.emit('lease', 'dir');
    clock.advance(50);
    await rec.waitForUpdate('/lease/holder', (u) => u.updateType === UpdateType.KVDeleted);
    expect(rec.violations).toEqual([]);
  });

  it('closes the watch handle on stop', async () => {
    const { syncer, source } = await started();
    await syncer.stop();
    expect(source.closed).toBe(1);
  });
});
