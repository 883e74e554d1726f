/** Paged reads of a subtree against a real etcd: one revision for every page, compaction. */
import { GRPCOutOfRangeError } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { KeySpace } from '../../../src/backends/etcd/key-space.js';
import type { Read } from '../../../src/backends/etcd/tree-reader.js';
import { readTree } from '../../../src/backends/etcd/tree-reader.js';
import { etcdStore, hasEtcd } from '../../helpers/etcd.js';
import { privateEtcd } from '../../helpers/etcd-server.js';

describe.runIf(hasEtcd)('readTree', () => {
  /** A store with the root key `/r` and keys `/r/0` .. `/r/6` beside a sibling `/r-x`. */
  async function seeded(endpoint?: string) {
    const store = etcdStore(endpoint);
    for (const path of ['/r', '/r-x', ...Array.from({ length: 7 }, (_, i) => `/r/${i}`)]) {
      await store.rawPut(path, '{}');
    }
    const keys = new KeySpace(store.namespace);
    let calls = 0;
    let afterFirstPage = async (): Promise<void> => {};
    const read: Read = async (call) => {
      const result = await call();
      if (++calls === 1) await afterFirstPage();
      return result;
    };
    const options = {
      kv: store.raw.kv,
      keys,
      pageSize: 2,
      read,
      isCompacted: (err: unknown) => err instanceof GRPCOutOfRangeError,
    };
    const paths = async () => (await readTree(options, '/r')).map((kv) => keys.path(kv.key));
    return {
      store,
      paths,
      afterFirstPage: (fn: () => Promise<void>) => (afterFirstPage = fn),
      calls: () => calls,
    };
  }

  it('reads every page at the revision of the first, so writes in between are not seen', async () => {
    const { store, paths, afterFirstPage, calls } = await seeded();
    afterFirstPage(() => store.rawPut('/r/3a', '{}'));
    expect(await paths()).toEqual(['/r', '/r/0', '/r/1', '/r/2', '/r/3', '/r/4', '/r/5', '/r/6']);
    expect(calls()).toBe(4);
    expect(await paths()).toContain('/r/3a');
  });

  it('starts over when a compaction removes that revision between pages', async () => {
    // Compaction drops every namespace's history: not on the server other tests share.
    const { store, paths, afterFirstPage, calls } = await seeded((await privateEtcd()).endpoint);
    afterFirstPage(async () => {
      await store.rawPut('/r/9', '{}');
      const { header } = await store.raw.kv.range({ key: Buffer.from('/') });
      await store.raw.kv.compact({ revision: header.revision, physical: true });
    });
    const listed = await paths();
    expect(calls()).toBeGreaterThan(4);
    expect(listed).toEqual(['/r', '/r/0', '/r/1', '/r/2', '/r/3', '/r/4', '/r/5', '/r/6', '/r/9']);
  });
});
