/**
 * The mirror's pure rules, table by table: the diff by bytes (plan.ts), the safety valves
 * (safety.ts), txn splitting (chunks.ts), what the directory says (desired.ts) and what etcd
 * holds as of which revision (actual.ts). No etcd here; mirror-etcd.test.ts covers the wiring.
 */
import { describe, expect, it } from 'vitest';
import type { MirrorEntry, MirrorWrite } from '../../src/backends/etcd/mirror-types.js';
import { PathKey, PolicyKey, UpdateType } from '../../src/index.js';
import { ActualPicture } from '../../src/mirror/actual.js';
import { splitWrites } from '../../src/mirror/chunks.js';
import type { DesiredEntry } from '../../src/mirror/desired.js';
import { DesiredPicture } from '../../src/mirror/desired.js';
import { planPaths } from '../../src/mirror/plan.js';
import { judge } from '../../src/mirror/safety.js';

const b = (text: string): Buffer => Buffer.from(text);
const value = (text: string, ttlMs?: number): DesiredEntry =>
  ttlMs === undefined
    ? { kind: 'value', bytes: b(text) }
    : { kind: 'value', bytes: b(text), ttlMs };
const entry = (text: string, modRevision: string, leased = false): MirrorEntry => ({
  bytes: b(text),
  modRevision,
  leased,
});

function plan(desired: Record<string, DesiredEntry>, actual: Record<string, MirrorEntry>) {
  const paths = new Set([...Object.keys(desired), ...Object.keys(actual)]);
  return planPaths(paths, { desired: (p) => desired[p], actual: (p) => actual[p] });
}

describe('planPaths: the diff by bytes', () => {
  it('creates, updates and deletes exact keys with their guards, in path order; leaves equal bytes alone', () => {
    const result = plan(
      { '/b/new': value('{"a":1}'), '/a/same': value('{"x":1}'), '/a/changed': value('{"x":2}') },
      {
        '/a/same': entry('{"x":1}', '7'),
        '/a/changed': entry('{"x":1}', '8'),
        '/a/gone': entry('{}', '9'),
      },
    );
    expect(result.writes).toEqual([
      { kind: 'update', path: '/a/changed', bytes: b('{"x":2}'), modRevision: '8' },
      { kind: 'delete', path: '/a/gone', modRevision: '9' },
      { kind: 'create', path: '/b/new', bytes: b('{"a":1}') },
    ]);
    expect(result.unchanged).toEqual(['/a/same']);
    expect(result.skipped).toEqual([]);
  });

  it('compares bytes, not values: other JSON for the same value is rewritten', () => {
    const result = plan({ '/a': value('{"x":1}') }, { '/a': entry('{ "x": 1 }', '3') });
    expect(result.writes.map((w) => w.kind)).toEqual(['update']);
  });

  it('skips a file that does not parse, whether or not etcd has a value, and never deletes for it', () => {
    const broken: DesiredEntry = { kind: 'skip', reason: 'does not parse' };
    const result = plan({ '/a': broken, '/b': broken }, { '/a': entry('{"good":1}', '3') });
    expect(result.writes).toEqual([]);
    expect(result.skipped).toEqual([
      { path: '/a', reason: 'does not parse', kept: true },
      { path: '/b', reason: 'does not parse', kept: false },
    ]);
  });

  it('puts a file with a TTL on a lease, and takes a key off its lease when the file has none', () => {
    const result = plan(
      { '/ttl': value('1', 5000), '/leased': value('2'), '/both': value('3', 5000) },
      { '/ttl': entry('1', '3'), '/leased': entry('2', '4', true), '/both': entry('3', '5', true) },
    );
    expect(result.writes).toEqual([
      { kind: 'update', path: '/leased', bytes: b('2'), modRevision: '4' },
      { kind: 'update', path: '/ttl', bytes: b('1'), modRevision: '3', ttlMs: 5000 },
    ]);
    expect(result.unchanged).toEqual(['/both']);
  });
});

describe('judge: the safety valves', () => {
  const deletes = (n: number) => ({
    writes: Array.from({ length: n }, (_, i): MirrorWrite => ({
      kind: 'delete',
      path: `/k${i}`,
      modRevision: '1',
    })),
    skipped: [],
    unchanged: [],
  });
  const options = { force: false, maxDeleteShare: 0.1 };

  it.each([
    { deletes: 4, keys: 40, ok: true },
    { deletes: 5, keys: 40, ok: false },
    { deletes: 1, keys: 3, ok: true }, // a plan may always delete one key
    { deletes: 2, keys: 3, ok: false },
    { deletes: 0, keys: 0, ok: true },
  ])('$deletes deletes of $keys keys: ok $ok', ({ deletes: n, keys, ok }) => {
    expect(judge(deletes(n), { desired: 10, actual: keys }, options).ok).toBe(ok);
  });

  it('refuses to prune everything for a directory with no keys, and says why', () => {
    const verdict = judge(deletes(1), { desired: 0, actual: 1 }, options);
    expect(verdict).toEqual({
      ok: false,
      reason: 'empty-source',
      deletes: 1,
      keys: 1,
      message: 'the directory has no keys, and pruning would delete all 1 keys',
    });
  });

  it('says the share of a large prune; force applies anything', () => {
    const verdict = judge(deletes(5), { desired: 35, actual: 40 }, options);
    expect(verdict).toMatchObject({
      ok: false,
      reason: 'large-prune',
      message: 'the pass would delete 5 of 40 keys (12.5 % > 10 %)',
    });
    expect(judge(deletes(40), { desired: 0, actual: 40 }, { ...options, force: true }).ok).toBe(
      true,
    );
  });
});

