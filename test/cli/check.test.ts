import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixtureCopy, tempDir } from '../helpers/temp-dir.js';
import { MemoryOutput, run } from './memory-io.js';

let root: string;

beforeEach(async () => {
  root = await fixtureCopy('calico');
});

async function breakTree(): Promise<void> {
  await writeFile(join(root, 'calico/v1/config/LogSeverityScreen.yaml'), 'level: [Info\n');
  await writeFile(
    join(root, 'calico/v1/policy/tier/default/policy/allow-dns.yaml'),
    'order: 100\nselector: a: b\n',
  );
  await symlink(join(root, 'calico/v1/Ready.yaml'), join(root, 'calico/v1/config/Linked.yaml'));
}

describe('kvdir check', () => {
  it('exits 0 and prints nothing on stdout for a clean tree', async () => {
    expect(await run(['--root', root, 'check'])).toEqual({
      code: 0,
      stdout: '',
      stderr: 'kvdir: checked 51 files: no problems\n',
    });
  });

  it('prints file:line:column: message per problem, relative to the working directory, and exits 1', async () => {
    await breakTree();
    const result = await run(['check'], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      'calico/v1/config/Linked.yaml: refusing to follow a symbolic link',
      expect.stringMatching(/^calico\/v1\/config\/LogSeverityScreen\.yaml:2:1: \S/),
      'calico/v1/policy/tier/default/policy/allow-dns.yaml:2:11: Nested mappings are not allowed in compact mappings',
      '',
    ]);
    expect(result.stderr).toBe('kvdir: checked 51 files: 3 problems\n');
  });

  it('fails on a field Calico does not have (a typo), on wrong types and on missing fields', async () => {
    await writeFile(
      join(root, 'calico/v1/policy/tier/default/policy/allow-dns.yaml'),
      'order: 100\nselecter: all()\n',
    );
    await writeFile(
      join(root, 'calico/v1/ipam/v4/pool/10.65.0.0-16.yaml'),
      'cidr: 10.65.0.0/16\nipip: tunl0\nmasquerade: yes\nipam: true\ndisabled: false\n',
    );
    const result = await run(['check'], { cwd: root });
    expect(result).toEqual({
      code: 1,
      stdout: [
        'calico/v1/ipam/v4/pool/10.65.0.0-16.yaml:3:13: masquerade: must be a boolean',
        'calico/v1/policy/tier/default/policy/allow-dns.yaml:1:1: selector: is required',
        'calico/v1/policy/tier/default/policy/allow-dns.yaml:2:1: selecter: unknown field',
        '',
      ].join('\n'),
      stderr: 'kvdir: checked 51 files: 3 problems\n',
    });
  });

  it('checks only below a prefix', async () => {
    await breakTree();
    const result = await run(['check', '/calico/v1/policy'], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      'calico/v1/policy/tier/default/policy/allow-dns.yaml:2:11: Nested mappings are not allowed in compact mappings\n',
    );
  });

  it('prints absolute files outside the working directory, and problems as JSON with -o json', async () => {
    await breakTree();
    const elsewhere = await tempDir();
    const text = await run(['--root', root, 'check', '/calico/v1/policy'], { cwd: elsewhere });
    expect(text.stdout).toMatch(
      new RegExp(`^${root}/calico/v1/policy/tier/default/policy/allow-dns\\.yaml:2:11: `),
    );
    const json = await run(['--root', root, 'check', '-o', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual([
      {
        file: join(root, 'calico/v1/config/Linked.yaml'),
        message: 'refusing to follow a symbolic link',
      },
      {
        file: join(root, 'calico/v1/config/LogSeverityScreen.yaml'),
        line: 2,
        col: 1,
        message: expect.any(String),
      },
      {
        file: join(root, 'calico/v1/policy/tier/default/policy/allow-dns.yaml'),
        line: 2,
        col: 11,
        message: 'Nested mappings are not allowed in compact mappings',
      },
    ]);
  });

  it('shows progress on stderr when it is a terminal, and only then', async () => {
    const tty = new MemoryOutput(true);
    expect((await run(['--root', root, 'check'], { stderr: tty })).code).toBe(0);
    expect(tty.text).toMatch(/\rchecking \d+\/51 files/);
    expect(tty.text).toContain('\rchecking 51/51 files\r\x1b[K');
    const pipe = new MemoryOutput(false);
    await run(['--root', root, 'check'], { stderr: pipe });
    expect(pipe.text).not.toContain('checking');
  });

  it('exits 7 when the root is not a directory, rather than passing', async () => {
    const missing = join(await tempDir(), 'nowhere');
    expect(await run(['--root', missing, 'check'])).toEqual({
      code: 7,
      stdout: '',
      stderr: `kvdir: no datastore directory at ${missing}\n`,
    });
  });
});
