/**
 * Revisions: pure rules over the sidecar that sits beside each value file.
 *
 * The sidecar holds the key's incarnation (random, new at every create), its generation (a
 * counter bumped by every kvdir write, under the key's lock), a fingerprint of the content
 * kvdir last wrote, and the expiry of a TTL. The revision a reader sees is
 * - `<incarnation>.<generation>` when the file still holds what kvdir wrote;
 * - `<incarnation>.<generation>.<fingerprint>` when it was edited outside kvdir since;
 * - `0.<fingerprint>` when there is no sidecar (a fresh clone): stable, and a read never writes.
 * All are hex digits and dots, so a revision is safe to paste into a shell.
 * A new incarnation makes every revision after a delete and re-create differ from all before.
 *
 * An update renames its sidecar into place first and its value file second, so the value
 * file's rename is the one step at which the write lands. Until then the new sidecar sits
 * beside the old content; it carries the key's state before the write (`p`: the fingerprint
 * of the content then and the sidecar then), and a reader that finds that content goes by that
 * state (`effectiveSidecar`): the same revision and expiry as before the write. So a write
 * that fails (or a process that dies) between the two renames changes nothing a reader sees.
 */
import { createHash } from 'node:crypto';
import { uniqueId } from './unique-id.js';

export interface Sidecar {
  /** Incarnation: new at every create. */
  i: string;
  /** Generation: 1 at create, +1 at every write. */
  g: number;
  /** Fingerprint of the value file's bytes as kvdir wrote them. */
  h: string;
  /** Expiry (ms since the epoch) of a write with a TTL. */
  e?: number;
  /** The key's state before the write of this sidecar, while its value file may still hold it. */
  p?: Previous;
}

/** A key's state before a write: what a reader goes by until the write's value file is in place. */
export interface Previous {
  /** Fingerprint of the value file's bytes before the write. */
  f: string;
  /** The sidecar that applied to them (none: the key had no sidecar). */
  s: Sidecar | null;
}

/**
 * The sidecar a reader goes by for content with `contentFingerprint`: the sidecar itself, or
 * the state it records from before its write when the value file still holds that content.
 */
export function effectiveSidecar(
  sidecar: Sidecar | undefined,
  contentFingerprint: string,
): Sidecar | undefined {
  const previous = sidecar?.p;
  if (sidecar === undefined || previous === undefined || sidecar.h === contentFingerprint)
    return sidecar;
  return previous.f === contentFingerprint ? (previous.s ?? undefined) : sidecar;
}

/** A content fingerprint: 64 bits of SHA-1, in hex (16 characters). */
export function fingerprint(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex').slice(0, 16);
}

export function revisionOf(sidecar: Sidecar | undefined, contentFingerprint: string): string {
  if (sidecar === undefined) return `0.${contentFingerprint}`;
  // Joined, not concatenated: a flat string. The syncer keeps a revision per key, and `+` kept
  // a tree of pieces (3 MB more at 100,000 keys).
  const base = [sidecar.i, sidecar.g].join('.');
  return sidecar.h === contentFingerprint ? base : `${base}.${contentFingerprint}`;
}

/** A key's value file and sidecars before a write. */
export interface Before {
  /** Fingerprint of the value file's bytes. */
  fingerprint: string;
  /** The sidecar readers go by (see `effectiveSidecar`). */
  sidecar: Sidecar | undefined;
  /** The sidecar file as written, which may record a write that never landed. */
  written: Sidecar | undefined;
}

/**
 * The sidecar after a write of content with `contentFingerprint`. `before`: the key's files
 * before the write, when it has a value file. A generation written once, even by a write
 * that never landed, is never used again for other content.
 */
export function nextSidecar(
  current: Sidecar | undefined,
  existed: boolean,
  contentFingerprint: string,
  expiresAt: number | undefined,
  before?: Before,
): Sidecar {
  const keep = existed && current !== undefined;
  const written = before?.written;
  // A write that never landed may have written a later generation of this incarnation.
  const lastWritten = written !== undefined && written.i === current?.i ? written.g : 0;
  const next: Sidecar = {
    i: keep ? current.i : newIncarnation(),
    g: keep ? Math.max(current.g, lastWritten) + 1 : 1,
    h: contentFingerprint,
  };
  if (expiresAt !== undefined) next.e = expiresAt;
  if (before !== undefined) next.p = { f: before.fingerprint, s: withoutPrevious(before.sidecar) };
  return next;
}

function withoutPrevious(sidecar: Sidecar | undefined): Sidecar | null {
  if (sidecar === undefined) return null;
  const { p: _previous, ...rest } = sidecar;
  return rest;
}

function newIncarnation(): string {
  return uniqueId();
}

export function encodeSidecar(sidecar: Sidecar): string {
  return `${JSON.stringify(sidecar)}\n`;
}

/** Parses a sidecar; anything malformed counts as no sidecar (it is rewritten on next write). */
export function decodeSidecar(text: string): Sidecar | undefined {
  try {
    return sidecarOf(JSON.parse(text), true);
  } catch {
    return undefined;
  }
}

function sidecarOf(data: unknown, withPrevious: boolean): Sidecar | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { i, g, h, e, p } = data as Record<string, unknown>;
  if (typeof i !== 'string' || typeof h !== 'string') return undefined;
  if (typeof g !== 'number' || !Number.isSafeInteger(g) || g < 1) return undefined;
  const sidecar: Sidecar = { i, g, h };
  if (typeof e === 'number' && Number.isFinite(e)) sidecar.e = e;
  const previous = withPrevious ? previousOf(p) : undefined;
  if (previous !== undefined) sidecar.p = previous;
  return sidecar;
}

/** A malformed record of the state before is dropped: the sidecar then reads as it says. */
function previousOf(data: unknown): Previous | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { f, s } = data as Record<string, unknown>;
  if (typeof f !== 'string') return undefined;
  if (s === null) return { f, s: null };
  const sidecar = sidecarOf(s, false);
  return sidecar === undefined ? undefined : { f, s: sidecar };
}

/** When the key expires (ms since the epoch); undefined for a key written without a TTL. */
export function expiryOf(sidecar: Sidecar | undefined): number | undefined {
  return sidecar?.e;
}

/**
 * Whether the value file holds exactly the bytes kvdir wrote with this sidecar: no outside edit,
 * and no write of kvdir's between its sidecar and its value file.
 */
export function holdsWrittenBytes(
  sidecar: Sidecar | undefined,
  contentFingerprint: string,
): boolean {
  return sidecar !== undefined && sidecar.h === contentFingerprint;
}

export function isExpired(sidecar: Sidecar | undefined, now: number): boolean {
  return sidecar?.e !== undefined && sidecar.e <= now;
}
