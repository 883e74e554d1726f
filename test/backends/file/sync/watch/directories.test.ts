/**
 * The directory watcher (one fs.watch per directory) on real directories: what it reports,
 * which directories it watches as the tree changes under it, and how it fails. "Nothing was
 * reported" is shown without sleeping: a sentinel file is written after the change, and the
 * kernel delivers the events of one watcher instance in order, so once the sentinel's event
 * has arrived, any event of the change would have arrived before it.
 */
import { watch as fsWatch, mkdirSync, rmSync } from 'node:fs';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dirWatchSource,
  directoryWatchSource,
} from '../../../../../src/backends/file/sync/watch/directories.js';
import type {
  DirectoryWatchHandle,
  WatchOne,
} from '../../../../../src/backends/file/sync/watch/directories.js';
import type { EventKind } from '../../../../../src/backends/file/sync/watch/port.js';
import { tempDir } from '../../../../helpers/temp-dir.js';

class Events {
  readonly seen: Array<{ path: string; kind: EventKind }> = [];
  readonly errors: Error[] = [];
  onChange = (path: string, kind: EventKind): void => void this.seen.push({ path, kind });
  onError = (error: Error): void => void this.errors.push(error);

  paths(): string[] {
    return this.seen.map((event) => event.path);
  }

  /** The kind of the first event for `path` at index `from` or later, once there is one. */
  async waitFor(path: string, from = 0): Promise<EventKind> {
    const find = () => this.seen.slice(from).find((event) => event.path === path);
    await until(() => find() !== undefined, `an event for ${path}`);
    return find()!.kind;
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const handles: DirectoryWatchHandle[] = [];

async function watching(source = dirWatchSource): Promise<{
  root: string;
  events: Events;
  handle: DirectoryWatchHandle;
  sentinel: () => Promise<void>;
}> {
  const root = join(await tempDir(), 'root');
  await mkdir(root);
  const events = new Events();
  const handle = await source.watch(root, events);
  handles.push(handle);
  let n = 0;
  const sentinel = async (): Promise<void> => {
    const path = join(root, `sentinel-${n++}.yaml`);
    await writeFile(path, 'x: 1\n');
    await events.waitFor(path);
  };
  return { root, events, handle, sentinel };
}

describe('directory watcher (one fs.watch per directory)', () => {
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((handle) => handle.close()));
  });

  // Changed with issue 19: `a` holds only `b` below the watched root, so it is polled, not
  // watched (its parent sees it come and go, `b`'s watch reports b's removal or move).
  it('covers every directory of an existing tree, but not dot-directories or links; one that holds only one subdirectory is polled', async () => {
    const base = join(await tempDir(), 'root');
    await mkdir(join(base, 'a', 'b', 'c'), { recursive: true });
    await mkdir(join(base, 'd'));
    await mkdir(join(base, '.git', 'objects'), { recursive: true });
    await mkdir(join(base, '.kvdir-locks'));
    await symlink(join(base, 'a'), join(base, 'link'), 'dir');
    const handle = await dirWatchSource.watch(base, new Events());
    handles.push(handle);
    expect(handle.directories()).toEqual([
      base,
      join(base, 'a', 'b'),
      join(base, 'a', 'b', 'c'),
      join(base, 'd'),
    ]);
    expect(handle.polled()).toEqual([join(base, 'a')]);
  });

  it('reports value files and sidecars, and no dotfile, temp file or anything inside a dot-directory', async () => {
    const { root, events, sentinel } = await watching();
    await mkdir(join(root, '.git'));
    await writeFile(join(root, '.git', 'HEAD.yaml'), 'x: 1\n');
    await writeFile(join(root, '.hidden.yaml'), 'x: 1\n');
    await writeFile(join(root, '.kvdir-k.yaml.tmp-1-2'), 'x: 1\n');
    await writeFile(join(root, 'k.yaml'), 'x: 1\n');
    await writeFile(join(root, '.kvdir-k.yaml.rev'), 'i: 1\n');
    await writeFile(join(root, 'notes.txt'), 'hello\n');
    await sentinel();
    const reported = new Map(events.seen.map((event) => [event.path, event.kind]));
    expect(reported.get(join(root, 'k.yaml'))).toBe('file');
    expect(reported.get(join(root, '.kvdir-k.yaml.rev'))).toBe('file');
    expect(reported.get(join(root, 'notes.txt'))).toBe('file');
    expect(
      [...reported.keys()].filter(
        (path) => path.includes('/.') && !path.endsWith('.kvdir-k.yaml.rev'),
      ),
    ).toEqual([]);
  });

