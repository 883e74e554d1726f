/**
 * A syncer consumer for tests: records statuses, batches and parse failures, applies every
 * update in order to a "picture" (key path -> last update), checks the contract as it goes
 * (no empty batch, no KVNew for a key it holds, no KVUpdated or KVDeleted for one it does not,
 * no callback after stop), and waits for conditions by polling, never by fixed sleeps.
 */
import type { SyncStatus, SyncerCallbacks, Update } from '../index.js';
import { UpdateType, syncStatusToString } from '../index.js';

export interface Failure {
  rawKey: string;
  rawValue: string;
}

/** What the consumer holds for one key. */
export interface Held {
  revision: string | undefined;
  value: unknown;
  update: Update;
}

export class Recorder implements SyncerCallbacks {
  readonly statuses: SyncStatus[] = [];
  readonly batches: Update[][] = [];
  readonly failures: Failure[] = [];
  readonly picture = new Map<string, Held>();
  /** Contract violations seen so far; tests expect this to stay empty. */
  readonly violations: string[] = [];
  /** Set by the test once stop() resolved: any later callback is a violation. */
  stopped = false;
  /** The time of each batch (performance.now()), parallel to `batches`. */
  readonly batchTimes: number[] = [];
  readonly statusTimes: number[] = [];

  onStatusUpdated(status: SyncStatus): void {
    if (this.stopped) this.violations.push(`status ${syncStatusToString(status)} after stop`);
    const last = this.statuses.at(-1);
    if (status === last)
      this.violations.push(`status ${syncStatusToString(status)} twice in a row`);
    this.statuses.push(status);
    this.statusTimes.push(performance.now());
  }

  onUpdates(updates: Update[]): void {
    if (this.stopped) this.violations.push('onUpdates after stop');
    if (updates.length === 0) this.violations.push('empty onUpdates');
    this.batches.push(updates);
    this.batchTimes.push(performance.now());
    for (const update of updates) this.#apply(update);
  }

  parseFailed(rawKey: string, rawValue: string): void {
    if (this.stopped) this.violations.push('parseFailed after stop');
    this.failures.push({ rawKey, rawValue });
  }

  get status(): SyncStatus | undefined {
    return this.statuses.at(-1);
  }

  /** Every update since batch number `mark` (see `mark()`), flattened. */
  updatesSince(mark: number): Update[] {
    return this.batches.slice(mark).flat();
  }

  /** A bookmark into the batches: pass it to `updatesSince` or `batchesSince`. */
  mark(): number {
    return this.batches.length;
  }

  batchesSince(mark: number): Update[][] {
    return this.batches.slice(mark);
  }

  /** The picture as path -> revision. */
  revisions(): Map<string, string | undefined> {
    return new Map([...this.picture].map(([path, held]) => [path, held.revision]));
  }

  /** Polls `predicate` until it holds; fails with `what` (and the recorder's state) after `timeoutMs`. */
  async waitFor(
    predicate: () => boolean | Promise<boolean>,
    what: string,
    timeoutMs = 20_000,
  ): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (await predicate()) return;
      if (performance.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${this.describe()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  }

  /** Waits until the status list, from index `from`, contains `status`. */
  async waitForStatus(status: SyncStatus, from = 0, timeoutMs = 20_000): Promise<void> {
    await this.waitFor(
      () => this.statuses.slice(from).includes(status),
      `status ${syncStatusToString(status)}`,
      timeoutMs,
    );
  }

  /** Waits for an update of `path` with `predicate` since batch `mark`. */
  async waitForUpdate(
    path: string,
    predicate: (update: Update) => boolean,
    mark = 0,
    timeoutMs = 20_000,
  ): Promise<Update> {
    let found: Update | undefined;
    await this.waitFor(
      () => {
        found = this.updatesSince(mark).find(
          (update) => update.key.defaultPath() === path && predicate(update),
        );
        return found !== undefined;
      },
      `an update of ${path}`,
      timeoutMs,
    );
    return found as Update;
  }

  describe(): string {
    const statuses = this.statuses.map((status) => syncStatusToString(status)).join(' -> ');
    const last = this.batches
      .slice(-3)
      .map((batch) =>
        batch
          .slice(0, 5)
          .map((update) => `${kindName(update.updateType)} ${update.key.defaultPath()}`)
          .join(', '),
      )
      .join(' | ');
    return `statuses [${statuses}], ${this.batches.length} batches (last: ${last}), picture ${this.picture.size} keys, ${this.failures.length} parse failures, violations ${JSON.stringify(this.violations)}`;
  }

  #apply(update: Update): void {
    const path = update.key.defaultPath();
    const held = this.picture.get(path);
    switch (update.updateType) {
      case UpdateType.KVNew:
        if (held !== undefined) this.violations.push(`KVNew for ${path}, which the consumer holds`);
        this.picture.set(path, { revision: update.revision, value: update.value, update });
        break;
      case UpdateType.KVUpdated:
        if (held === undefined)
          this.violations.push(`KVUpdated for ${path}, which the consumer does not hold`);
        if (held !== undefined && held.revision === update.revision)
          this.violations.push(`KVUpdated for ${path} with an unchanged revision`);
        this.picture.set(path, { revision: update.revision, value: update.value, update });
        break;
      case UpdateType.KVDeleted:
        if (held === undefined)
          this.violations.push(`KVDeleted for ${path}, which the consumer does not hold`);
        if (update.value !== undefined) this.violations.push(`KVDeleted for ${path} with a value`);
        this.picture.delete(path);
        break;
      default:
        this.violations.push(`update of unknown type ${String(update.updateType)} for ${path}`);
    }
  }
}

export function kindName(type: number): string {
  return ['KVUnknown', 'KVNew', 'KVUpdated', 'KVDeleted'][type] ?? `type ${type}`;
}
