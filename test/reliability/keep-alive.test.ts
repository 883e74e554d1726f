/**
 * A started syncer keeps its process alive in every status until it is stopped (P43): a
 * service whose only work is a syncer waiting for its datastore must not end by itself, and
 * `kvdir watch` runs until a signal whatever happens to the root. Real processes; needs the
 * build.
 */
import { spawn } from 'node:child_process';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { FileBackend } from '../../src/index.js';
import { Child, childScript } from '../helpers/child.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Long enough for a process with nothing keeping it alive to have ended several times over. */
const ALIVE_MS = 1000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a process whose only work is a syncer', () => {
  it.each([
    ['the root does not exist yet', 'missing', ''],
    ['the Ready flag is not set (waitForReady)', 'no-ready', 'wait-for-ready'],
  ])('keeps running while %s, and ends by itself once stopped', async (_, tree, mode) => {
    const dir = await tempDir();
    const root = join(dir, 'root');
    if (tree === 'no-ready') await mkdir(root);
    const child = new Child(childScript('syncer-only.mjs'), [root, mode]);
    child.process.stdin.end();
    await child.line((line) => line === 'status wait-for-ready');
    await pause(ALIVE_MS);
    expect(child.process.exitCode, child.stderr).toBe(null);
    // What it waits for arrives: it goes on, still alive.
    const client = new FileBackend({ root });
    await client.ensureInitialized();
    await client.close();
    await child.line((line) => line === 'status in-sync');
    child.process.kill('SIGUSR2');
    await child.line((line) => line === 'stopped');
    expect(await child.exited).toBe(0);
  });
});

/** `kvdir --root <root> watch` with its lines collected. */
function watch(root: string) {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'kvdir.js'), '--root', root, 'watch'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    child,
    exit,
    stderr: () => stderr,
    /** Waits for a line matching `pattern` printed at or after line number `from`. */
    async line(pattern: RegExp, from = 0): Promise<number> {
      for (;;) {
        const index = lines.findIndex((line, i) => i >= from && pattern.test(line));
        if (index >= 0) return index + 1;
        if (child.exitCode !== null)
          throw new Error(`kvdir watch exited: ${lines.join('\n')}${stderr}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

describe('kvdir watch', () => {
  it('runs until SIGINT whatever happens to the root: missing at start, replaced, removed', async () => {
    const dir = await tempDir();
    const root = join(dir, 'root');
    const w = watch(root);
    let at = await w.line(/^status wait-for-ready$/);
    await pause(ALIVE_MS);
    expect(w.child.exitCode).toBe(null);

    await mkdir(root);
    await writeFile(join(root, 'a.yaml'), 'v: 1\n');
    at = await w.line(/^new \/a /, at);
    at = await w.line(/^status in-sync$/, at);

    // The root replaced by another directory: the syncer starts a new session.
    await rename(root, join(dir, 'old'));
    await mkdir(root);
    await writeFile(join(root, 'b.yaml'), 'v: 2\n');
    at = await w.line(/^new \/b /, at);
    at = await w.line(/^status in-sync$/, at);

    // The root removed: everything is deleted, and it waits for the root to come back.
    await rm(root, { recursive: true });
    at = await w.line(/^deleted \/b$/, at);
    await pause(ALIVE_MS);
    expect(w.child.exitCode).toBe(null);
    await mkdir(root);
    await writeFile(join(root, 'c.yaml'), 'v: 3\n');
    await w.line(/^new \/c /, at);

    w.child.kill('SIGINT');
    expect(await w.exit).toBe(0);
    expect(w.stderr()).toBe('');
  });
});
