import { describe, expect, it } from 'vitest';
import { PathKey, PathListOptions, ValidationError, isValidKeyPath } from '../../src/index.js';

describe('PathKey', () => {
  it('is its own path', () => {
    const key = new PathKey('/apps/web/settings');
    expect(key.path).toBe('/apps/web/settings');
    expect(key.defaultPath()).toBe('/apps/web/settings');
    expect(key.defaultDeletePath()).toBe('/apps/web/settings');
    expect(key.defaultDeleteParentPaths()).toEqual([]);
    expect(key.valueKind()).toBe('structured');
    expect(key.toString()).toBe('PathKey(/apps/web/settings)');
  });

  it.each([
    ['apps/web', "must start with '/'"],
    ['', "must start with '/'"],
    ['/', "must name a key below '/'"],
    ['/apps/', "must not end with '/'"],
    ['/apps//web', "must not contain an empty segment ('//')"],
    ['//apps', "must not contain an empty segment ('//')"],
    ['/apps/w\0eb', 'must not contain a NUL character'],
  ])('rejects %j: %s', (path, reason) => {
    expect(isValidKeyPath(path)).toBe(reason);
    let caught: unknown;
    try {
      new PathKey(path);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.erroredFields).toEqual([{ name: 'path', value: path, reason }]);
    expect(error.message).toBe(`error with field path = '${path}' (${reason})`);
  });

  it('rejects a path that is not a string', () => {
    expect(() => new PathKey(42 as unknown as string)).toThrow('must be a string');
  });

  it.each(['/a', '/apps/web', '/a b/ü/%2f/.hidden', '/calico/v1/Ready'])('accepts %j', (path) => {
    expect(isValidKeyPath(path)).toBeUndefined();
    expect(new PathKey(path).path).toBe(path);
  });
});

describe('PathListOptions', () => {
  it('defaults to the whole tree', () => {
    const options = new PathListOptions();
    expect(options.prefix).toBe('/');
    expect(options.defaultPathRoot()).toBe('/');
    expect(options.keyFromDefaultPath('/anything/at/all')).toStrictEqual(
      new PathKey('/anything/at/all'),
    );
    expect(new PathListOptions({ prefix: '' }).defaultPathRoot()).toBe('/');
  });

  it('keeps paths equal to or below the prefix', () => {
    const options = new PathListOptions({ prefix: '/apps' });
    expect(options.defaultPathRoot()).toBe('/apps');
    expect(options.keyFromDefaultPath('/apps')).toStrictEqual(new PathKey('/apps'));
    expect(options.keyFromDefaultPath('/apps/web/settings')).toStrictEqual(
      new PathKey('/apps/web/settings'),
    );
    expect(options.keyFromDefaultPath('apps/web')).toStrictEqual(new PathKey('/apps/web'));
    expect(options.keyFromDefaultPath('/apps2/web')).toBeNull();
    expect(options.keyFromDefaultPath('/other')).toBeNull();
  });

  it('gives null for a path that cannot be a key', () => {
    const options = new PathListOptions();
    expect(options.keyFromDefaultPath('/a//b')).toBeNull();
    expect(options.keyFromDefaultPath('/a/')).toBeNull();
    expect(options.keyFromDefaultPath('/')).toBeNull();
  });

  it('rejects an invalid prefix', () => {
    expect(() => new PathListOptions({ prefix: 'apps' })).toThrow(ValidationError);
    expect(() => new PathListOptions({ prefix: '/apps/' })).toThrow(
      "error with field prefix = '/apps/'",
    );
  });
});
