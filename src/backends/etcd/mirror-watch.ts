/**
 * The mirror's drift watch: one raw watch stream on a prefix from a revision, whose changes
 * carry the bytes and `mod_revision` of each key, so the mirror can compare them with the
 * files'. It does not resume by itself: when the stream breaks or etcd cancels the watch (a
 * compaction passed it), it says so once and ends, and the mirror reads the prefix again at a
 * new revision and watches from there (the mirror keeps no resume point of its own: every
 * recovery is a full diff, as every start is).
 */
import type { Etcd3, IWatchResponse } from 'etcd3';
import { isUnder } from '../../model/key-path.js';
import type { KeySpace } from './key-space.js';
import type { MirrorChange, MirrorWatch, MirrorWatchHandlers } from './mirror-types.js';
import { entryOf } from './mirror-txn.js';
import { PrefixWatch } from './prefix-watch.js';
import type { StreamMessage } from './watch-stream.js';
import { WatchStream } from './watch-stream.js';

export async function watchPrefix(
  client: Etcd3,
  keys: KeySpace,
  prefix: string,
  fromRevision: string,
  handlers: MirrorWatchHandlers,
): Promise<MirrorWatch> {
  const watch = new PrefixWatch(prefix, keys);
  let ended = false;
  let stream: WatchStream | undefined;
  const end = (error: Error): void => {
    if (ended) return;
    ended = true;
    stream?.close();
    handlers.ended(error);
  };
  const onMessage = (message: StreamMessage): void => {
    if (ended) return;
    if (message.kind === 'ended') {
      end(message.error ?? new Error('the watch stream ended'));
      return;
    }
    const { response } = message;
    if (response.canceled) {
      end(new Error(canceledReason(response)));
      return;
    }
    const changes = changesOf(response, keys, prefix);
    if (changes.length > 0) handlers.changes(changes);
  };
  stream = await WatchStream.open(client, onMessage);
  if (ended) stream.close();
  else stream.create(watch.range, Number(fromRevision));
  return {
    close: () => {
      ended = true;
      stream?.close();
    },
  };
}

/** The changes of a response at or below the prefix (the watched range may hold siblings). */
function changesOf(response: IWatchResponse, keys: KeySpace, prefix: string): MirrorChange[] {
  const changes: MirrorChange[] = [];
  for (const event of response.events) {
    const path = keys.path(event.kv.key);
    if (!isUnder(path, prefix)) continue;
    const revision = event.kv.mod_revision;
    changes.push({ path, revision, entry: event.type === 'Put' ? entryOf(event.kv) : undefined });
  }
  return changes;
}

function canceledReason(response: IWatchResponse): string {
  const compacted = Number(response.compact_revision) > 0;
  return compacted
    ? `etcd cancelled the watch: compacted at revision ${response.compact_revision}`
    : `etcd cancelled the watch: ${response.cancel_reason || 'no reason given'}`;
}
