/**
 * The mirror's step (mirror-state.ts) against an in-memory etcd that checks the guards as etcd
 * does: a foreign write between the read and the txn fails the txn, whose keys are planned
 * again from what the refused txn returned; refusals, skips and drift are told once; a dry run
 * writes nothing. No etcd here: mirror-etcd.test.ts runs the same against a real one.
 */
import { describe, expect, it } from 'vitest';
import type {
  CommitResult,
  MirrorEntry,
  MirrorWrite,
} from '../../src/backends/etcd/mirror-types.js';
import { PathKey, UpdateType } from '../../src/index.js';
import type { MirrorEvent } from '../../src/mirror/index.js';
import type { Committer } from '../../src/mirror/mirror-state.js';
import { MirrorState } from '../../src/mirror/mirror-state.js';
import { settingsOf } from '../../src/mirror/options.js';

/** etcd as far as the mirror sees it: keys with bytes and mod_revisions, guarded txns. */
class MemoryEtcd implements Committer {
  readonly limits = { maxOps: 2, maxBytes: 1e6 };
  readonly keys = new Map<string, MirrorEntry>();
  revision = 1;
  txns = 0;
  /** Runs once before the next txn is checked: a foreign writer racing the mirror. */
  beforeNext: (() => void) | undefined;

  writeBytes(): number {
    return 1;
  }

  put(path: string, text: string): void {
    this.keys.set(path, {
      bytes: Buffer.from(text),
      modRevision: String(++this.revision),
      leased: false,
    });
  }

  read() {
    return { revision: String(this.revision), entries: new Map(this.keys) };
  }

  async commit(writes: readonly MirrorWrite[]): Promise<CommitResult> {
    this.txns++;
    const race = this.beforeNext;
    this.beforeNext = undefined;
    race?.();
    const holds = writes.every((w) => {
      const have = this.keys.get(w.path);
      return w.kind === 'create' ? have === undefined : have?.modRevision === w.modRevision;
    });
    if (!holds) {
      const current = new Map(writes.map((w) => [w.path, this.keys.get(w.path)]));
      return { ok: false, revision: String(this.revision), current };
    }
    const revision = String(++this.revision);
    for (const w of writes) {
      if (w.kind === 'delete') this.keys.delete(w.path);
      else this.keys.set(w.path, { bytes: w.bytes, modRevision: revision, leased: false });
    }
    return { ok: true, revision };
  }

  text(): Record<string, string> {
    return Object.fromEntries([...this.keys].map(([path, e]) => [path, e.bytes.toString()]));
  }
}

function setup(options: Parameters<typeof settingsOf>[0] = {}) {
  const events: MirrorEvent[] = [];
  const encoder = {
    encode: (_k: unknown, v: unknown) => Buffer.from(JSON.stringify(v)),
    tooLarge: () => undefined,
  };
  const state = new MirrorState(settingsOf(options), encoder, (e) => events.push(e));
  const etcd = new MemoryEtcd();
  const files = (values: Record<string, unknown>) =>
    state.onUpdates(
      Object.entries(values).map(([path, value]) =>
        value === undefined
          ? { key: new PathKey(path), updateType: UpdateType.KVDeleted }
          : { key: new PathKey(path), value, updateType: UpdateType.KVNew },
      ),
    );
  const step = () => state.reconcile(etcd, () => true);
  return { state, etcd, events, files, step };
}

const kinds = (events: MirrorEvent[]) =>
  events.map((e) => ('path' in e ? `${e.type} ${e.path}` : e.type));

