/**
 * When has a watch caught up with the store? A watch created at an older revision first
 * replays history (etcd sends at most 1,000 revisions per response, about every 100 ms), and
 * `InSync` must wait for that.
 *
 * The signal is a progress reply: after a `progress_request`, etcd answers with watch id -1 and
 * its current revision H. On etcd 3.4.23 that reply is NOT ordered with the watch's events
 * (etcd-io/etcd#15220, fixed in 3.4.25 and 3.5.8): it is sent at once, often before the
 * catch-up. So H is only a target:
 * - once an event at or above H has arrived (`next > H`), the watch has seen everything up to
 *   H (events of one watch come in revision order);
 * - when the watch's range shows no change between `next` and H, there is nothing to wait
 *   for: `unchangedSince` asks etcd, at revision H, how many keys the range holds (it must be
 *   the number the consumer holds) and whether any has a `mod_revision` at or above `next`
 *   (there must be none). Together these say the range at H equals the picture. Events that
 *   may still come for that window are of keys created and deleted within it: they cancel out.
 * A progress reply is never taken as a resume point by itself for the same reason; a watch's
 * own periodic progress notification (its id, no events) is ordered, and is.
 */
import type { KVClient } from 'etcd3';
import type { PrefixWatch } from './prefix-watch.js';

/**
 * Whether the store at `revision` holds exactly what the consumer holds below the watch's
 * prefix: the same number of keys, none changed since `watch.next - 1`. One txn, at
 * `revision`; the counts read only etcd's index, the `min_mod_revision` probes return at most
 * one key without its value.
 */
export async function unchangedSince(
  kv: KVClient,
  watch: PrefixWatch,
  revision: number,
): Promise<boolean> {
  const at = String(revision);
  const since = String(watch.next);
  const held = watch.held;
  const response = await kv.txn({
    success: watch.parts.flatMap((part) => [
      { request_range: { ...part, revision: at, count_only: true } },
      {
        request_range: {
          ...part,
          revision: at,
          keys_only: true,
          min_mod_revision: since,
          limit: 1,
        },
      },
    ]),
  });
  let count = 0;
  for (const [i, { response_range: range }] of response.responses.entries()) {
    if (i % 2 === 0) count += Number(range.count);
    else if (range.kvs.length > 0) return false;
  }
  return count === held;
}
