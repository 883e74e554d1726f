/**
 * What the consumer holds, and the one rule that turns what a change source observed into the
 * updates to send (libcalico-go's watchercache): a key not held is `KVNew`; a held key whose
 * revision changed is `KVUpdated`; a held key that is gone is `KVDeleted`; an unchanged
 * revision sends nothing. Entries that are not keys (a path the key parser refuses) are held
 * too, so that each is told to `parseFailed` once per content and again with '' once gone.
 *
 * A full look (a resync) marks what it sees with a new pass number; what stays unmarked under
 * the looked-at prefix is what the source must look at again (it may be gone). Pure: no I/O;
 * the source keeps its own data about each entry in the `state` slot.
 */
import type { Key } from '../model/key.js';
import { isUnder } from '../model/key-path.js';
import { UpdateType } from '../model/kv.js';
import type { Update } from '../model/kv.js';
import type { Batch } from './batch.js';
import type { CachedKey } from './key-cache.js';
import { KeyCache } from './key-cache.js';

/** What a source read for a key whose update goes out: its value, or the text that did not parse. */
export type ReadValue =
  { ok: true; value: unknown; ttl?: number } | { ok: false; rawValue: string; ttl?: number };

interface HeldInvalid<I> {
  /** A fingerprint of the content last told to parseFailed. */
  print: string;
  state: I;
  mark?: number;
}

export class Picture<K, I> {
  readonly #keys = new KeyCache<K>();
  readonly #invalid = new Map<string, HeldInvalid<I>>();
  #passes = 0;

  /** A new mark for a full look. */
  newPass(): number {
    return ++this.#passes;
  }

  held(path: string): CachedKey<K> | undefined {
    return this.#keys.get(path);
  }

  /** How many keys are held. */
  get size(): number {
    return this.#keys.size;
  }

  /** Every key held, with what the source keeps about it. */
  entries(): IterableIterator<[string, CachedKey<K>]> {
    return this.#keys.entries();
  }

  heldInvalid(rawKey: string): Readonly<HeldInvalid<I>> | undefined {
    return this.#invalid.get(rawKey);
  }

  /**
   * The key at `path` exists with `revision`. Sends `KVNew` or `KVUpdated` unless the consumer
   * holds that revision already; `read` is called only when an update goes out (a value that
   * did not parse goes out with `value` undefined and is told to parseFailed).
   */
  present(
    batch: Batch,
    path: string,
    key: Key,
    revision: string,
    state: K,
    read: () => ReadValue,
    pass?: number,
  ): void {
    const held = this.#keys.get(path);
    if (held !== undefined && held.revision === revision) {
      held.state = state;
      if (pass !== undefined) held.mark = pass;
      return;
    }
    this.#send(batch, path, key, revision, state, read, pass, held === undefined);
  }

  /**
   * `present` for a key that `held(path)` has just said is not held, with nothing done to the
   * picture in between: sends `KVNew` without looking the key up again (a miss in a map of
   * 100,000 keys is about a microsecond; a syncer's restart presents every key this way).
   */
  presentNew(
    batch: Batch,
    path: string,
    key: Key,
    revision: string,
    state: K,
    read: () => ReadValue,
  ): void {
    this.#send(batch, path, key, revision, state, read, undefined, true);
  }

  #send(
    batch: Batch,
    path: string,
    key: Key,
    revision: string,
    state: K,
    read: () => ReadValue,
    pass: number | undefined,
    isNew: boolean,
  ): void {
    const updateType = isNew ? UpdateType.KVNew : UpdateType.KVUpdated;
    const update: Update = { key, revision, updateType };
    const found = read();
    if (found.ok) update.value = found.value;
    else batch.failures.push({ rawKey: path, rawValue: found.rawValue });
    if (found.ttl !== undefined) update.ttl = found.ttl;
    batch.updates.push(update);
    // One shape for every entry (a mark added later would move its properties out of line).
    this.#keys.set(path, { key, revision, state, mark: pass });
  }

  /** The key at `path` was seen unchanged by full look `pass` (not read again). */
  mark(path: string, pass: number): void {
    const held = this.#keys.get(path);
    if (held !== undefined) held.mark = pass;
  }

  /** The key at `path` is gone: `KVDeleted` if the consumer holds it. Says whether it did. */
  gone(batch: Batch, path: string): boolean {
    const held = this.#keys.get(path);
    if (held === undefined) return false;
    this.#keys.delete(path);
    batch.updates.push({ key: held.key, updateType: UpdateType.KVDeleted });
    batch.deleted.push(path);
    return true;
  }

  /** An entry that is not a key, with content `print`: told to parseFailed unless told already. */
  notAKey(
    batch: Batch,
    rawKey: string,
    print: string,
    rawValue: string,
    state: I,
    pass?: number,
  ): void {
    const known = this.#invalid.get(rawKey);
    this.#invalid.set(rawKey, pass === undefined ? { print, state } : { print, state, mark: pass });
    if (known?.print !== print) batch.failures.push({ rawKey, rawValue });
  }

  /** The entry that was not a key was seen unchanged by full look `pass`. */
  markInvalid(rawKey: string, pass: number): void {
    const known = this.#invalid.get(rawKey);
    if (known !== undefined) known.mark = pass;
  }

  /** The entry that was not a key is gone: told to parseFailed with '' if it was told before. */
  notAKeyGone(batch: Batch, rawKey: string): void {
    if (this.#invalid.delete(rawKey)) batch.failures.push({ rawKey, rawValue: '' });
  }

  /** Held keys at or below `prefix` that full look `pass` did not see. */
  unmarkedKeys(prefix: string, pass: number): string[] {
    return this.#keys.pathsUnder(prefix).filter((path) => this.#keys.get(path)?.mark !== pass);
  }

  /** Held entries that are not keys, at or below `prefix`, that full look `pass` did not see. */
  unmarkedInvalid(prefix: string, pass: number): Array<[string, I]> {
    const found: Array<[string, I]> = [];
    for (const [rawKey, held] of this.#invalid) {
      if (held.mark !== pass && isUnder(rawKey, prefix)) found.push([rawKey, held.state]);
    }
    return found;
  }

  /** Everything held, as gone (the datastore went away). */
  forgetAll(batch: Batch): void {
    for (const path of [...this.#keys.paths()]) this.gone(batch, path);
    for (const rawKey of [...this.#invalid.keys()]) this.notAKeyGone(batch, rawKey);
  }
}
