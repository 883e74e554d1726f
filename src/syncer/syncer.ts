/**
 * The syncer machine every backend shares (libcalico-go's watchersyncer): statuses, delivery
 * of batches to the consumer's callbacks, callback safety, warnings, and a lifecycle whose
 * `stop()` is remembered and after which nothing is called. What changed comes from a
 * `ChangeSource` (the file backend walks and watches a tree; the etcd backend lists and
 * watches a prefix), which reports through a `ChangeSink` and turns what it observed into
 * updates with the shared `Picture`.
 *
 * A started syncer keeps the process alive until it is stopped, in every status: a service
 * whose only work is a syncer waiting for its datastore must not end by itself.
 */
import type { Syncer, SyncerCallbacks } from '../model/api.js';
import { DatastoreError } from '../model/errors.js';
import type { ErrorCode, KvdirError } from '../model/errors.js';
import type { SyncStatus } from '../model/kv.js';
import type { Batch } from './batch.js';
import type { SyncerSettings } from './options.js';
import { Picture } from './picture.js';

/** What a change source reports through. */
export interface ChangeSink<K, I> {
  readonly settings: SyncerSettings;
  /** What the consumer holds; the source turns what it observes into updates with it. */
  readonly picture: Picture<K, I>;
  /** True once `stop()` was called: a long look gives up early. */
  readonly stopped: boolean;
  status(status: SyncStatus): void;
  /** Sends a batch (its parse failures first); says how many updates and failures it sent. */
  deliver(batch: Batch): number;
  /** Something the source recovered from, told to `onWarning`. */
  warn(code: ErrorCode, message: string, cause: unknown): void;
}

/** The port each backend implements: where changes come from. */
export interface ChangeSource<K, I> {
  /** Reports through `sink` until `stop()`; resolves once it calls the sink no more. */
  run(sink: ChangeSink<K, I>): Promise<void>;
  /** Asks `run` to end as soon as it can. */
  stop(): void;
}

/** Longest delay Node's timers take; the keep-alive timer never fires in practice. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class SyncerMachine<K, I> implements Syncer, ChangeSink<K, I> {
  readonly settings: SyncerSettings;
  readonly picture = new Picture<K, I>();
  readonly #callbacks: SyncerCallbacks;
  readonly #source: ChangeSource<K, I>;
  readonly #onStopped: () => void;
  #status: SyncStatus | undefined;
  #started = false;
  #stopped = false;
  #running: Promise<void> = Promise.resolve();
  #stopping: Promise<void> | undefined;
  #keepAlive: NodeJS.Timeout | undefined;

  constructor(
    callbacks: SyncerCallbacks,
    settings: SyncerSettings,
    source: ChangeSource<K, I>,
    onStopped: () => void,
  ) {
    this.#callbacks = callbacks;
    this.settings = settings;
    this.#source = source;
    this.#onStopped = onStopped;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#keepAlive = setInterval(() => undefined, MAX_TIMER_MS);
    this.#running = this.#source.run(this).catch((err: unknown) => {
      this.warn('ERR_SYNCER_ERROR', `the syncer stopped: ${errorMessage(err)}`, err);
    });
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  status(status: SyncStatus): void {
    if (this.#stopped || status === this.#status) return;
    this.#status = status;
    this.#call(() => this.#callbacks.onStatusUpdated(status));
  }

  deliver(batch: Batch): number {
    if (this.#stopped) return 0;
    const parseFailed = this.#callbacks.parseFailed;
    if (parseFailed !== undefined) {
      for (const { rawKey, rawValue } of batch.failures) {
        this.#call(() => parseFailed.call(this.#callbacks, rawKey, rawValue));
      }
    }
    if (batch.updates.length > 0) this.#call(() => this.#callbacks.onUpdates(batch.updates));
    return batch.updates.length + batch.failures.length;
  }

  /**
   * Something the syncer recovered from, told to `onWarning`. A callback that throws does not
   * stop the syncer: the warning and the callback's error go to process warnings instead.
   */
  warn(code: ErrorCode, message: string, cause: unknown): void {
    if (this.#stopped) return;
    const warning = new DatastoreError(message, { code, cause });
    const onWarning = this.settings.onWarning;
    if (onWarning === undefined) return emitWarning(warning);
    try {
      onWarning(warning);
    } catch (err) {
      emitWarning(warning);
      emitWarning(
        new DatastoreError(`onWarning threw: ${errorMessage(err)}`, {
          code: 'ERR_CALLBACK_ERROR',
          cause: err,
        }),
      );
    }
  }

  async #shutdown(): Promise<void> {
    this.#stopped = true;
    this.#source.stop();
    await this.#running;
    clearInterval(this.#keepAlive);
    this.#onStopped();
  }

  /** A callback that throws is the consumer's bug: it is rethrown outside the syncer's loop. */
  #call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The default `onWarning`: a process warning, `(node:PID) Warning: kvdir syncer: ...`. */
function emitWarning(warning: KvdirError): void {
  process.emitWarning(`kvdir syncer: ${warning.message}`, { code: warning.code });
}