  it('reports a new link as unknown (not as a file, which the syncer would ignore without a .yaml name)', async () => {
    const { root, events } = await watching();
    await symlink(await tempDir(), join(root, 'link'), 'dir');
    expect(await events.waitFor(join(root, 'link'))).toBe('unknown');
  });

  it('covers a directory made after it started, with those made inside it at once (mkdir -p), before reporting it', async () => {
    const { root, events, handle } = await watching();
    await mkdir(join(root, 'a', 'b', 'c'), { recursive: true });
    expect(await events.waitFor(join(root, 'a'))).toBe('dir');
    // The new directory itself is covered when its event is reported: watched, or polled when
    // `b` was in it by then and it held only that (issue 19); those below it right after.
    expect([...handle.directories(), ...handle.polled()]).toContain(join(root, 'a'));
    await until(() => handle.directories().includes(join(root, 'a', 'b', 'c')), 'a/b/c watched');
    await writeFile(join(root, 'a', 'b', 'c', 'k.yaml'), 'x: 1\n');
    expect(await events.waitFor(join(root, 'a', 'b', 'c', 'k.yaml'))).toBe('file');
  });

  it('stops watching a directory moved out of the tree: what happens to it there is not reported under its old name', async () => {
    const { root, events, handle, sentinel } = await watching();
    const outside = join(await tempDir(), 'parked');
    await mkdir(join(root, 'd', 'e'), { recursive: true });
    await until(() => handle.directories().includes(join(root, 'd', 'e')), 'd/e watched');
    await sentinel();
    const mark = events.seen.length;
    await rename(join(root, 'd'), outside);
    expect(await events.waitFor(join(root, 'd'), mark)).toBe('dir');
    expect(handle.directories()).toEqual([root]);
    await writeFile(join(outside, 'x.yaml'), 'x: 1\n');
    await writeFile(join(outside, 'e', 'y.yaml'), 'y: 1\n');
    await sentinel();
    expect(
      events
        .paths()
        .slice(mark)
        .filter((path) => path.startsWith(join(root, 'd') + '/')),
    ).toEqual([]);
  });

  it('watches a directory replaced under its name (another renamed over it) anew', async () => {
    const { root, events, handle } = await watching();
    const other = join(await tempDir(), 'other');
    await mkdir(join(root, 'd'));
    await mkdir(join(other, 'sub'), { recursive: true });
    await until(() => handle.directories().includes(join(root, 'd')), 'd watched');
    await rename(other, join(root, 'd'));
    await until(
      () => handle.directories().includes(join(root, 'd', 'sub')),
      'the new d/sub watched',
    );
    await writeFile(join(root, 'd', 'sub', 'k.yaml'), 'x: 1\n');
    expect(await events.waitFor(join(root, 'd', 'sub', 'k.yaml'))).toBe('file');
  });

  it('watches a directory removed and made again under the same name (ext4 gives it the same inode)', async () => {
    const { root, events, handle, sentinel } = await watching();
    await mkdir(join(root, 'd'));
    await until(() => handle.directories().includes(join(root, 'd')), 'd watched');
    // In one go, before any event is handled: the new directory gets the old one's inode number.
    rmSync(join(root, 'd'), { recursive: true });
    mkdirSync(join(root, 'd'));
    // Once the root's later event has arrived, the one that made d again has been handled.
    await sentinel();
    await writeFile(join(root, 'd', 'k.yaml'), 'x: 1\n');
    expect(await events.waitFor(join(root, 'd', 'k.yaml'))).toBe('file');
  });

