import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { COMMAND_NAMES } from '../../src/cli/spec.js';
import { fixtureCopy, tempDir } from '../helpers/temp-dir.js';
import { memoryIO, run } from './memory-io.js';

const pkg = JSON.parse(
  await readFile(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'),
) as { version: string };

describe('kvdir --help and usage errors', () => {
  it('prints the global help on stdout with --help, -h and help', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const result = await run(argv);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^Usage: kvdir \[--root DIR\] \[-o yaml\|json\] <command>/);
      for (const name of COMMAND_NAMES)
        expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
      expect(result.stdout).toContain('3 not found, 4 conflict');
    }
  });

  it.each(COMMAND_NAMES)('%s --help prints the help of the command', async (name) => {
    const result = await run([name, '--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^Usage: kvdir ${name}\\b`));
    expect(result.stdout).toContain('--root DIR');
    expect((await run(['help', name])).stdout).toBe(result.stdout);
  });

  it('documents each command option in its help', async () => {
    expect((await run(['get', '--help'])).stdout).toContain('--show-revision');
    expect((await run(['apply', '--help'])).stdout).toMatch(/-f, --file FILE .*'-' reads stdin/);
    expect((await run(['delete', '--help'])).stdout).toContain('--revision R');
  });

  it('exits 2 for an unknown command, with the global help on stderr', async () => {
    const result = await run(['frob']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^kvdir: unknown command 'frob'\n\nUsage: kvdir \[--root DIR\]/);
  });

  it("exits 2 for an unknown flag, with the command's help on stderr", async () => {
    const result = await run(['list', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^kvdir: unknown option '--bogus'\n\nUsage: kvdir list \[<prefix>\]/,
    );
  });

  it('exits 2 without a command, and for a bad -o or argument count', async () => {
    expect(await run([])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/^kvdir: no command given\n\nUsage: kvdir/),
    });
    expect((await run(['get', '/a', '-o', 'xml'])).code).toBe(2);
    expect((await run(['put', '/a'])).code).toBe(2);
    expect((await run(['init', 'extra'])).code).toBe(2);
  });

  it('prints the version with --version', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});

describe('the root directory', () => {
  it('is --root, resolved against the working directory', async () => {
    const root = await fixtureCopy('calico');
    const result = await run(['--root', 'calico', 'get', '/calico/v1/config/LogSeverityScreen'], {
      cwd: join(root, '..'),
    });
    expect(result).toEqual({ code: 0, stdout: 'Info\n', stderr: '' });
  });

  it('is $KVDIR_ROOT without --root, and the working directory without either', async () => {
    const root = await fixtureCopy('calico');
    const elsewhere = await tempDir();
    expect(
      (
        await run(['get', '/calico/v1/config/LogSeverityScreen'], {
          env: { KVDIR_ROOT: root },
          cwd: elsewhere,
        })
      ).stdout,
    ).toBe('Info\n');
    expect((await run(['get', '/calico/v1/config/LogSeverityScreen'], { cwd: root })).stdout).toBe(
      'Info\n',
    );
    expect(
      (
        await run(['--root', root, 'get', '/calico/v1/config/LogSeverityScreen'], {
          env: { KVDIR_ROOT: elsewhere },
        })
      ).stdout,
    ).toBe('Info\n');
  });
});

describe('kvdir init', () => {
  it('creates the root and sets the Ready flag, and may be run again', async () => {
    const root = join(await tempDir(), 'store');
    expect(await run(['--root', root, 'init'])).toEqual({
      code: 0,
      stdout: `initialized ${root}\n`,
      stderr: '',
    });
    expect(await readFile(join(root, 'calico/v1/Ready.yaml'), 'utf8')).toBe('true\n');
    expect(await run(['--root', root, 'init', '-o', 'json'])).toMatchObject({
      code: 0,
      stdout: `${JSON.stringify({ root, initialized: true }, null, 2)}\n`,
    });
  });
});

describe('an interrupt', () => {
  it('abandons a command other than watch with exit code 130', async () => {
    const root = await fixtureCopy('calico');
    const stop = new AbortController();
    // `-f -` waits on stdin that never ends; the interrupt must end the command anyway.
    const never: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => {}) }),
    };
    const io = { ...memoryIO(), stdin: never, signal: stop.signal };
    const exit = main(['--root', root, 'apply', '/a', '-f', '-'], io);
    stop.abort();
    expect(await exit).toBe(130);
    expect(io.stdout.text).toBe('');
  });
});