describe('splitWrites: txns etcd accepts', () => {
  const writes = Array.from({ length: 300 }, (_, i): MirrorWrite => ({
    kind: 'create',
    path: `/k${i}`,
    bytes: b('x'),
  }));

  it('cuts at the op limit and at the byte limit; a write over the byte limit goes alone', () => {
    expect(
      splitWrites(writes, { maxOps: 128, maxBytes: 1e9 }, () => 1).map((c) => c.length),
    ).toEqual([128, 128, 44]);
    expect(
      splitWrites(writes.slice(0, 10), { maxOps: 128, maxBytes: 100 }, () => 30).map(
        (c) => c.length,
      ),
    ).toEqual([3, 3, 3, 1]);
    expect(
      splitWrites(writes.slice(0, 3), { maxOps: 128, maxBytes: 100 }, () => 500).map(
        (c) => c.length,
      ),
    ).toEqual([1, 1, 1]);
    expect(splitWrites([], { maxOps: 128, maxBytes: 100 }, () => 1)).toEqual([]);
  });
});

describe('DesiredPicture: what the directory says', () => {
  const encoder = {
    encode: (_key: unknown, v: unknown) => b(JSON.stringify(v)),
    tooLarge: (_path: string, bytes: Buffer) => (bytes.length > 20 ? 'too large' : undefined),
  };

  it('encodes values, skips what does not parse, does not fit its key, or is too large', () => {
    const desired = new DesiredPicture(encoder);
    const policy = new PolicyKey({ name: 'p' });
    desired.update({ key: new PathKey('/ok'), value: { a: 1 }, updateType: UpdateType.KVNew });
    desired.update({ key: new PathKey('/broken'), updateType: UpdateType.KVNew });
    desired.update({
      key: policy,
      value: { selector: 'all()', order: 'first' },
      updateType: UpdateType.KVNew,
    });
    desired.update({
      key: new PathKey('/big'),
      value: 'x'.repeat(30),
      updateType: UpdateType.KVNew,
    });
    desired.update({ key: new PathKey('/ttl'), value: 1, ttl: 2000, updateType: UpdateType.KVNew });
    expect(desired.get('/ok')).toEqual(value('{"a":1}'));
    expect(desired.get('/broken')).toMatchObject({
      kind: 'skip',
      reason: expect.stringMatching(/does not parse/),
    });
    expect(desired.get(policy.defaultPath())).toMatchObject({
      kind: 'skip',
      reason: expect.stringMatching(/^does not fit its key: order/),
    });
    expect(desired.get('/big')).toEqual({ kind: 'skip', reason: 'too large' });
    expect(desired.get('/ttl')).toEqual(value('1', 2000));
    desired.update({ key: new PathKey('/ok'), updateType: UpdateType.KVDeleted });
    expect(desired.get('/ok')).toBeUndefined();
  });

  it('holds a file that is not a key as skipped, until it is gone', () => {
    const desired = new DesiredPicture(encoder);
    desired.parseFailed('/calico/v1/notes.txt', 'hello');
    expect(desired.get('/calico/v1/notes.txt')?.kind).toBe('skip');
    desired.parseFailed('/calico/v1/notes.txt', '');
    expect(desired.size).toBe(0);
  });
});

describe('ActualPicture: the mirror tells its own writes from foreign ones by revision', () => {
  it('ignores watch events at or below what it knows of a key; applies newer ones', () => {
    const actual = new ActualPicture();
    actual.reset({ revision: '10', entries: new Map([['/a', entry('1', '5')]]) });
    expect(actual.observe({ path: '/a', revision: '9', entry: entry('0', '9') })).toBe(false);
    actual.applied([{ kind: 'update', path: '/a', bytes: b('2'), modRevision: '5' }], '12');
    // The event of the mirror's own txn: already known.
    expect(actual.observe({ path: '/a', revision: '12', entry: entry('2', '12') })).toBe(false);
    // A foreign write after it.
    expect(actual.observe({ path: '/a', revision: '13', entry: entry('3', '13') })).toBe(true);
    expect(actual.get('/a')?.bytes.toString()).toBe('3');
    expect(actual.observe({ path: '/b', revision: '11', entry: undefined })).toBe(true);
    actual.current(new Map([['/a', undefined]]), '15');
    expect(actual.get('/a')).toBeUndefined();
    expect(actual.observe({ path: '/a', revision: '14', entry: entry('4', '14') })).toBe(false);
  });
});
