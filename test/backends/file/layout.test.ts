import { describe, expect, it } from 'vitest';
import {
  childKeyPath,
  decodeSegment,
  encodeSegment,
  isValueFileName,
  keyFiles,
  keyFilesOfValueFile,
  keyPathOfDir,
  keyPathOfFile,
  pathSegments,
} from '../../../src/backends/file/layout.js';
import { ValidationError } from '../../../src/model/errors.js';

describe('layout: key paths <-> files', () => {
  it.each([
    ['/a/b/c', '/r/a/b/c.yaml', '/r/a/b/.kvdir-c.yaml.rev', '/r/a/b/c'],
    [
      '/calico/v1/Ready',
      '/r/calico/v1/Ready.yaml',
      '/r/calico/v1/.kvdir-Ready.yaml.rev',
      '/r/calico/v1/Ready',
    ],
    ['/x/..', '/r/x/%2e..yaml', '/r/x/.kvdir-%2e..yaml.rev', '/r/x/%2e.'],
    ['/%25/.', '/r/%2525/%2e.yaml', '/r/%2525/.kvdir-%2e.yaml.rev', '/r/%2525/%2e'],
  ])('%s -> %s', (path, file, sidecar, dir) => {
    const files = keyFiles('/r', path);
    expect(files).toMatchObject({ file, sidecar, dir });
    expect(keyPathOfFile(file.slice(3))).toBe(path);
  });

  it.each([
    ['.', '%2e'],
    ['..', '%2e.'],
    ['.kvdir-locks', '%2ekvdir-locks'],
    ['%', '%25'],
    ['%2e', '%252e'],
    ['a%2fb', 'a%2fb'],
    ['plain', 'plain'],
    ['-rf', '-rf'],
    ['a\\b', 'a\\b'],
  ])('segment %j is written %j and read back', (segment, name) => {
    expect(encodeSegment(segment)).toBe(name);
    expect(decodeSegment(name)).toBe(segment);
  });

  it.each([
    ['relative', "must start with '/'"],
    ['/', "must name a key below '/'"],
    ['/a//b', 'empty segment'],
    ['/a/', "must not end with '/'"],
    ['/a\0b', 'NUL'],
    ['/a/b.yaml/c', 'may not end in .yaml'],
    [`/${'é'.repeat(101)}`, 'at most 200 bytes'],
  ])('refuses %j (%s)', (path, reason) => {
    expect(() => pathSegments(path)).toThrow(ValidationError);
    expect(() => pathSegments(path)).toThrow(reason);
  });

  it('accepts a segment of exactly 200 bytes', () => {
    expect(pathSegments(`/${'x'.repeat(200)}`)).toHaveLength(1);
  });

  it.each([
    ['a/b.yaml', '/a/b'],
    ['b.yaml.yaml', undefined],
    ['.hidden.yaml', undefined],
    ['a/.kvdir-b.yaml.rev', undefined],
    ['a/b.yml', undefined],
    ['a/b~', undefined],
    ['%zz.yaml', undefined],
    ['.git/config.yaml', undefined],
    ['.yaml', undefined],
  ])('file %j is key %j', (relative, path) => {
    expect(keyPathOfFile(relative)).toBe(path);
  });

  it('maps directories back to prefixes', () => {
    expect(keyPathOfDir('')).toBe('/');
    expect(keyPathOfDir('a/%2eb')).toBe('/a/.b');
    expect(keyPathOfDir('a/.git')).toBeUndefined();
  });

  it.each([['a/%2eb/c'], ['%25x/y'], ['a/.git/b'], ['a/%zz/b'], ['a/b.yaml/c'], ['x']])(
    'builds the key path of %j one segment at a time, as keyPathOfDir does',
    (relative) => {
      const names = relative.split('/');
      let path: string | undefined = '/';
      for (const name of names) path = path === undefined ? undefined : childKeyPath(path, name);
      expect(path).toBe(keyPathOfDir(relative));
      const parent = keyPathOfDir(names.slice(0, -1).join('/'));
      const leaf = names.at(-1) ?? '';
      const file = parent === undefined ? undefined : childKeyPath(parent, leaf);
      expect(file).toBe(keyPathOfFile(`${relative}.yaml`));
    },
  );

  it('knows value file names', () => {
    expect(isValueFileName('a.yaml')).toBe(true);
    expect(isValueFileName('.a.yaml')).toBe(false);
    expect(isValueFileName('a.yaml.tmp')).toBe(false);
  });
});

describe('layout: property', () => {
  it('maps every valid key path to a file inside the root and back', async () => {
    const fc = (await import('fast-check')).default;
    const segment = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
      .filter((s) => !s.includes('/') && !s.includes('\0') && !s.endsWith('.yaml'));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        const path = `/${segments.join('/')}`;
        const files = keyFiles('/root', path);
        expect(files.file.startsWith('/root/')).toBe(true);
        expect(
          files.file
            .split('/')
            .slice(2)
            .every((name) => name !== '..' && name !== '.' && !name.startsWith('.')),
        ).toBe(true);
        expect(keyPathOfFile(files.file.slice('/root/'.length))).toBe(path);
        expect(keyFilesOfValueFile('/root', path, files.file)).toEqual(files);
        expect(keyFilesOfValueFile('/', path, keyFiles('/', path).file)).toEqual(
          keyFiles('/', path),
        );
      }),
      { numRuns: 500 },
    );
  });
});
