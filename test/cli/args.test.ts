import { describe, expect, it } from 'vitest';
import { parseInvocation } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/errors.js';

function runOf(argv: string[]) {
  const invocation = parseInvocation(argv);
  if (invocation.kind !== 'run') throw new Error(`expected a command, got ${invocation.kind}`);
  return {
    command: invocation.command.name,
    positionals: invocation.positionals,
    values: invocation.values,
    output: invocation.output,
  };
}

function usageError(argv: string[]): UsageError {
  try {
    parseInvocation(argv);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseInvocation', () => {
  it.each([
    [['get', '/a'], 'get', ['/a']],
    [['--root', 'dir', 'get', '/a'], 'get', ['/a']],
    [['get', '/a', '--root', 'dir'], 'get', ['/a']],
    [['-o', 'json', 'list'], 'list', []],
    [['put', '/a', '--', '-1'], 'put', ['/a', '-1']],
    [['--root', 'get', 'list'], 'list', []],
  ])('finds the command in %j', (argv, command, positionals) => {
    const parsed = runOf(argv);
    expect(parsed.command).toBe(command);
    expect(parsed.positionals).toEqual(positionals);
  });

  it('takes global options before and after the command', () => {
    expect(runOf(['--root', '/r', 'get', '/a', '-o', 'json']).values.root).toBe('/r');
    expect(runOf(['--root', '/r', 'get', '/a', '-o', 'json']).output).toBe('json');
    expect(runOf(['get', '/a', '--root=/s']).values.root).toBe('/s');
  });

  it('takes an option value that starts with a dash (revisions can)', () => {
    expect(runOf(['put', '/a', 'v', '--revision', '-k0nw.1']).values.revision).toBe('-k0nw.1');
    expect(runOf(['delete', '/a', '--revision=-x.2']).values.revision).toBe('-x.2');
    expect(runOf(['apply', '/a', '-f', '-']).values.file).toBe('-');
  });

  it('takes -o raw for get and -o wide for list, apart from the machine formats', () => {
    const raw = parseInvocation(['get', '/a', '-o', 'raw']);
    expect(raw).toMatchObject({ kind: 'run', output: undefined, style: 'raw' });
    expect(parseInvocation(['list', '-o', 'wide'])).toMatchObject({
      output: undefined,
      style: 'wide',
    });
    expect(parseInvocation(['list', '-o', 'json'])).toMatchObject({
      output: 'json',
      style: undefined,
    });
  });

  it('takes several paths for get, and -r for --prefix', () => {
    expect(runOf(['get', '/a', '/b', '/c']).positionals).toEqual(['/a', '/b', '/c']);
    expect(runOf(['delete', '-r', '/a']).values.prefix).toBe(true);
    expect(runOf(['get', '/a', '--prefix']).values.prefix).toBe(true);
  });

  it('reads command options', () => {
    expect(runOf(['get', '/a', '--show-revision']).values['show-revision']).toBe(true);
    expect(runOf(['create', '/a', '-f', 'v.yaml']).values.file).toBe('v.yaml');
  });

  it.each([
    [['--help'], undefined],
    [['-h'], undefined],
    [['help'], undefined],
    [['help', 'watch'], 'watch'],
    [['get', '--help'], 'get'],
    [['delete', '-h'], 'delete'],
    [['put', '--help', 'extra', 'args', 'ignored'], 'put'],
  ])('%j asks for help', (argv, command) => {
    expect(parseInvocation(argv)).toEqual({ kind: 'help', command });
  });

  it('--version anywhere asks for the version', () => {
    expect(parseInvocation(['--version'])).toEqual({ kind: 'version' });
    expect(parseInvocation(['list', '--version'])).toEqual({ kind: 'version' });
  });

  it.each([
    [[], /no command/, undefined],
    [['frob'], /unknown command 'frob'/, undefined],
    [['help', 'frob'], /unknown command 'frob'/, undefined],
    [['--bogus'], /unknown option '--bogus'/, undefined],
    [['get', '/a', '--bogus'], /unknown option '--bogus'/, 'get'],
    [['get', '/a', '-f', 'x'], /unknown option '-f'/, 'get'],
    [['list', '--show-revision'], /unknown option '--show-revision'/, 'list'],
    [['get'], /missing argument/, 'get'],
    [['list', '/a', '/b'], /unexpected argument '\/b'/, 'list'],
    [['put', '/a'], /missing argument/, 'put'],
    [['init', 'x'], /unexpected argument 'x'/, 'init'],
    [['list', '-o', 'xml'], /unknown output format 'xml'/, 'list'],
    [
      ['list', '-o', 'raw'],
      /^list: unknown output format 'raw' \(raw is for get\): use yaml, json, wide$/,
      'list',
    ],
    [['get', '/a', '-o', 'wide'], /\(wide is for list\): use yaml, json, raw$/, 'get'],
    [['lst'], /^unknown command 'lst' \(did you mean 'list'\?\)$/, undefined],
    [['gte', '/a'], /^unknown command 'gte' \(did you mean 'get'\?\)$/, undefined],
    [['del', '/a'], /^unknown command 'del' \(did you mean 'delete'\?\)$/, undefined],
    [['help', 'chekc'], /^unknown command 'chekc' \(did you mean 'check'\?\)$/, undefined],
    [['frobnicate'], /^unknown command 'frobnicate'$/, undefined],
    [
      ['get', '/a', '--show-revison'],
      /^unknown option '--show-revison' \(did you mean '--show-revision'\?\)$/,
      'get',
    ],
    [['delete', '/a', '--dryrun'], /\(did you mean '--dry-run'\?\)$/, 'delete'],
    [['get', '/a', '--show-revision=yes'], /does not take an argument/, 'get'],
  ])('%j is a usage error', (argv, message, command) => {
    const error = usageError(argv);
    expect(error.message).toMatch(message);
    expect(error.command).toBe(command);
    expect(error.exitCode).toBe(2);
  });
});
