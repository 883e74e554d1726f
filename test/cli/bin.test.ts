/**
 * End to end: the real `bin/kvdir.js` in a child process, as a user runs it. Needs the build
 * (`npm test` builds first; in a dev loop run `npm run build`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureCopy } from '../helpers/temp-dir.js';

const repo = join(import.meta.dirname, '..', '..');
const bin = join(repo, 'bin', 'kvdir.js');

beforeAll(() => {
  if (!existsSync(join(repo, 'dist', 'src', 'cli', 'main.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `kvdir <args>` in a child process; lines of stdout can be waited on while it runs. */
function kvdir(
  args: string[],
  options: { cwd?: string; input?: string; env?: Record<string, string> } = {},
) {
  const env = { ...process.env, ...options.env };
  delete env.KVDIR_ROOT;
  // Set, they would send every command to etcd.
  delete env.KVDIR_ENDPOINTS;
  delete env.KVDIR_NAMESPACE;
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? repo,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(options.input ?? '');
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout });
  const exit = new Promise<Exit>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exit,
    output: async () => ({ ...(await exit), stdout, stderr }),
    /** The first line of stdout matching `pattern` (from now on). */
    nextLine: (pattern: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const onLine = (line: string): void => {
          if (!pattern.test(line)) return;
          lines.off('line', onLine);
          resolve(line);
        };
        lines.on('line', onLine);
        void exit.then(() =>
          reject(
            new Error(`kvdir exited before printing ${String(pattern)}:\n${stdout}\n${stderr}`),
          ),
        );
      }),
  };
}

