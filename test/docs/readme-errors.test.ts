/**
 * The README's tables of errors say what the code prints: each message in "## Errors" is the
 * message of that error as kvdir makes it (`<...>` and `...` stand for any text), and the exit
 * codes of "## Command line" are exactly those of exit-codes.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import type { KvdirError } from '../../src/index.js';
import { FileBackend, OperationNotSupportedError, PathKey, PolicyKey } from '../../src/index.js';
import { faultyFs } from '../helpers/faulty-fs.js';
import { run } from '../cli/memory-io.js';
import { fixtureCopy, tempDir } from '../helpers/temp-dir.js';

const readme = readFile(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

/** The rows of the first table after `heading`, as arrays of cells. */
async function tableAfter(heading: string): Promise<string[][]> {
  const text = await readme;
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no heading ${heading}`);
  const lines = text.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

/** A README message as a pattern: `<file>`, `<op>`, `...` stand for any text. */
function pattern(shown: string): RegExp {
  const parts = shown.split(/<[^>]+>|\.\.\./);
  return new RegExp(
    `^${parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`,
  );
}

async function rejection(promise: Promise<unknown>): Promise<KvdirError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: KvdirError) => err,
  );
}

/** Each error of the table, made the way kvdir makes it. */
async function produced(): Promise<Map<string, KvdirError>> {
  const policy = new PolicyKey({ name: 'p' });
  const value = { order: 1, selector: 'all()' };
  const client = new FileBackend({ root: join(await tempDir(), 'store'), fsync: false });
  const made = new Map<string, KvdirError>();
  const keep = (error: KvdirError) => made.set(error.constructor.name, error);
  keep(await rejection(client.get(policy)));
  const { revision } = await client.create({ key: policy, value });
  keep(await rejection(client.create({ key: policy, value })));
  await client.update({ key: policy, value: { ...value, order: 2 } });
  keep(await rejection(client.update({ key: policy, value, revision })));
  keep(await rejection(Promise.resolve().then(() => new PolicyKey({ name: '' }).defaultPath())));
  keep(new OperationNotSupportedError('watch', policy));
  keep(await rejection(Promise.resolve().then(() => new PathKey('/a//b'))));
  await client.close();

  const { fs, vol, faults } = faultyFs();
  const faulty = new FileBackend({ root: '/store', fs });
  await faulty.create({ key: policy, value });
  faults.push({ op: 'write', code: 'ENOSPC' });
  keep(await rejection(faulty.update({ key: policy, value: { ...value, order: 3 } })));
  faults.length = 0;
  vol.writeFileSync('/store/calico/v1/policy/tier/default/policy/p.yaml', 'order: [\n');
  keep(await rejection(faulty.get(policy)));
  await faulty.close();
  return made;
}

describe('the README', () => {
  it("shows in its errors table the messages kvdir's errors have", async () => {
    const rows = await tableAfter('## Errors');
    const made = await produced();
    expect(rows.map(([name]) => (name ?? '').replace(/`/g, '')).sort()).toEqual(
      [...made.keys()].sort(),
    );
    for (const [name, code, message] of rows) {
      const error = made.get((name ?? '').replace(/`/g, ''));
      expect(error, name).toBeDefined();
      expect(`\`${error?.code}\``).toBe(code);
      expect(error?.message).toMatch(pattern((message ?? '').replace(/^`|`(?: \(.*\))?$/g, '')));
    }
  });

  it('lists every exit code of the command line, and no other', async () => {
    const rows = await tableAfter('## Command line');
    expect(rows.map(([code]) => Number(code))).toEqual(
      [...new Set(Object.values(ExitCode))].sort((a, b) => a - b),
    );
  });

  it("quotes the command line's own messages as it prints them", async () => {
    const text = await readme;
    const root = await fixtureCopy('calico');
    const refused = await run(['--root', root, 'delete', '/calico/v1/host/node-3']);
    expect(refused.code).toBe(2);
    expect(text).toContain(`\n${refused.stderr}`);
    const directory = await run(['--root', root, 'get', '/calico/v1/config']);
    expect(text.replace(/\n/g, ' ')).toContain(`\`${directory.stderr.trim()}\``);
    const typo = await run(['lst']);
    expect(text).toContain(`\`${typo.stderr.split('\n')[0]}\``);
  });
});
