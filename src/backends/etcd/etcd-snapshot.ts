/**
 * The etcd syncer's full look: every prefix listed in pages at ONE revision R and told to the
 * picture in chunks (KVNew the first time; later only what differs), then a sweep of what the
 * consumer holds and R does not (KVDeleted). Every watch resumes at R + 1 afterwards. The same
 * code serves the first snapshot, a resync after a cancelled watch or another cluster, and the
 * periodic resync.
 */
import type { Etcd3, IResponseHeader } from 'etcd3';
import { Batch } from '../../syncer/batch.js';
import type { ChangeSink } from '../../syncer/syncer.js';
import type { Etcd3Module } from './etcd-errors.js';
import { isCompacted } from './etcd-errors.js';
import type { EtcdView, InvalidState, KeyState } from './etcd-view.js';
import type { KeySpace } from './key-space.js';
import type { PrefixWatch } from './prefix-watch.js';
import { scanTrees } from './tree-reader.js';

/** Largest onUpdates array a snapshot sends. */
const CHUNK = 1000;

export interface SnapshotContext {
  lib: Etcd3Module;
  keys: KeySpace;
  pageSize: number;
  sink: ChangeSink<KeyState, InvalidState>;
  view: EtcdView;
}

/** Lists every watch's prefix at one revision; returns the header of the first response. */
export async function snapshot(
  { lib, keys, pageSize, sink, view }: SnapshotContext,
  client: Etcd3,
  watches: readonly PrefixWatch[],
): Promise<IResponseHeader> {
  const picture = sink.picture;
  let pass = picture.newPass();
  const counts = watches.map(() => 0);
  // Nothing held before, nothing to sweep after (the first snapshot): skip the walk over it.
  let sweep = watches.map((watch) => watch.held > 0);
  const batch = new Batch();
  const header = await scanTrees(
    {
      kv: client.kv,
      keys,
      pageSize,
      // No retries here: the syncer's loop tries again itself, after a backoff.
      read: (call) => call(),
      isCompacted: (err) => isCompacted(lib, err),
    },
    watches.map((watch) => watch.prefix),
    {
      page: (kvs, index) => {
        if (sink.stopped) throw new Error('the syncer stopped');
        const watch = watches[index]!;
        for (const kv of kvs) {
          counts[index]!++;
          view.present(batch, watch, keys.path(kv.key), kv, pass);
          if (batch.updates.length + batch.failures.length >= CHUNK) sink.deliver(batch.take());
        }
      },
      restart: () => {
        // What the voided pages marked may be gone at the new revision.
        pass = picture.newPass();
        counts.fill(0);
        sweep = watches.map(() => true);
      },
    },
  );
  const revision = Number(header.revision);
  for (const [index, watch] of watches.entries()) {
    if (sweep[index]!) view.sweep(batch, watch, pass);
    watch.held = counts[index]!;
    watch.next = revision + 1;
  }
  sink.deliver(batch);
  return header;
}
