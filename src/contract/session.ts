/**
 * One contract test's datastore: opened fresh, and every client and syncer it made closed at
 * the end, whether the test passed or not (the runner's hooks are not needed).
 */
import type { Client, KvdirError, Syncer, SyncerOptions } from '../index.js';
import { Recorder } from './recorder.js';
import type { ContractOptions, OpenOptions, Opened, RawAccess, Supports } from './types.js';

export class Session {
  readonly client: Client;
  readonly raw: RawAccess;
  readonly supports: Supports;
  /** Entries `list` skipped and reported (collected, so that they do not go to stderr). */
  readonly listErrors: KvdirError[];
  readonly #opened: Opened;
  readonly #clients: Client[] = [];
  readonly #syncers: Array<{ syncer: Syncer; rec: Recorder }> = [];

  constructor(opened: Opened, supports: Supports, listErrors: KvdirError[]) {
    this.#opened = opened;
    this.listErrors = listErrors;
    this.client = opened.client;
    this.raw = opened.raw;
    this.supports = supports;
    this.#clients.push(opened.client);
  }

  /** Another client on the same datastore. */
  reopen(options?: OpenOptions): Client {
    const client = this.#opened.reopen(options);
    this.#clients.push(client);
    return client;
  }

  /** Moves the datastore's fake clock; fails where the backend runs in real time. */
  advance(ms: number): void {
    if (this.#opened.advance === undefined) throw new Error('this backend has no fake clock');
    this.#opened.advance(ms);
  }

  /** A started syncer recording into a new Recorder, stopped at the end of the test. */
  syncer(options: SyncerOptions = {}, client = this.client): { syncer: Syncer; rec: Recorder } {
    const rec = new Recorder();
    const syncer = client.syncer(rec, options);
    this.#syncers.push({ syncer, rec });
    syncer.start();
    return { syncer, rec };
  }

  async close(): Promise<void> {
    await Promise.all(this.#syncers.map(({ syncer }) => syncer.stop()));
    for (const { rec } of this.#syncers) rec.stopped = true;
    await Promise.all(this.#clients.map((client) => client.close()));
    await this.#opened.dispose?.();
  }
}

/** Runs `body` on a fresh datastore, closing everything it opened afterwards. */
export function inSession(
  contract: ContractOptions,
  body: (session: Session) => Promise<void>,
): () => Promise<void> {
  return async () => {
    const listErrors: KvdirError[] = [];
    const opened = await contract.open({ onListError: (error) => listErrors.push(error) });
    const session = new Session(opened, contract.supports, listErrors);
    try {
      await body(session);
    } finally {
      await session.close();
    }
  };
}
