import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FileBackend,
  PathKey,
  PathListOptions,
  PolicyKey,
  PolicyListOptions,
  ValidationError,
} from '../../src/index.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Names a person, a script or an attacker might use as one path segment. */
const ACCEPTED = [
  '..',
  '.',
  '...',
  '.hidden',
  '.kvdir-locks',
  '.kvdir-x.yaml.rev',
  '.kvdir-x.yaml.tmp-1',
  '.kvdir-trash-1',
  '%2f',
  '%2F',
  '%2e',
  '%2e%2e',
  '%252e',
  '%',
  '%%',
  '%zz',
  'a%2f..%2f..%2fetc',
  'x.yml',
  'x.yaml.rev',
  'x.yaml~',
  'yaml',
  '4913',
  'x.swp',
  '~',
  'caf\u00e9',
  'cafe\u0301',
  'Case',
  'case',
  'CASE',
  '-rf',
  '--help',
  '-',
  'new\nline',
  'tab\there',
  'cr\rhere',
  'back\\slash',
  'C:\\windows',
  'con',
  'nul',
  ' leading space',
  'trailing space ',
  'trailing.',
  '*',
  '?',
  '"quoted"',
  "'",
  '<>|',
  ':colon',
  '\u{1f525}',
  '\u202eevil',
  'zero\u200bwidth',
  'x'.repeat(200),
];

const REFUSED: Array<[string, string]> = [
  ['x.yaml', 'may not end in .yaml'],
  ['x.yaml.yaml', 'may not end in .yaml'],
  ['.yaml', 'may not end in .yaml'],
  ['nul\0byte', 'NUL'],
  ['x'.repeat(201), 'at most 200 bytes'],
  ['x'.repeat(1000), 'at most 200 bytes'],
  ['\u00e9'.repeat(101), 'at most 200 bytes'],
];

describe('hostile key names', () => {
  it(`${ACCEPTED.length} hostile names round-trip exactly and ${REFUSED.length} are refused; none escapes the root or overwrites another`, async () => {
    const base = await tempDir();
    const root = join(base, 'root');
    const canary = join(base, 'outside', 'canary.yaml');
    await mkdir(join(base, 'outside'));
    await writeFile(canary, 'untouched: true\n');
    const client = new FileBackend({ root, fsync: false });

    for (const [i, name] of ACCEPTED.entries()) {
      await client.create({ key: new PathKey(`/h/${name}`), value: { i, name } });
      await client.create({ key: new PathKey(`/h/${name}/child`), value: { i, child: true } });
      if (name.length < 100)
        await client.create({
          key: new PolicyKey({ name: `../../${name}` }),
          value: { order: i, selector: '' },
        });
    }
    const longPolicy = await client
      .create({ key: new PolicyKey({ name: `../../${'x'.repeat(200)}` }), value: { selector: '' } })
      .catch((e: unknown) => e);
    expect(longPolicy).toBeInstanceOf(ValidationError);
    for (const [name, reason] of REFUSED) {
      const attempt = async () => client.create({ key: new PathKey(`/h/${name}`), value: {} });
      const err = await attempt().catch((e: unknown) => e);
      expect(err, JSON.stringify(name)).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toContain(reason);
    }
    expect(() => new PathKey('/a/../../etc')).not.toThrow();
    await client.create({ key: new PathKey('/a/../../etc/passwd'), value: { inside: true } });

    for (const [i, name] of ACCEPTED.entries()) {
      expect((await client.get(new PathKey(`/h/${name}`))).value).toEqual({ i, name });
      expect((await client.get(new PathKey(`/h/${name}/child`))).value).toEqual({ i, child: true });
      if (name.length < 100)
        expect((await client.get(new PolicyKey({ name: `../../${name}` }))).value).toEqual({
          order: i,
          selector: '',
        });
    }
    const listed = await client.list(new PathListOptions({ prefix: '/h' }));
    const expected = ACCEPTED.flatMap((name) => [`/h/${name}`, `/h/${name}/child`]);
    expect(listed.map((kv) => kv.key.defaultPath()).sort()).toEqual(expected.sort());
    expect(await client.list(new PolicyListOptions({}))).toHaveLength(
      ACCEPTED.filter((n) => n.length < 100).length,
    );

    expect((await readdir(base)).sort()).toEqual(['outside', 'root']);
    expect(await readdir(join(base, 'outside'))).toEqual(['canary.yaml']);
    expect(await readFile(canary, 'utf8')).toBe('untouched: true\n');
    expect((await readdir(root)).sort()).toEqual(['.kvdir-locks', 'a', 'calico', 'h']);
    console.log(
      `hostile names: ${ACCEPTED.length} round-tripped (as PathKey, below it, and as a policy name), ${REFUSED.length} refused`,
    );
    await client.close();
  });
});
