import { describe, expect, it } from 'vitest';
import {
  clipToPrefixes,
  scopeFromId,
  scopeId,
  scopeOfEvent,
} from '../../../../src/backends/file/sync/event-scope.js';
import type { Scope } from '../../../../src/backends/file/sync/event-scope.js';
import type { EventKind } from '../../../../src/backends/file/sync/watch/port.js';

describe('scopeOfEvent', () => {
  const cases: Array<[string, EventKind, Scope | undefined]> = [
    // value files and their sidecars: the key
    ['a/b.yaml', 'file', { kind: 'key', path: '/a/b' }],
    ['a/b.yaml', 'unknown', { kind: 'key', path: '/a/b' }],
    ['top.yaml', 'file', { kind: 'key', path: '/top' }],
    ['a/.kvdir-b.yaml.rev', 'file', { kind: 'key', path: '/a/b' }],
    ['.kvdir-top.yaml.rev', 'unknown', { kind: 'key', path: '/top' }],
    ['p/k8s%2fallow.yaml', 'file', { kind: 'key', path: '/p/k8s%2fallow' }],
    ['p/%2ehidden.yaml', 'file', { kind: 'key', path: '/p/.hidden' }],
    ['p/%25pct.yaml', 'file', { kind: 'key', path: '/p/%pct' }],
    // directories: the subtree
    ['a', 'dir', { kind: 'tree', path: '/a' }],
    ['a/b', 'dir', { kind: 'tree', path: '/a/b' }],
    ['a/b', 'unknown', { kind: 'tree', path: '/a/b' }],
    ['', 'dir', { kind: 'tree', path: '/' }],
    // YAML files kvdir does not map to a key: reported as invalid
    ['a/%zz.yaml', 'file', { kind: 'invalid', relative: 'a/%zz.yaml' }],
    ['%zz/b.yaml', 'file', { kind: 'invalid', relative: '%zz/b.yaml' }],
    ['a/b.yaml/c.yaml', 'file', { kind: 'invalid', relative: 'a/b.yaml/c.yaml' }],
    // a name too long to be a key segment (the walk reports it too, P37)
    [
      `a/${'x'.repeat(220)}.yaml`,
      'file',
      { kind: 'invalid', relative: `a/${'x'.repeat(220)}.yaml` },
    ],
    // kvdir's own files other than sidecars
    ['a/.kvdir-b.yaml.tmp-1a2b', 'file', undefined],
    ['a/.kvdir-.kvdir-b.yaml.rev.tmp-1a2b', 'file', undefined],
    ['.kvdir-locks', 'dir', undefined],
    ['.kvdir-locks/0a1b2c', 'dir', undefined],
    ['a/.kvdir-trash-0a1b2c', 'dir', undefined],
    ['a/.kvdir-trash-0a1b2c/x.yaml', 'file', undefined],
    // dotfiles and anything in dot-directories
    ['.git', 'dir', undefined],
    ['.git/objects/ab/cdef', 'file', undefined],
    ['.git/x.yaml', 'file', undefined],
    ['a/.hidden.yaml', 'file', undefined],
    ['a/.b.yaml.swp', 'file', undefined],
    ['a/.b.yaml.swx', 'unknown', undefined],
    // editor droppings and other non-YAML files
    ['a/b.yaml~', 'file', undefined],
    ['a/4913', 'file', undefined],
    ['a/b.yaml.tmp', 'file', undefined],
    ['a/b.yaml.12345', 'file', undefined],
    ['a/README.md', 'file', undefined],
    ['a/b.yml', 'file', undefined],
    ['.yaml', 'file', undefined],
    // directories kvdir would never name
    ['a/b.yaml', 'dir', undefined],
    ['a/%zz', 'dir', undefined],
    [`a/${'x'.repeat(220)}`, 'dir', undefined],
  ];

  it.each(cases)('%s (%s)', (relative, kind, scope) => {
    expect(scopeOfEvent(relative, kind)).toEqual(scope);
  });
});

describe('scope helpers', () => {
  it('clips scopes to the synced prefixes', () => {
    const prefixes = ['/calico/v1/config', '/calico/v1/policy'];
    expect(clipToPrefixes({ kind: 'key', path: '/calico/v1/config/x' }, prefixes)).toEqual([
      { kind: 'key', path: '/calico/v1/config/x' },
    ]);
    expect(clipToPrefixes({ kind: 'key', path: '/calico/v1/host/x' }, prefixes)).toEqual([]);
    expect(clipToPrefixes({ kind: 'tree', path: '/calico' }, prefixes)).toEqual([
      { kind: 'tree', path: '/calico/v1/config' },
      { kind: 'tree', path: '/calico/v1/policy' },
    ]);
    expect(clipToPrefixes({ kind: 'tree', path: '/other' }, prefixes)).toEqual([]);
    expect(
      clipToPrefixes({ kind: 'invalid', relative: 'calico/v1/policy/%zz.yaml' }, prefixes),
    ).toHaveLength(1);
    expect(clipToPrefixes({ kind: 'invalid', relative: '%zz.yaml' }, prefixes)).toEqual([]);
  });

  it('scope ids round-trip, and a second look at a tree has its own id', () => {
    const scopes: Scope[] = [
      { kind: 'key', path: '/a/b:c' },
      { kind: 'tree', path: '/a' },
      { kind: 'tree', path: '/a', again: true },
      { kind: 'invalid', relative: 'a/%zz.yaml' },
    ];
    for (const scope of scopes)
      expect(scopeFromId(scopeId(scope))).toEqual(
        scope.kind === 'tree' && scope.again !== true ? { kind: 'tree', path: scope.path } : scope,
      );
    expect(new Set(scopes.map(scopeId)).size).toBe(scopes.length);
  });
});