describe('MirrorState.reconcile', () => {
  it('makes etcd equal to the files, in txns of at most maxOps writes, and rewrites nothing equal', async () => {
    const { state, etcd, events, files, step } = setup();
    etcd.put('/a', '1');
    etcd.put('/b', '"old"');
    etcd.put('/gone', '0');
    files({ '/a': 1, '/b': 'new', '/c': true });
    state.onRead(etcd.read());
    const counts = await step();
    expect(etcd.text()).toEqual({ '/a': '1', '/b': '"new"', '/c': 'true' });
    expect(counts).toMatchObject({ created: 1, updated: 1, deleted: 1, unchanged: 1 });
    expect(etcd.txns).toBe(2);
    expect(kinds(events)).toEqual(['updated /b', 'created /c', 'deleted /gone']);
    expect(state.outcome()).toMatchObject({ inSync: true, created: 1, updated: 1, deleted: 1 });
  });

  it('plans again the keys whose guard failed, from what the refused txn returned', async () => {
    const { state, etcd, events, files, step } = setup();
    etcd.put('/a', '0');
    files({ '/a': 1, '/b': 2 });
    state.onRead(etcd.read());
    // A foreign writer changes /a and creates /b, both as the files say, after the read.
    etcd.beforeNext = () => {
      etcd.put('/a', '5');
      etcd.put('/b', '2');
    };
    await step();
    expect(etcd.text()).toEqual({ '/a': '1', '/b': '2' });
    expect(kinds(events)).toEqual(['conflict', 'updated /a']);
    expect(events[0]).toMatchObject({ paths: ['/a', '/b'] });
    expect(etcd.txns).toBe(2);
  });

  it('refuses a large prune once, writes nothing of that plan, and applies it with force', async () => {
    const { state, etcd, events, files, step } = setup();
    for (let i = 0; i < 10; i++) etcd.put(`/k${i}`, '0');
    files(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`/k${i}`, 1])));
    state.onRead(etcd.read());
    expect((await step()).refused).toBe(true);
    expect((await step()).refused).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['refused']);
    expect(etcd.text()['/k0']).toBe('0');
    expect(state.outcome()).toMatchObject({ inSync: false, refused: true });
  });

  it("skips a file that does not parse once, keeping etcd's last good value", async () => {
    const { state, etcd, events, step } = setup();
    etcd.put('/a', '{"good":true}');
    state.onParseFailed('/a', 'a: [');
    state.onUpdates([{ key: new PathKey('/a'), updateType: UpdateType.KVUpdated }]);
    state.onRead(etcd.read());
    await step();
    await step();
    expect(etcd.text()).toEqual({ '/a': '{"good":true}' });
    expect(events).toEqual([
      { type: 'skipped', path: '/a', reason: expect.stringMatching(/does not parse/), kept: true },
    ]);
    expect(state.outcome()).toMatchObject({ inSync: false, skipped: 1 });
  });

  it('plans but writes nothing in a dry run', async () => {
    const { state, etcd, events, files, step } = setup({ dryRun: true });
    files({ '/a': 1 });
    state.onRead(etcd.read());
    await step();
    expect(etcd.keys.size).toBe(0);
    expect(events).toEqual([{ type: 'created', path: '/a', dryRun: true, healed: false }]);
    expect(state.outcome().inSync).toBe(false);
  });

  it('sets a foreign change back, or only reports it without heal', async () => {
    for (const heal of [true, false]) {
      const { state, etcd, events, files, step } = setup({ heal });
      files({ '/a': 1 });
      state.onRead(etcd.read());
      await step();
      etcd.put('/a', '99');
      etcd.put('/x', '"foreign"');
      state.onChanges(
        ['/a', '/x'].map((path) => ({
          path,
          revision: etcd.keys.get(path)!.modRevision,
          entry: etcd.keys.get(path),
        })),
      );
      await step();
      if (heal) {
        expect(etcd.text()).toEqual({ '/a': '1' });
        expect(events.slice(1)).toMatchObject([
          { type: 'updated', path: '/a', healed: true },
          { type: 'deleted', path: '/x', healed: true },
        ]);
      } else {
        expect(etcd.text()).toEqual({ '/a': '99', '/x': '"foreign"' });
        expect(kinds(events.slice(1))).toEqual(['drift /a', 'drift /x']);
      }
    }
  });
});
