/**
 * Hostile files where kvdir keeps its own: a revision sidecar that is a FIFO, a link to
 * /dev/zero, a link outside the root, or far too large (P32, P32b), and a co-writer swapping
 * a value file or a directory while kvdir reads (P47). Every read runs in a child process with
 * a deadline, so a hang fails the test instead of hanging the suite. Needs the build.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';
import { childScript, runNode } from '../helpers/child.js';
import { tempDir } from '../helpers/temp-dir.js';

const BIN = join(REPO, 'bin', 'kvdir.js');
/** Far more than any of these reads takes, even on a loaded machine. */
const DEADLINE_MS = 30_000;

/** An outside file holding a sidecar kvdir would accept, with a revision that must never show. */
const OUTSIDE_SIDECAR = '{"i":"deadbeefcafe","g":7,"h":"0000000000000000"}\n';

type Hostile = 'fifo' | 'dev-zero' | 'outside' | 'huge';

const CASES: Array<[Hostile, string]> = [
  ['fifo', 'ERR_NOT_A_FILE'],
  ['dev-zero', 'ERR_SYMLINK'],
  ['outside', 'ERR_SYMLINK'],
  ['huge', 'ERR_TOO_LARGE'],
];

/** `<base>/root` with `/x` (whose sidecar is hostile) and `/ok`; `<base>/outside` beside it. */
async function treeWithSidecar(kind: Hostile): Promise<string> {
  const base = await tempDir();
  const root = join(base, 'root');
  await mkdir(root);
  await mkdir(join(base, 'outside'));
  await writeFile(join(root, 'x.yaml'), 'v: 1\n');
  await writeFile(join(root, 'ok.yaml'), 'v: 2\n');
  const sidecar = join(root, '.kvdir-x.yaml.rev');
  if (kind === 'fifo') execFileSync('mkfifo', [sidecar]);
  if (kind === 'dev-zero') await symlink('/dev/zero', sidecar);
  if (kind === 'outside') {
    await writeFile(join(base, 'outside', 'rev.json'), OUTSIDE_SIDECAR);
    await symlink(join(base, 'outside', 'rev.json'), sidecar);
  }
  if (kind === 'huge') await writeFile(sidecar, `${' '.repeat(100_000)}${OUTSIDE_SIDECAR}`);
  return root;
}

interface Outcome {
  op: string;
  ok: boolean;
  code?: string;
  message?: string;
  keys?: string[];
  revisions?: string[];
  errors?: string[];
  problems?: string[];
  warnings?: string[];
}

describe('hostile sidecars (P32, P32b)', () => {
  it.each(CASES)(
    'a sidecar that is %s: get, list, check and the syncer refuse the key with %s, never hang, never read it',
    async (kind, code) => {
      const root = await treeWithSidecar(kind);
      const run = await runNode(childScript('read-tree.mjs'), [root, '/x'], {
        timeoutMs: DEADLINE_MS,
      });
      expect(run.timedOut, `hung: ${run.stdout}`).toBe(false);
      const outcomes = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Outcome);
      const of = (op: string): Outcome => outcomes.find((o) => o.op === op) as Outcome;
      expect(of('get')).toMatchObject({ ok: false, code });
      expect(of('get').message).toContain('.kvdir-x.yaml.rev');
      expect(of('list')).toMatchObject({ ok: true, keys: ['/ok'], errors: [code] });
      expect(of('check').problems).toEqual([
        expect.stringMatching(/^\/x\.yaml: .*\.kvdir-x\.yaml\.rev/),
      ]);
      expect(of('syncer')).toMatchObject({
        ok: true,
        keys: ['/ok'],
        warnings: ['ERR_SYNCER_UNREADABLE'],
      });
      expect(run.stdout).not.toContain('deadbeefcafe');
      expect(of('done')).toBeDefined();
    },
  );

  it('through the real bin: get exits 7 naming the sidecar, check (the CI gate) exits 1 at once with /dev/zero linked', async () => {
    const root = await treeWithSidecar('dev-zero');
    const get = await runNode(BIN, ['--root', root, 'get', '/x'], { timeoutMs: DEADLINE_MS });
    expect(get).toMatchObject({ timedOut: false, code: 7, stdout: '' });
    expect(get.stderr).toContain('refusing to follow a symbolic link');
    expect(get.stderr).toContain('.kvdir-x.yaml.rev');
    const check = await runNode(BIN, ['--root', root, 'check'], { timeoutMs: DEADLINE_MS });
    expect(check).toMatchObject({ timedOut: false, code: 1 });
    expect(check.stdout).toContain('.kvdir-x.yaml.rev');
  });

  it('through the real bin: a FIFO sidecar makes get exit 7 (not a regular file), no hang', async () => {
    const root = await treeWithSidecar('fifo');
    const get = await runNode(BIN, ['--root', root, 'get', '/x'], { timeoutMs: DEADLINE_MS });
    expect(get).toMatchObject({ timedOut: false, code: 7 });
    expect(get.stderr).toContain('not a regular file');
  });
});

describe('a co-writer swapping entries under a reader (P47)', () => {
  /** `<base>/root` and `<base>/outside/{secret,k}.yaml` holding what must never be read. */
  async function raceTree(): Promise<string> {
    const base = await tempDir();
    const root = join(base, 'root');
    await mkdir(join(root, 'd'), { recursive: true });
    await mkdir(join(base, 'outside'));
    await writeFile(join(base, 'outside', 'secret.yaml'), 'outside: true\n');
    await writeFile(join(base, 'outside', 'k.yaml'), 'outside: true\n');
    await writeFile(join(root, 'x.yaml'), 'inside: true\n');
    await writeFile(join(root, 'd', 'k.yaml'), 'inside: true\n');
    return root;
  }

  async function race(mode: 'file' | 'dir', path: string) {
    const root = await raceTree();
    const swapper = runNode(childScript('swap-entries.mjs'), [mode, root], {
      timeoutMs: 2_600,
    });
    const reader = await runNode(childScript('get-loop.mjs'), [root, path, '2000'], {
      timeoutMs: DEADLINE_MS,
    });
    await swapper;
    expect(reader.timedOut, `the reader hung: ${reader.stderr}`).toBe(false);
    const seen = JSON.parse(reader.stdout) as { gets: number; values: string[]; codes: string[] };
    console.log(`P47 ${mode} swap: ${seen.gets} gets, codes ${seen.codes.join(', ')}`);
    expect(seen.values.every((value) => !value.includes('outside'))).toBe(true);
    expect(await readFile(join(root, '..', 'outside', 'secret.yaml'), 'utf8')).toBe(
      'outside: true\n',
    );
    return seen;
  }

  it('a value file swapped between a file, a link outside and a FIFO: every get ends, none reads outside', async () => {
    const seen = await race('file', '/x');
    expect(seen.gets).toBeGreaterThan(10);
  });

  it('a directory swapped with a link to outside: no get reads the outside file', async () => {
    const seen = await race('dir', '/d/k');
    expect(seen.gets).toBeGreaterThan(10);
  });
});
