/**
 * One raw gRPC watch stream (`client.watchClient.watch()`), never etcd3's `WatchBuilder`: the
 * builder moves its resume point to `header.revision + 1` after every response, so a cut
 * during a catch-up loses events (etcd-notes §3.6); it drops `compact_revision`; and it
 * rethrows listener errors. Here the caller keeps its own resume point and sees every response
 * as it came.
 *
 * Watches are created in order, each answered by a `created` response in the same order (etcd
 * answers control requests first in, first out), which gives each its watch id. Everything the
 * stream says, its end included, goes to one `onMessage`, once the stream has ended nothing
 * more does.
 */
import type { Etcd3, IWatchResponse } from 'etcd3';
import type { KeyRange } from './key-space.js';

export type StreamMessage =
  { kind: 'response'; response: IWatchResponse } | { kind: 'ended'; error: Error | undefined };

type Duplex = Awaited<ReturnType<Etcd3['watchClient']['watch']>>;

export class WatchStream {
  /** Opens a stream; its responses and its end go to `onMessage`. */
  static async open(
    client: Etcd3,
    onMessage: (message: StreamMessage) => void,
  ): Promise<WatchStream> {
    return new WatchStream(await client.watchClient.watch(), onMessage);
  }

  readonly #duplex: Duplex;
  readonly #ids = new Set<string>();
  #ended = false;

  private constructor(duplex: Duplex, onMessage: (message: StreamMessage) => void) {
    this.#duplex = duplex;
    const end = (error: Error | undefined): void => {
      if (this.#ended) return;
      this.#ended = true;
      onMessage({ kind: 'ended', error });
    };
    // An error listener always: without one, a stream error would crash the process.
    duplex.on('error', (err) => end(err));
    duplex.on('end', () => end(undefined));
    duplex.on('data', (response: IWatchResponse) => {
      if (this.#ended) return;
      if (response.created && !response.canceled) this.#ids.add(response.watch_id);
      onMessage({ kind: 'response', response });
    });
  }

  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Watches `range` from `startRevision`, with progress notifications. No `prev_kv`: a delete
   * needs only its key, and big deletes stay half the size.
   */
  create(range: KeyRange, startRevision: number): void {
    this.#write({
      create_request: {
        key: range.key,
        range_end: range.range_end,
        start_revision: String(startRevision),
        progress_notify: true,
      },
    });
  }

  /** Asks for a progress reply (watch id -1, the store's revision; see catch-up.ts). */
  requestProgress(): void {
    this.#write({ progress_request: {} });
  }

  /**
   * Cancels every watch, half-closes, then cancels the call: etcd keeps a stream open after
   * the client's half-close (etcd3 issues #60, #62), and only the cancel releases it. Nothing
   * is told to `onMessage` after this.
   */
  close(): void {
    if (!this.#ended) {
      for (const id of this.#ids) this.#write({ cancel_request: { watch_id: id } });
    }
    this.#ended = true;
    // After end() the stream is no longer writable, so etcd3 does not take the cancel's
    // CANCELLED error for a failed host (which would close the client's other services).
    this.#duplex.end();
    this.#duplex.cancel();
  }

  #write(request: Parameters<Duplex['write']>[0]): void {
    if (!this.#ended) this.#duplex.write(request);
  }
}
