/**
 * For the mirror's tests: directories written from a table of files, real `git`, mirrors that
 * are closed after each test with every event they told, and the comparison the issue asks
 * for: etcd's keys below a prefix, decoded, equal the directory's keys.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { EtcdBackend } from '../../src/backends/etcd/index.js';
import type { Client, KVPairWithValue } from '../../src/index.js';
import { FileBackend, PathListOptions, keyFromPath } from '../../src/index.js';
import type { Mirror, MirrorEvent, MirrorOptions } from '../../src/mirror/index.js';
import { mirror } from '../../src/mirror/index.js';

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  // Mirrors first (they use the clients), then the clients.
  for (const item of opened.splice(0).reverse()) await item.close();
});

/** Writes each file (`a/b.yaml` -> text) below `dir`; `undefined` removes it. */
export function writeFiles(dir: string, files: Record<string, string | undefined>): void {
  for (const [relative, text] of Object.entries(files)) {
    const file = join(dir, relative);
    if (text === undefined) rmSync(file, { force: true });
    else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  }
}

/** `count` files `<dir>/<i>.yaml` with small values, as a table for writeFiles. */
export function manyFiles(dir: string, count: number, value = (i: number) => `n: ${i}\n`) {
  const width = String(count - 1).length;
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `${dir}/${String(i).padStart(width, '0')}.yaml`,
      value(i),
    ]),
  );
}

/** Runs git in `dir`, quietly, as a fixed author; returns its stdout. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=kvdir', '-c', 'user.email=kvdir@test', ...args], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A FileBackend on `dir` (closed after the test). */
export function directory(dir: string): FileBackend {
  const client = new FileBackend({ root: dir, fsync: false });
  opened.push(client);
  return client;
}

export interface Running {
  mirror: Mirror;
  events: MirrorEvent[];
  /** Resolves with the first event (since `from`) that matches. */
  event(
    match: (event: MirrorEvent) => boolean,
    from?: number,
    timeoutMs?: number,
  ): Promise<MirrorEvent>;
}

/** Starts a mirror (closed after the test) that records its events. */
export function startMirror(
  source: Client,
  target: EtcdBackend,
  options: MirrorOptions = {},
): Running {
  const events: MirrorEvent[] = [];
  const running = mirror(source, target, {
    lockTtlSeconds: 2,
    syncerOptions: { quietWindowMs: 20, maxDelayMs: 200 },
    ...options,
    onEvent: (event) => events.push(event),
  });
  opened.push(running);
  return {
    mirror: running,
    events,
    event: async (match, from = 0, timeoutMs = 20_000) => {
      let found: MirrorEvent | undefined;
      await waitFor(
        () => (found = events.slice(from).find(match)) !== undefined,
        'a mirror event',
        timeoutMs,
        () => JSON.stringify(events.slice(-10)),
      );
      return found!;
    },
  };
}

/** Polls until `predicate` holds (never a fixed sleep); fails after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
  describe: () => string | Promise<string> = () => '',
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${await describe()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every key at or below `prefix` with its value, path -> value (keys parsed as the CLI does). */
export async function picture(client: Client, prefix: string): Promise<Record<string, unknown>> {
  const paths = new PathListOptions({ prefix });
  const pairs = (await client.list({
    defaultPathRoot: () => paths.defaultPathRoot(),
    keyFromDefaultPath: (path) =>
      paths.keyFromDefaultPath(path) === null ? null : keyFromPath(path),
  })) as KVPairWithValue[];
  return Object.fromEntries(pairs.map((pair) => [pair.key.defaultPath(), pair.value]));
}

/** Waits until etcd's keys below `prefix` equal the directory's, values decoded. */
export async function converged(dir: Client, etcd: EtcdBackend, prefix = '/', timeoutMs = 20_000) {
  let last: { dir: Record<string, unknown>; etcd: Record<string, unknown> } = { dir: {}, etcd: {} };
  await waitFor(
    async () => {
      last = { dir: await picture(dir, prefix), etcd: await picture(etcd, prefix) };
      return JSON.stringify(last.dir) === JSON.stringify(last.etcd);
    },
    `etcd below ${prefix} to equal the directory`,
    timeoutMs,
    () => JSON.stringify(last).slice(0, 2000),
  );
  expect(last.etcd).toEqual(last.dir);
  return last.dir;
}
