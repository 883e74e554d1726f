import { describe, expect, it } from 'vitest';
import { PathKey, UpdateType } from '../../src/index.js';
import { Batch } from '../../src/syncer/batch.js';
import { Picture } from '../../src/syncer/picture.js';

const key = (path: string) => new PathKey(path);
const read = (value: unknown) => () => ({ ok: true as const, value });

function sent(batch: Batch): Array<[string, number, string | undefined]> {
  return batch.updates.map((u) => [u.key.defaultPath(), u.updateType, u.revision]);
}

describe('Picture: what the consumer holds, and the update rule', () => {
  it('sends KVNew for a key not held, KVUpdated when its revision changes, nothing when it does not', () => {
    const picture = new Picture<string, never>();
    const batch = new Batch();
    picture.present(batch, '/a', key('/a'), 'r1', 's', read(1));
    picture.present(batch, '/a', key('/a'), 'r1', 's2', read(1));
    picture.present(batch, '/a', key('/a'), 'r2', 's3', read(2));
    expect(sent(batch)).toEqual([
      ['/a', UpdateType.KVNew, 'r1'],
      ['/a', UpdateType.KVUpdated, 'r2'],
    ]);
    expect(batch.updates.map((u) => u.value)).toEqual([1, 2]);
    // An unchanged revision still records the source's newest state.
    expect(picture.held('/a')?.state).toBe('s3');
  });

  it('presents a key it does not hold (presentNew) as present would: KVNew, then held', () => {
    const picture = new Picture<string, never>();
    const batch = new Batch();
    picture.presentNew(batch, '/a', key('/a'), 'r1', 's', () => ({ ok: true, value: 1, ttl: 5 }));
    picture.present(batch, '/a', key('/a'), 'r1', 's2', read(1));
    picture.presentNew(batch, '/b', key('/b'), 'r1', 's', () => ({ ok: false, rawValue: 'x:' }));
    expect(sent(batch)).toEqual([
      ['/a', UpdateType.KVNew, 'r1'],
      ['/b', UpdateType.KVNew, 'r1'],
    ]);
    expect(batch.updates[0]).toMatchObject({ value: 1, ttl: 5 });
    expect(batch.failures).toEqual([{ rawKey: '/b', rawValue: 'x:' }]);
    expect(picture.held('/a')?.state).toBe('s2');
    expect(picture.size).toBe(2);
  });

  it('reads a value only when an update goes out', () => {
    const picture = new Picture<string, never>();
    let reads = 0;
    const counted = () => {
      reads++;
      return { ok: true as const, value: 'v' };
    };
    picture.present(new Batch(), '/a', key('/a'), 'r1', 's', counted);
    picture.present(new Batch(), '/a', key('/a'), 'r1', 's', counted);
    expect(reads).toBe(1);
  });

  it('sends a value that did not parse with value undefined, and reports its text', () => {
    const picture = new Picture<string, never>();
    const batch = new Batch();
    picture.present(batch, '/a', key('/a'), 'r1', 's', () => ({ ok: false, rawValue: 'a: [' }));
    expect(batch.updates).toHaveLength(1);
    expect(batch.updates[0]).not.toHaveProperty('value');
    expect(batch.failures).toEqual([{ rawKey: '/a', rawValue: 'a: [' }]);
  });

  it('sends KVDeleted only for a key it holds', () => {
    const picture = new Picture<string, never>();
    const batch = new Batch();
    expect(picture.gone(batch, '/a')).toBe(false);
    picture.present(batch, '/a', key('/a'), 'r1', 's', read(1));
    expect(picture.gone(batch, '/a')).toBe(true);
    expect(picture.gone(batch, '/a')).toBe(false);
    expect(sent(batch)).toEqual([
      ['/a', UpdateType.KVNew, 'r1'],
      ['/a', UpdateType.KVDeleted, undefined],
    ]);
    expect(batch.deleted).toEqual(['/a']);
  });

  it('tells an entry that is not a key once per content, and with an empty value once gone', () => {
    const picture = new Picture<never, string>();
    const batch = new Batch();
    picture.notAKey(batch, '/x.yaml', 'p1', 'one', 'f');
    picture.notAKey(batch, '/x.yaml', 'p1', 'one', 'f');
    picture.notAKey(batch, '/x.yaml', 'p2', 'two', 'f');
    picture.notAKeyGone(batch, '/x.yaml');
    picture.notAKeyGone(batch, '/x.yaml');
    expect(batch.failures).toEqual([
      { rawKey: '/x.yaml', rawValue: 'one' },
      { rawKey: '/x.yaml', rawValue: 'two' },
      { rawKey: '/x.yaml', rawValue: '' },
    ]);
  });

  it('finds what a full look did not see, under its prefix only', () => {
    const picture = new Picture<string, string>();
    const batch = new Batch();
    for (const path of ['/p/a', '/p/b', '/q/c']) {
      picture.present(batch, path, key(path), 'r1', 's', read(1));
    }
    picture.notAKey(batch, '/p/x.yaml', 'p', 'x', 'file-x');
    const pass = picture.newPass();
    picture.mark('/p/a', pass);
    expect(picture.unmarkedKeys('/p', pass)).toEqual(['/p/b']);
    expect(picture.unmarkedInvalid('/p', pass)).toEqual([['/p/x.yaml', 'file-x']]);
    picture.markInvalid('/p/x.yaml', pass);
    expect(picture.unmarkedInvalid('/p', pass)).toEqual([]);
    // A key read and found again in the pass counts as seen.
    picture.present(batch, '/p/b', key('/p/b'), 'r2', 's', read(2), pass);
    expect(picture.unmarkedKeys('/p', pass)).toEqual([]);
  });

  it('forgets everything as gone when the datastore goes away', () => {
    const picture = new Picture<string, string>();
    const batch = new Batch();
    picture.present(batch, '/a', key('/a'), 'r1', 's', read(1));
    picture.notAKey(batch, '/b.yaml', 'p', 'b', 'f');
    const after = new Batch();
    picture.forgetAll(after);
    expect(sent(after)).toEqual([['/a', UpdateType.KVDeleted, undefined]]);
    expect(after.failures).toEqual([{ rawKey: '/b.yaml', rawValue: '' }]);
    expect(picture.held('/a')).toBeUndefined();
  });
});
