/**
 * What the etcd source observes, told to the shared `Picture`, which turns it into updates:
 * a key-value read by a snapshot or carried by a put event is present at its `mod_revision`
 * (the revision the writing client got back); a delete event makes the key gone. One watch
 * response is folded per key first (its last event wins), so that a key created and deleted
 * within one response sends nothing, and the whole response is one batch.
 *
 * A path the key parser refuses, or one that is not its key's own path (model/canonical.ts), is
 * told to `parseFailed` (once per content, and with '' once deleted); a value that does not decode goes out with `value` undefined and is told to
 * `parseFailed` too. Each held key keeps a hash of its bytes: the same revision with other
 * bytes means another cluster answers now (restored or rebuilt), and the key is sent again.
 */
import type { IEvent, IKeyValue } from 'etcd3';
import { parseCanonical } from '../../model/canonical.js';
import type { Key } from '../../model/key.js';
import type { Batch } from '../../syncer/batch.js';
import type { Picture, ReadValue } from '../../syncer/picture.js';
import type { SyncerSettings } from '../../syncer/options.js';
import type { KeySpace } from './key-space.js';
import type { PrefixWatch } from './prefix-watch.js';
import { decodeValue } from './value-codec.js';

/** What the source keeps about a held key: a hash of its bytes. */
export type KeyState = number;
/** What it keeps about an entry that is not a key: nothing (its print says it all). */
export type InvalidState = undefined;

export class EtcdView {
  readonly #picture: Picture<KeyState, InvalidState>;
  readonly #keys: KeySpace;
  readonly #keyFromPath: SyncerSettings['keyFromPath'];

  constructor(picture: Picture<KeyState, InvalidState>, keys: KeySpace, settings: SyncerSettings) {
    this.#picture = picture;
    this.#keys = keys;
    this.#keyFromPath = settings.keyFromPath;
  }

  /**
   * The events of one watch response, into `batch`. Events below `watch.next` are old news;
   * siblings of the prefix are not ours. Returns the revision of the last event.
   */
  fold(batch: Batch, watch: PrefixWatch, events: readonly IEvent[]): number {
    const last = new Map<string, IEvent>();
    for (const event of events) {
      if (Number(event.kv.mod_revision) < watch.next) continue;
      const path = this.#keys.path(event.kv.key);
      if (!watch.covers(path)) continue;
      // Re-inserted, so that the batch follows the order of each key's last event.
      last.delete(path);
      last.set(path, event);
    }
    for (const [path, event] of last) {
      if (event.type === 'Put') this.present(batch, watch, path, event.kv);
      else this.gone(batch, watch, path);
    }
    return Number(events.at(-1)?.kv.mod_revision ?? 0);
  }

  /** A key-value that exists (from a snapshot page, marked with `pass`, or a put event). */
  present(batch: Batch, watch: PrefixWatch, path: string, kv: IKeyValue, pass?: number): void {
    const picture = this.#picture;
    const hash = fnv1a(kv.value);
    const key = this.#keyOf(path);
    if (key === null) {
      if (picture.heldInvalid(path) === undefined) watch.held++;
      const print = `${kv.mod_revision}:${hash}`;
      picture.notAKey(batch, path, print, kv.value.toString('utf8'), undefined, pass);
      return;
    }
    const held = picture.held(path);
    if (held === undefined) watch.held++;
    else if (held.revision === kv.mod_revision && held.state !== hash) {
      // Another cluster's key at a revision the consumer holds: no update can say that, so
      // the old key goes and the new one comes, in this one batch.
      picture.gone(batch, path);
    }
    picture.present(batch, path, key, kv.mod_revision, hash, () => this.#read(key, path, kv), pass);
  }

  /** The key at `path` was deleted. */
  gone(batch: Batch, watch: PrefixWatch, path: string): void {
    const picture = this.#picture;
    if (picture.gone(batch, path)) watch.held--;
    else if (picture.heldInvalid(path) !== undefined) {
      picture.notAKeyGone(batch, path);
      watch.held--;
    }
  }

  /** After a full look with `pass`: what the consumer holds below the prefix and it did not see is gone. */
  sweep(batch: Batch, watch: PrefixWatch, pass: number): void {
    for (const path of this.#picture.unmarkedKeys(watch.prefix, pass)) {
      this.gone(batch, watch, path);
    }
    for (const [rawKey] of this.#picture.unmarkedInvalid(watch.prefix, pass)) {
      this.gone(batch, watch, rawKey);
    }
  }

  /** The key of a path, or null (told as not a key): refused, or not its key's own path. */
  #keyOf(path: string): Key | null {
    try {
      const parsed = parseCanonical(this.#keyFromPath, path);
      return parsed.kind === 'key' ? parsed.key : null;
    } catch {
      // A keyFromPath of the consumer's that throws: not a key, rather than a stuck syncer.
      return null;
    }
  }

  #read(key: Key, path: string, kv: IKeyValue): ReadValue {
    try {
      return { ok: true, value: decodeValue(key, kv.value, path, this.#keys.namespace) };
    } catch {
      return { ok: false, rawValue: kv.value.toString('utf8') };
    }
  }
}

/** FNV-1a, 32 bits: cheap enough for every event, and only ever compared at equal revisions. */
export function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i]!;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
