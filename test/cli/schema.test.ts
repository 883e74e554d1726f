/**
 * `kvdir schema`: writes one JSON Schema file per value type and the editor mapping, and the
 * files it writes accept every value of the fixture tree and refuse wrong ones.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { globRegExp } from '../helpers/glob.js';
import { fixturePath } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';
import { run } from './memory-io.js';

type Settings = { 'yaml.schemas': Record<string, string[]> };

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The written schema (by file) that the mapping gives `file`, or undefined. */
function schemaFor(settings: Settings, file: string): string | undefined {
  const found = Object.entries(settings['yaml.schemas']).filter(([, globs]) =>
    globs.some((glob) => globRegExp(glob).test(file)),
  );
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.[0];
}

describe('kvdir schema', () => {
  it('writes kvdir-schemas/ in the working directory and prints the yaml.schemas setting', async () => {
    const cwd = await tempDir();
    const result = await run(['schema'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'kvdir: wrote 17 schemas and kvdir-schemas/yaml-schemas.json; copy its "yaml.schemas" into .vscode/settings.json\n',
    );
    const written = (await readdir(join(cwd, 'kvdir-schemas'))).sort();
    expect(written).toHaveLength(18);
    expect(written).toContain('policy.schema.json');
    expect(written).toContain('workload-endpoint.schema.json');
    const settings = await readJson<Settings>(join(cwd, 'kvdir-schemas', 'yaml-schemas.json'));
    expect(JSON.parse(result.stdout)).toEqual(settings);
    expect(settings['yaml.schemas']['kvdir-schemas/policy.schema.json']).toEqual([
      '**/calico/v1/policy/tier/*/policy/*.yaml',
    ]);
    for (const schemaFile of Object.keys(settings['yaml.schemas']))
      expect(written).toContain(schemaFile.replace('kvdir-schemas/', ''));
  });

  it('writes where --out says; a directory outside the working directory is named by a file URL', async () => {
    const cwd = await tempDir();
    expect((await run(['schema', '--out', 'editor/schemas'], { cwd })).code).toBe(0);
    const inside = await readJson<Settings>(join(cwd, 'editor/schemas/yaml-schemas.json'));
    expect(Object.keys(inside['yaml.schemas'])).toContain('editor/schemas/ip-pool.schema.json');

    const elsewhere = await tempDir();
    const json = await run(['schema', '--out', elsewhere, '-o', 'json'], { cwd });
    expect(json.code).toBe(0);
    const record = JSON.parse(json.stdout);
    expect(record.out).toBe(elsewhere);
    expect(record.files).toHaveLength(18);
    expect(Object.keys(record['yaml.schemas'])).toContain(
      pathToFileURL(join(elsewhere, 'bgp-peer.schema.json')).href,
    );
  });

  it('exits 1 when it cannot write', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'taken'), 'a file\n');
    const result = await run(['schema', '--out', 'taken/schemas'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^kvdir: cannot write .*taken\/schemas: ENOTDIR/);
  });

  it('writes schemas that accept every Calico value of the fixture tree', async () => {
    const out = await tempDir();
    await run(['schema', '--out', out], { cwd: out });
    const settings = await readJson<Settings>(join(out, 'yaml-schemas.json'));
    const root = fixturePath('calico');
    let checked = 0;
    for (const file of await filesBelow(root)) {
      const schemaFile = schemaFor(settings, relative(root, file));
      if (schemaFile === undefined) continue; // a raw value: no schema
      const check = Compile(await readJson<TSchema>(join(out, schemaFile)));
      const value: unknown = parse(await readFile(file, 'utf8'));
      expect(check.Errors(value), file).toEqual([]);
      checked++;
    }
    // 12 workload and 3 host endpoints, 3 host metadata, 6 policies, 9 profile parts, 3 pools
    expect(checked).toBe(36);
  });

  it.each([
    ['policy', 'order: high\nselector: all()\n'],
    ['policy', 'order: 1\nselecter: all()\n'],
    ['policy', 'selector: all()\ninbound_rules:\n  - action: allow\n    protocl: tcp\n'],
    [
      'workload-endpoint',
      'state: active\nname: x\nmac: nope\nprofile_ids: []\nipv4_nets: []\nipv6_nets: []\n',
    ],
    ['ip-pool', 'cidr: 10.0.0.0/8\nipip: ""\nmasquerade: yes\nipam: true\ndisabled: false\n'],
    ['bgp-peer', 'ip: 10.0.0.1\nas_num: AS1\n'],
    ['host-metadata', 'ip: 10.0.0.1\n'],
  ])('writes a %s schema that refuses %j', async (name, text) => {
    const out = await tempDir();
    await run(['schema', '--out', out], { cwd: out });
    const check = Compile(await readJson<TSchema>(join(out, `${name}.schema.json`)));
    expect(check.Check(parse(text))).toBe(false);
  });
});