  // Changed with issue 19: a new directory is covered with everything inside it (synchronously)
  // before its first report, so there is no second report to wait for.
  it('reports a new directory once every directory inside it is covered', async () => {
    const { root, events, handle } = await watching();
    const atReport: Array<{ watched: string[]; polled: string[] }> = [];
    const onChange = events.onChange;
    events.onChange = (path, kind) => {
      if (path === join(root, 'a'))
        atReport.push({ watched: handle.directories(), polled: handle.polled() });
      onChange(path, kind);
    };
    mkdirSync(join(root, 'a', 'b', 'c', 'd'), { recursive: true });
    await until(() => atReport.length >= 1, 'a reported');
    expect(atReport[0]).toEqual({
      watched: [root, join(root, 'a', 'b'), join(root, 'a', 'b', 'c', 'd')],
      polled: [join(root, 'a'), join(root, 'a', 'b', 'c')],
    });
  });

  it('repairs on rescan() what lost events left: a new directory unwatched, a removed one still watched', async () => {
    // Events are dropped, as the kernel drops them when its queue overflows, while `dropping`.
    let dropping = false;
    const dropped: string[] = [];
    const lossy: WatchOne = (dir, options, listener) =>
      fsWatch(dir, options, (event, name) =>
        dropping ? void dropped.push(String(name)) : listener(event, name),
      );
    const { root, events, handle } = await watching(directoryWatchSource(lossy));
    await mkdir(join(root, 'old'));
    await until(() => handle.directories().includes(join(root, 'old')), 'old watched');
    dropping = true;
    await mkdir(join(root, 'late', 'deeper'), { recursive: true });
    await rm(join(root, 'old'), { recursive: true });
    await writeFile(join(root, 'mark.yaml'), 'x: 1\n');
    await until(() => dropped.includes('mark.yaml'), 'the events before mark.yaml dropped');
    dropping = false;
    expect(handle.directories()).toEqual([root, join(root, 'old')]);
    await handle.rescan();
    // `late` holds only `deeper`: polled (issue 19).
    expect(handle.directories()).toEqual([root, join(root, 'late', 'deeper')]);
    expect(handle.polled()).toEqual([join(root, 'late')]);
    await writeFile(join(root, 'late', 'deeper', 'k.yaml'), 'x: 1\n');
    expect(await events.waitFor(join(root, 'late', 'deeper', 'k.yaml'))).toBe('file');
  });

  it('reports the root itself when it is removed', async () => {
    const { root, events } = await watching();
    await rm(root, { recursive: true });
    expect(await events.waitFor(root)).toBe('dir');
  });

  // Changed with issue 19: a directory that cannot be watched is polled alone (with its files),
  // instead of an onError that turned the whole session into polling rescans.
  it('polls a directory whose watch cannot be set up (ENOSPC) alone, and goes on watching the rest', async () => {
    const full: WatchOne = (dir, options, listener) => {
      if (dir.endsWith('/full'))
        throw Object.assign(
          new Error(`ENOSPC: System limit for number of file watchers reached, watch '${dir}'`),
          { code: 'ENOSPC' },
        );
      return fsWatch(dir, options, listener);
    };
    const { root, events, handle, sentinel } = await watching(directoryWatchSource(full));
    await mkdir(join(root, 'full'));
    await mkdir(join(root, 'ok'));
    await until(() => handle.directories().includes(join(root, 'ok')), 'ok watched');
    await until(() => handle.polled().includes(join(root, 'full')), 'full polled');
    expect(handle.coverage()).toMatchObject({ unwatched: 1 });
    await writeFile(join(root, 'ok', 'k.yaml'), 'x: 1\n');
    expect(await events.waitFor(join(root, 'ok', 'k.yaml'))).toBe('file');
    await sentinel();
    const mark = events.seen.length;
    await writeFile(join(root, 'full', 'k.yaml'), 'x: 1\n');
    await until(() => {
      handle.pollNow();
      return events.paths().slice(mark).includes(join(root, 'full'));
    }, 'full reported by the poll');
    expect(events.errors).toEqual([]);
  });

  it('closes every watch on close(), and on an abort while it starts', async () => {
    const { root, handle } = await watching();
    await mkdir(join(root, 'a'));
    await until(() => handle.directories().length === 2, 'a watched');
    await handle.close();
    expect(handle.directories()).toEqual([]);

    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    await expect(dirWatchSource.watch(root, new Events(), controller.signal)).rejects.toThrow(
      'stopped',
    );
  });
});
