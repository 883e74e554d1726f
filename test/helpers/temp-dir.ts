import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { fixturePath } from './paths.js';

const dirs: string[] = [];

/** A fresh temp directory, removed after the test. */
export async function tempDir(prefix = 'kvdir-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A fresh copy of a fixture tree (fixtures/<name>) in a temp directory. */
export async function fixtureCopy(name: string): Promise<string> {
  const dir = await tempDir();
  const root = join(dir, name);
  await cp(fixturePath(name), root, { recursive: true });
  return root;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
