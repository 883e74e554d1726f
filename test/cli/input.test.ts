import { describe, expect, it } from 'vitest';
import { InputParseError } from '../../src/cli/errors.js';
import { parseValue } from '../../src/cli/input.js';
import { GlobalConfigKey, HostIPKey, PathKey, ReadyFlagKey } from '../../src/index.js';

/** A value typed as an argument (`put`). */
const value = (key: Parameters<typeof parseValue>[0], text: string) =>
  parseValue(key, { text, source: '<test>', argument: true });

describe('parseValue', () => {
  const config = new GlobalConfigKey({ name: 'IpInIpMtu' });
  const ready = new ReadyFlagKey();
  const path = new PathKey('/a/b');

  it.each([
    [config, '1440', '1440'],
    [config, '"1440"', '1440'],
    [config, 'true', 'true'],
    [config, '', ''],
    [ready, 'true', true],
    [ready, 'false', false],
    [ready, 'yes', 'yes'],
    [new HostIPKey({ hostname: 'h' }), '10.0.0.1', '10.0.0.1'],
    [path, '1440', 1440],
    [path, 'a: [1, two]', { a: [1, 'two'] }],
    [path, 'null', null],
    [path, '~', null],
  ])('%s <- %j', (key, text, expected) => {
    expect(value(key, text)).toEqual(expected);
  });

  it('leaves a structure given for a raw key to the backend to refuse', () => {
    expect(value(config, 'a: 1')).toEqual({ a: '1' });
  });

  it('throws InputParseError with the source, line and column', () => {
    expect(() => value(path, 'a: 1\na: 2\n')).toThrow(
      new InputParseError('<test>', 'Map keys must be unique', 2, 1),
    );
    expect(() => value(path, 'a: 1\na: 2\n')).toThrow('<test>:2:1: Map keys must be unique');
  });
});
