/**
 * `kvdir put`, `create -f` and `apply -f` (issue 16): input with comments is stored as the user
 * wrote it; input without them is encoded, or edited onto the file that is there.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { hasComments } from '../../src/cli/kept-text.js';
import { fixtureCopy } from '../helpers/temp-dir.js';
import { run } from './memory-io.js';

let root: string;
const kvdir = (argv: string[], stdin?: string) =>
  run(['--root', root, ...argv], stdin === undefined ? {} : { stdin });
const fileText = (path: string) => readFile(join(root, `${path}.yaml`), 'utf8');

beforeEach(async () => {
  root = await fixtureCopy('calico');
});

const COMMENTED = '# owned by team-web\nreplicas: 3 # peak\nimage: nginx\n';

describe('write commands keep the comments of their input', () => {
  it('put: the value on the command line, comments and all', async () => {
    expect((await kvdir(['put', '/apps/web', '# one\nreplicas: 1 # min'])).code).toBe(0);
    expect(await fileText('/apps/web')).toBe('# one\nreplicas: 1 # min\n');
    expect((await kvdir(['get', '/apps/web', '-o', 'json'])).stdout).toBe(
      '{\n  "replicas": 1\n}\n',
    );
  });

  it('create -f - and apply -f FILE: the input as it is', async () => {
    expect((await kvdir(['create', '/apps/web', '-f', '-'], COMMENTED)).code).toBe(0);
    expect(await fileText('/apps/web')).toBe(COMMENTED);
    const file = join(root, '..', 'web.yaml');
    const next = '# owned by team-web\nreplicas: 5   # after the launch\nimage: nginx\n';
    await writeFile(file, next);
    expect((await kvdir(['apply', '/apps/web', '-f', file])).code).toBe(0);
    expect(await fileText('/apps/web')).toBe(next);
  });

  it('update -f with input that has no comments: the file keeps its own', async () => {
    await kvdir(['create', '/apps/web', '-f', '-'], COMMENTED);
    expect(
      (await kvdir(['update', '/apps/web', '-f', '-'], '{replicas: 4, image: nginx}')).code,
    ).toBe(0);
    expect(await fileText('/apps/web')).toBe(COMMENTED.replace('replicas: 3', 'replicas: 4'));
  });

  it('a new key from input without comments is plain YAML, as kvdir writes it', async () => {
    expect((await kvdir(['put', '/apps/web', '{replicas: 1, zones: [a, b]}'])).code).toBe(0);
    expect(await fileText('/apps/web')).toBe('replicas: 1\nzones:\n  - a\n  - b\n');
  });

  it('a raw value keeps its comment, and is still read as the scalar', async () => {
    const path = '/calico/v1/config/LogSeverityScreen';
    expect((await kvdir(['put', path, 'Debug # until the incident is closed'])).code).toBe(0);
    expect(await fileText(path)).toBe('Debug # until the incident is closed\n');
    expect((await kvdir(['get', path])).stdout).toBe('Debug\n');
  });
});

describe('hasComments', () => {
  it.each([
    ['a: 1 # c', true],
    ['# only a comment\na: 1', true],
    ['- [a, # c\n  b]', true],
    ['a: 1', false],
    ['a: "#not"', false],
    ["a: 'x # y'", false],
    ['a: b#c', false],
    ['a: |\n  # text of a block scalar\n', false],
  ])('%j: %s', (text, expected) => {
    expect(hasComments(text)).toBe(expected);
  });
});
