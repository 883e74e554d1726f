/**
 * Input to write commands is untrusted like a value file: endless or huge input is cut off at
 * the size limit (P24), invalid UTF-8 and hostile YAML are refused as a file would be, and
 * input with no value at all never stores null (newcomer finding 8). In-process, and through
 * the real bin where the process itself matters (memory, /dev/zero).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runNode } from '../helpers/child.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';
import { MemoryOutput, run } from './memory-io.js';

const BIN = join(REPO, 'bin', 'kvdir.js');
const MiB = 1024 * 1024;

let root: string;
beforeEach(async () => {
  root = await tempDir();
});

/** `kvdir <argv>` in-process with `stdin` as the given stream. */
async function withStdin(argv: string[], stdin: AsyncIterable<Uint8Array>) {
  const stdout = new MemoryOutput();
  const stderr = new MemoryOutput();
  const code = await main(['--root', root, ...argv], { stdin, stdout, stderr, env: {} });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A stream that never ends; says how many bytes were taken from it. */
function endless(): { stream: Readable; taken: () => number } {
  let taken = 0;
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const stream = new Readable({
    read() {
      taken += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, taken: () => taken };
}

describe('input size (P24)', () => {
  it('endless stdin is cut off just past maxValueBytes: exit 8, nothing written', async () => {
    const input = endless();
    const result = await withStdin(['create', '/zero', '-f', '-'], input.stream);
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('input over the limit of 4194304 bytes (maxValueBytes)');
    expect(input.taken()).toBeLessThan(4 * MiB + 2 * 64 * 1024);
    expect((await run(['--root', root, 'list'])).stdout).toBe('');
  });

  it('through the real bin: create -f - < /dev/zero and -f /dev/zero exit 8 at once', async () => {
    const zero = await runNode(BIN, ['--root', root, 'create', '/zero', '-f', '/dev/zero'], {
      timeoutMs: 30_000,
    });
    expect(zero).toMatchObject({ timedOut: false, code: 8 });
    expect(zero.stderr).toContain('over the limit');
    const big = 'x'.repeat(5 * MiB);
    const piped = await runNode(BIN, ['--root', root, 'create', '/big', '-f', '-'], {
      timeoutMs: 30_000,
      input: big,
    });
    expect(piped).toMatchObject({ timedOut: false, code: 8 });
    expect(piped.stderr).not.toContain('internal error');
  });
});

describe('input decoding', () => {
  it('invalid UTF-8 on stdin is a parse error (exit 6), as in a value file, and stores nothing', async () => {
    const bytes = Buffer.concat([Buffer.from('name: "a'), Buffer.from([0xff]), Buffer.from('"\n')]);
    const result = await withStdin(['create', '/bad', '-f', '-'], Readable.from([bytes]));
    expect(result).toMatchObject({ code: 6 });
    expect(result.stderr).toContain('<stdin>: not a text file: invalid UTF-8');
    expect((await run(['--root', root, 'list'])).stdout).toBe('');
  });

  it('input nested past the limit is a parse error with its position, not a crash', async () => {
    const deep = `v: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    for (let i = 0; i < 2; i++) {
      const result = await run(['--root', root, 'apply', '/deep', '-f', '-'], { stdin: deep });
      expect(result).toMatchObject({ code: 6 });
      expect(result.stderr).toContain('<stdin>:1:131: nested deeper than 128 levels');
    }
  });
});

describe('input with no value (newcomer finding 8)', () => {
  it.each([
    ['empty stdin', ''],
    ['only a comment', '# only a comment\n'],
    ['only blank lines', '\n\n  \n'],
  ])('%s is refused with exit 6 and the key keeps its value', async (_what, stdin) => {
    expect((await run(['--root', root, 'put', '/apps/copy', 'v: 1'])).code).toBe(0);
    const before = await readFile(join(root, 'apps', 'copy.yaml'), 'utf8');
    const result = await run(['--root', root, 'apply', '/apps/copy', '-f', '-'], { stdin });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('<stdin>: no value');
    expect(await readFile(join(root, 'apps', 'copy.yaml'), 'utf8')).toBe(before);
  });

  it('an empty file and an empty put argument are refused too; null is stored only when written', async () => {
    await writeFile(join(root, '..', 'empty.yaml'), '');
    const file = await run(['--root', root, 'create', '/a', '-f', join(root, '..', 'empty.yaml')]);
    expect(file.code).toBe(6);
    expect((await run(['--root', root, 'put', '/a', ''])).code).toBe(6);
    expect((await run(['--root', root, 'list'])).stdout).toBe('');
    expect((await run(['--root', root, 'put', '/a', 'null'])).code).toBe(0);
    expect((await run(['--root', root, 'get', '/a'])).stdout).toBe('null\n');
  });

  it('an empty put argument for a raw key is the empty string, typed on purpose; from stdin it is refused', async () => {
    expect((await run(['--root', root, 'put', '/calico/v1/config/Empty', ''])).code).toBe(0);
    expect(
      (await run(['--root', root, 'get', '/calico/v1/config/Empty', '-o', 'json'])).stdout,
    ).toBe('""\n');
    const piped = await run(['--root', root, 'apply', '/calico/v1/config/Empty', '-f', '-'], {
      stdin: '',
    });
    expect(piped.code).toBe(6);
  });

  it('through the real bin: a failed first stage of a pipeline does not overwrite the key', async () => {
    expect((await run(['--root', root, 'put', '/apps/copy', 'v: 1'])).code).toBe(0);
    const result = await runNode(BIN, ['--root', root, 'apply', '/apps/copy', '-f', '-'], {
      timeoutMs: 30_000,
      input: '',
    });
    expect(result).toMatchObject({ timedOut: false, code: 6 });
    expect((await run(['--root', root, 'get', '/apps/copy', '-o', 'json'])).stdout).toBe(
      '{\n  "v": 1\n}\n',
    );
  });
});