describe('bin/kvdir.js', () => {
  it('round-trips put, get and list', async () => {
    const root = await fixtureCopy('calico');
    const put = await kvdir([
      '--root',
      root,
      'put',
      '/apps/web/config',
      '{replicas: 3, image: "nginx:1.27"}',
    ]).output();
    expect(put).toMatchObject({ code: 0, stderr: '' });
    expect(put.stdout).toMatch(/^\S+\n$/);

    const get = await kvdir([
      '--root',
      root,
      'get',
      '/apps/web/config',
      '--show-revision',
      '-o',
      'json',
    ]).output();
    expect(get.code).toBe(0);
    expect(JSON.parse(get.stdout)).toEqual({
      path: '/apps/web/config',
      key: 'PathKey(/apps/web/config)',
      revision: put.stdout.trim(),
      value: { replicas: 3, image: 'nginx:1.27' },
    });

    // From the root, without --root; the value comes from stdin.
    const apply = await kvdir(['apply', '/apps/web/owner', '-f', '-'], {
      cwd: root,
      input: 'team: web\n',
    }).output();
    expect(apply.code).toBe(0);
    expect(await kvdir(['list', '/apps'], { cwd: root }).output()).toEqual({
      code: 0,
      signal: null,
      stdout: '/apps/web/config\n/apps/web/owner\n',
      stderr: '',
    });
    expect(await kvdir(['--root', root, 'get', '/apps/web/nope']).output()).toMatchObject({
      code: 3,
      stdout: '',
      stderr: 'kvdir: resource does not exist: PathKey(/apps/web/nope)\n',
    });
  });

  it('reads raw values, several keys and subtrees; lists wide; deletes with --prefix and --dry-run', async () => {
    const root = await fixtureCopy('calico');
    const run = (...args: string[]) => kvdir(['--root', root, ...args]).output();
    const mtu = '/calico/v1/config/IpInIpMtu';
    expect(await run('get', mtu, '-o', 'raw')).toMatchObject({ code: 0, stdout: '1440\n' });
    expect((await run('get', mtu, '/calico/v1/Ready', '-o', 'raw')).stdout).toBe('1440\ntrue\n');
    const records = JSON.parse(
      (await run('get', '--prefix', '/calico/v1/config', '-o', 'json')).stdout,
    );
    expect(records.map((record: { path: string }) => record.path)).toContain(mtu);
    const put = await run('put', '/apps/session', 'token', '--ttl', '5m');
    expect(put.code).toBe(0);
    const wide = (await run('list', '/apps', '-o', 'wide')).stdout.split('\n');
    expect(wide[1]).toMatch(
      new RegExp(`^/apps/session +${put.stdout.trim().replace('.', '\\.')} +6 +4m[2-5]\\ds$`),
    );
    expect(await run('delete', '/calico/v1/host')).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(
        /^kvdir: \/calico\/v1\/host is not a key, and 2\d keys below it would go: add --prefix/,
      ),
    });
    const dry = await run('delete', '-r', '/calico/v1/host/node-3', '--dry-run');
    expect(dry).toMatchObject({ code: 0, stderr: 'kvdir: dry run: would delete 9 keys\n' });
    expect(dry.stdout.trim().split('\n')).toHaveLength(9);
    expect(await run('delete', '-r', '/calico/v1/host/node-3')).toMatchObject({
      code: 0,
      stdout: 'deleted 9 keys\n',
    });
    expect((await run('lst')).stderr).toMatch(
      /^kvdir: unknown command 'lst' \(did you mean 'list'\?\)\n/,
    );
    // Clear errors: a directory of keys, an empty path, two YAML documents.
    expect((await run('get', '/calico/v1/config')).stderr).toMatch(
      /^kvdir: resource does not exist: PathKey\(\/calico\/v1\/config\) \(\d keys below it: kvdir list/,
    );
    expect(await run('get', '')).toMatchObject({
      code: 8,
      stderr: expect.stringContaining("path = ''"),
    });
    const multi = await kvdir(['--root', root, 'apply', '/apps/m', '-f', '-'], {
      input: 'a: 1\n---\nb: 2\n',
    }).output();
    expect(multi).toMatchObject({
      code: 6,
      stderr: 'kvdir: <stdin>:2:1: one document per key: a second YAML document starts here\n',
    });
  });

  it('completion bash: the script it prints completes in bash', async () => {
    const script = `source <(${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} completion bash)
COMP_WORDS=(kvdir delete /a --d); COMP_CWORD=3; _kvdir; echo "\${COMPREPLY[@]}"`;
    const child = spawn('/bin/bash', ['--norc', '--noprofile', '-c', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect({ code, stdout }).toEqual({ code: 0, stdout: '--dry-run\n' });
  });

  it('edit runs $EDITOR on the terminal it was given and writes the saved text back', async () => {
    const root = await fixtureCopy('calico');
    const path = '/calico/v1/config/LogSeverityScreen';
    const editor = join(repo, 'test', 'children', 'editor.mjs');
    const edited = await kvdir(['--root', root, 'edit', path], {
      env: {
        EDITOR: `${process.execPath} ${editor}`,
        VISUAL: '',
        KVDIR_TEST_EDIT: JSON.stringify({ text: '# until the incident is closed\nDebug\n' }),
      },
    }).output();
    expect(edited).toMatchObject({ code: 0, stderr: '' });
    // The editor wrote straight to the stdout it shared with kvdir, then kvdir the revision.
    expect(edited.stdout).toMatch(/^editing \S+LogSeverityScreen\.yaml\n\S+\n$/);
    expect(await readFile(join(root, `${path}.yaml`), 'utf8')).toBe(
      '# until the incident is closed\nDebug\n',
    );
  });

  it('prints help and the version, and exits 2 with help for an unknown command', async () => {
    const help = await kvdir(['--help']).output();
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: kvdir /);
    expect((await kvdir(['--version']).output()).stdout).toMatch(/^\d+\.\d+\.\d+/);
    const unknown = await kvdir(['frob']).output();
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^kvdir: unknown command 'frob'\n\nUsage: kvdir /);
  });

  it('check exits 1 with file:line:column: lines for broken files', async () => {
    const root = await fixtureCopy('calico');
    await writeFile(join(root, 'calico/v1/config/LogSeverityScreen.yaml'), 'Info\n  - oops: [\n');
    await writeFile(
      join(root, 'calico/v1/policy/tier/default/policy/default-deny.yaml'),
      'order: 1\nselector: a: b\n',
    );
    const result = await kvdir(['check'], { cwd: root }).output();
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^calico\/v1\/config\/LogSeverityScreen\.yaml:\d+:\d+: \S/);
    expect(lines[1]).toBe(
      'calico/v1/policy/tier/default/policy/default-deny.yaml:2:11: Nested mappings are not allowed in compact mappings',
    );
    expect(result.stderr).toBe('kvdir: checked 51 files: 2 problems\n');
  });

  it('watch prints a change another process makes, and exits 0 on SIGINT', async () => {
    const root = await fixtureCopy('calico');
    const watch = kvdir(['--root', root, 'watch', '/calico/v1/config']);
    await watch.nextLine(/^status in-sync$/);

    // writeFile is not atomic: the watcher may see the emptied file first, so wait for the final value.
    const changed = watch.nextLine(/^updated \/calico\/v1\/config\/LogSeverityScreen "Debug"$/);
    await writeFile(join(root, 'calico/v1/config/LogSeverityScreen.yaml'), 'Debug\n');
    await changed;

    const added = watch.nextLine(/^new \/calico\/v1\/config\/IpInIpEnabled "true"$/);
    expect(
      (await kvdir(['--root', root, 'put', '/calico/v1/config/IpInIpEnabled', 'true']).output())
        .code,
    ).toBe(0);
    await added;

    watch.child.kill('SIGINT');
    const result = await watch.output();
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.stderr).not.toMatch(/^kvdir:/m); // no error (the syncer may warn under load)
    expect(result.stdout.split('\n').slice(0, 2)).toEqual([
      'status wait-for-ready',
      'status resync',
    ]);
  });

  it('watch -o json exits 0 on SIGTERM', async () => {
    const root = await fixtureCopy('calico');
    const watch = kvdir(['--root', root, 'watch', '/calico/v1/Ready', '-o', 'json']);
    expect(JSON.parse(await watch.nextLine(/"in-sync"/))).toEqual({
      type: 'status',
      status: 'in-sync',
    });
    watch.child.kill('SIGTERM');
    const result = await watch.output();
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.stderr).not.toMatch(/^kvdir:/m); // no error (the syncer may warn under load)
    expect(
      result.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).type),
    ).toEqual(['status', 'status', 'new', 'status']);
  });
});
