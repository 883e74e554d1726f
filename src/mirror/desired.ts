/**
 * What the directory says etcd should hold, key path by key path, as the bytes EtcdBackend
 * would store: the source syncer's updates, each checked and encoded once. A file that cannot
 * become a value (YAML that does not parse, a value of the wrong shape for its key, a path
 * that is not a key, a value too large for etcd) is held as `skip` with the reason: it is
 * never taken for "absent", so etcd keeps its last good value (git2consul #126 is the failure
 * this prevents). Pure: encoding and the size limit are the target's, passed in.
 */
import type { Key } from '../model/key.js';
import type { Update } from '../model/kv.js';
import { UpdateType } from '../model/kv.js';
import { checkValue } from '../model/value-check.js';
import { formatIssue } from '../model/value-issues.js';

export type DesiredEntry =
  { kind: 'value'; bytes: Buffer; ttlMs?: number } | { kind: 'skip'; reason: string };

/** What the desired picture needs of the target. */
export interface Encoder {
  encode(key: Key, value: unknown): Buffer;
  tooLarge(path: string, bytes: Buffer): string | undefined;
}

const DOES_NOT_PARSE = 'does not parse (YAML, or not a value of its key; see kvdir check)';

export class DesiredPicture {
  readonly #entries = new Map<string, DesiredEntry>();
  readonly #encoder: Encoder;

  constructor(encoder: Encoder) {
    this.#encoder = encoder;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(path: string): DesiredEntry | undefined {
    return this.#entries.get(path);
  }

  paths(): IterableIterator<string> {
    return this.#entries.keys();
  }

  /** Applies one update of the source syncer; returns the key path it concerns. */
  update(update: Update): string {
    const path = update.key.defaultPath();
    if (update.updateType === UpdateType.KVDeleted) this.#entries.delete(path);
    else this.#entries.set(path, this.#entryOf(update.key, path, update));
    return path;
  }

  /**
   * An entry the source could not read as a key's value (`parseFailed`): held as skipped, so
   * that no etcd key at its path is deleted for it; `''` says the entry is gone (unless the
   * path is a key whose update says otherwise). Returns the path.
   */
  parseFailed(rawKey: string, rawValue: string): string {
    const held = this.#entries.get(rawKey);
    if (rawValue === '') {
      if (held?.kind === 'skip') this.#entries.delete(rawKey);
    } else {
      this.#entries.set(rawKey, { kind: 'skip', reason: DOES_NOT_PARSE });
    }
    return rawKey;
  }

  #entryOf(key: Key, path: string, update: Update): DesiredEntry {
    if (update.value === undefined) return { kind: 'skip', reason: DOES_NOT_PARSE };
    // What EtcdBackend's writes refuse, the mirror does not write either.
    const issues = checkValue(key, update.value);
    if (issues[0] !== undefined) {
      return { kind: 'skip', reason: `does not fit its key: ${formatIssue(issues[0])}` };
    }
    let bytes: Buffer;
    try {
      bytes = this.#encoder.encode(key, update.value);
    } catch (err) {
      return { kind: 'skip', reason: `has no encoding: ${(err as Error).message}` };
    }
    const tooLarge = this.#encoder.tooLarge(path, bytes);
    if (tooLarge !== undefined) return { kind: 'skip', reason: tooLarge };
    const ttlMs = update.ttl;
    return ttlMs !== undefined && ttlMs > 0
      ? { kind: 'value', bytes, ttlMs }
      : { kind: 'value', bytes };
  }
}
