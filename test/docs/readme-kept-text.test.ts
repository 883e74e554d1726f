/**
 * The README's "What writes keep" example, run as written: its first YAML block is written as a
 * hand-made file, its JS block runs against it, and the file must then read as its second YAML
 * block, byte for byte.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileBackend, PolicyKey } from '../../src/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const repo = resolve(import.meta.dirname, '..', '..');

/** The fenced blocks of the section under `heading`, in order, with their language. */
function blocks(readme: string, heading: string): Array<{ lang: string; code: string }> {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no heading ${heading}`);
  const end = readme.indexOf('\n### ', start + heading.length + 2);
  const section = readme.slice(start, end);
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1] ?? '',
    code: m[2] ?? '',
  }));
}

type Example = (client: FileBackend, key: PolicyKey) => Promise<void>;

describe('the README', () => {
  it('shows what an update keeps, as kvdir does it', async () => {
    const readme = await readFile(join(repo, 'README.md'), 'utf8');
    const [before, code, after] = blocks(readme, '### What writes keep');
    expect([before?.lang, code?.lang, after?.lang]).toEqual(['yaml', 'js', 'yaml']);

    const root = await tempDir();
    const key = new PolicyKey({ name: 'web' });
    const file = join(root, `${key.defaultPath()}.yaml`);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, before!.code);
    const client = new FileBackend({ root, fsync: false });
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
      ...args: string[]
    ) => Example;
    await new AsyncFunction('client', 'key', code!.code)(client, key);
    await client.close();
    expect(await readFile(file, 'utf8')).toBe(after!.code);
  });
});
