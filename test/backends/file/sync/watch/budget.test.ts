/**
 * The directory watcher's watch budget (issue 19) on Calico's deep layout: a directory that
 * holds only one subdirectory is polled instead of watched, the watches stop at a budget or at
 * the kernel's ENOSPC, and what has no watch is polled alone (never the whole tree) while every
 * change is still reported. Polls are driven with `pollNow()`, never waited for.
 */
import { watch as fsWatch } from 'node:fs';
import { mkdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { directoryWatchSource } from '../../../../../src/backends/file/sync/watch/directories.js';
import type {
  DirectoryWatchHandle,
  DirectoryWatchSource,
  WatchOne,
} from '../../../../../src/backends/file/sync/watch/directories.js';
import { tempDir } from '../../../../helpers/temp-dir.js';

const handles: DirectoryWatchHandle[] = [];

afterEach(async () => {
  await Promise.all(handles.splice(0).map((handle) => handle.close()));
});

/** `hosts` hosts of `per` endpoints each, as Calico lays them out; returns every directory. */
async function calicoTree(root: string, hosts: number, per: number): Promise<string[]> {
  const dirs = new Set<string>([root]);
  for (let h = 0; h < hosts; h++) {
    for (let w = 0; w < per; w++) {
      const parts = ['calico', 'v1', 'host', `h${h}`, 'workload', 'k8s', `w${h}-${w}`, 'endpoint'];
      await mkdir(join(root, ...parts), { recursive: true });
      await writeFile(join(root, ...parts, 'eth0.yaml'), `name: w${h}-${w}\n`);
      for (let i = 1; i <= parts.length; i++) dirs.add(join(root, ...parts.slice(0, i)));
    }
  }
  return [...dirs].sort();
}

class Seen {
  readonly paths: string[] = [];
  readonly errors: Error[] = [];
  onChange = (path: string): void => void this.paths.push(path);
  onError = (error: Error): void => void this.errors.push(error);
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits until `path` is reported, polling the unwatched directories at each step when `poll`. */
async function reported(
  seen: Seen,
  handle: DirectoryWatchHandle,
  path: string,
  from: number,
  poll: boolean,
): Promise<void> {
  await until(() => {
    if (poll) handle.pollNow();
    return seen.paths.slice(from).includes(path);
  }, `a report of ${path}`);
}

async function start(source: DirectoryWatchSource, hosts: number, per: number) {
  const root = join(await tempDir(), 'root');
  const dirs = await calicoTree(root, hosts, per);
  const seen = new Seen();
  const handle = await source.watch(root, seen);
  handles.push(handle);
  return { root, dirs, seen, handle };
}

const k8s = (root: string, h: number): string =>
  join(root, 'calico', 'v1', 'host', `h${h}`, 'workload', 'k8s');

describe('the directory watcher on the deep layout', () => {
  it('leaves a directory that holds only one subdirectory below a watched one to the poll: about half the watches', async () => {
    const { root, dirs, handle } = await start(directoryWatchSource(fsWatch), 2, 5);
    const polled = handle.polled();
    // Every workload directory (only endpoint/), every host (only workload/); `calico` holds
    // only `v1` below the watched root, and `v1` only `host` below a polled one: watched.
    expect(polled).toEqual(dirs.filter((dir) => /\/(w\d+-\d+|h\d+|calico)$/.test(dir)));
    expect(handle.directories()).toEqual(dirs.filter((dir) => !polled.includes(dir)));
    expect(handle.coverage()).toMatchObject({ watches: dirs.length - polled.length, unwatched: 0 });
    expect(handle.coverage().oneSubdirectory).toBe(polled.length);
  });

  it('reports a new entry beside the only subdirectory at the next poll, and a removed or moved child at once', async () => {
    const { root, seen, handle } = await start(directoryWatchSource(fsWatch), 1, 2);
    const workload = join(k8s(root, 0), 'w0-0');
    let mark = seen.paths.length;
    await writeFile(join(workload, 'other.yaml'), 'x: 1\n');
    await reported(seen, handle, workload, mark, true);
    // It now holds two entries: watched from then on, so the next change is an event.
    expect(handle.directories()).toContain(workload);
    mark = seen.paths.length;
    await writeFile(join(workload, 'third.yaml'), 'x: 1\n');
    await reported(seen, handle, join(workload, 'third.yaml'), mark, false);

    const other = join(k8s(root, 0), 'w0-1');
    mark = seen.paths.length;
    await rm(join(other, 'endpoint'), { recursive: true });
    // endpoint/'s own watch saw itself go; its parent, which no watch covered, is looked at again.
    await reported(seen, handle, join(other, 'endpoint'), mark, false);
    await reported(seen, handle, other, mark, false);
    expect(handle.directories()).toContain(other);
    mark = seen.paths.length;
    await writeFile(join(other, 'new.yaml'), 'x: 1\n');
    await reported(seen, handle, join(other, 'new.yaml'), mark, false);
  });

  it('keeps to its budget and polls only what it could not watch, with its files: every change is still reported', async () => {
    const budget = 6;
    const { root, dirs, seen, handle } = await start(
      directoryWatchSource(fsWatch, { maxWatches: budget }),
      2,
      4,
    );
    expect(handle.coverage()).toMatchObject({ watches: budget, budget });
    expect(handle.directories()).toHaveLength(budget);
    // Covered once each, by a watch or a poll: never anything else polled.
    expect([...handle.directories(), ...handle.polled()].sort()).toEqual(dirs);
    const unwatched = handle.coverage().unwatched;
    expect(unwatched).toBeGreaterThan(0);

    const endpoints = dirs.filter((dir) => dir.endsWith('/endpoint'));
    const polledEndpoint = endpoints.find((dir) => handle.polled().includes(dir));
    expect(polledEndpoint).toBeDefined();
    const file = join(polledEndpoint!, 'eth0.yaml');
    // A same-size rewrite in place with the mtime put back (touch -r): only ctime tells.
    const before = await stat(file);
    let mark = seen.paths.length;
    await writeFile(file, 'name: XXXXXX\n'.slice(0, before.size));
    await utimes(file, before.atime, before.mtime);
    await reported(seen, handle, file, mark, true);
    mark = seen.paths.length;
    await writeFile(join(polledEndpoint!, 'eth1.yaml'), 'x: 1\n');
    await reported(seen, handle, polledEndpoint!, mark, true);
    expect(seen.errors).toEqual([]);
  });

  it('polls alone each directory past an ENOSPC from the kernel, and reports their changes', async () => {
    let left = 9;
    const limited: WatchOne = (dir, options, listener) => {
      if (left-- <= 0)
        throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
          code: 'ENOSPC',
        });
      return fsWatch(dir, options, listener);
    };
    const { dirs, seen, handle } = await start(directoryWatchSource(limited), 3, 3);
    expect(handle.directories()).toHaveLength(9);
    expect([...handle.directories(), ...handle.polled()].sort()).toEqual(dirs);
    for (const dir of dirs.filter((d) => d.endsWith('/endpoint'))) {
      const mark = seen.paths.length;
      const file = join(dir, 'eth0.yaml');
      await writeFile(file, 'name: changed\n');
      const watched = handle.directories().includes(dir);
      await reported(seen, handle, watched ? file : file, mark, !watched);
    }
    expect(seen.errors).toEqual([]);
  });

  it('lazy: covers only the root until a walk lists directories through it, and their parents always by a watch', async () => {
    const root = join(await tempDir(), 'root');
    const dirs = await calicoTree(root, 1, 2);
    const handle = await directoryWatchSource(fsWatch).watch(root, new Seen(), undefined, {
      lazy: true,
    });
    handles.push(handle);
    expect(handle.directories()).toEqual([root]);
    const workload = join(k8s(root, 0), 'w0-0');
    const names = handle.list(workload)?.entries.map((entry) => String(entry.name));
    expect(names).toEqual(['endpoint']);
    // Every directory above it is watched (a walk will not list their other entries); itself,
    // holding one subdirectory that the walk lists next, is polled.
    expect(handle.directories()).toEqual(dirs.filter((dir) => workload.startsWith(`${dir}/`)));
    expect(handle.polled()).toEqual([workload]);
    expect(handle.list(join(root, 'missing', 'deeper'))).toBeUndefined();
  });
});
