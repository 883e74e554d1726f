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
}

/** A content fingerprint: 64 bits of SHA-1, in hex (16 characters). */
export function fingerprint(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex').slice(0, 16);
}

export function revisionOf(sidecar: Sidecar | undefined, contentFingerprint: string): string {
  if (sidecar === undefined) return `0.${contentFingerprint}`;
  const base = `${sidecar.i}.${sidecar.g}`;
  return sidecar.h === contentFingerprint ? base : `${base}.${contentFingerprint}`;
}

/** True for a revision of content changed outside kvdir since its last write (or never written by it). */
export function isOutsideRevision(revision: string): boolean {
  return revision.startsWith('0.') || revision.split('.').length === 3;
}

/** The sidecar after a write of content with `contentFingerprint`. */
export function nextSidecar(
  current: Sidecar | undefined,
  existed: boolean,
  contentFingerprint: string,
  expiresAt: number | undefined,
): Sidecar {
  const keep = existed && current !== undefined;
  const next: Sidecar = {
    i: keep ? current.i : newIncarnation(),
    g: keep ? current.g + 1 : 1,
    h: contentFingerprint,
  };
  if (expiresAt !== undefined) next.e = expiresAt;
  return next;
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
    const data: unknown = JSON.parse(text);
    if (typeof data !== 'object' || data === null) return undefined;
    const { i, g, h, e } = data as Record<string, unknown>;
    if (typeof i !== 'string' || typeof h !== 'string') return undefined;
    if (typeof g !== 'number' || !Number.isSafeInteger(g) || g < 1) return undefined;
    const sidecar: Sidecar = { i, g, h };
    if (typeof e === 'number' && Number.isFinite(e)) sidecar.e = e;
    return sidecar;
  } catch {
    return undefined;
  }
}

export function isExpired(sidecar: Sidecar | undefined, now: number): boolean {
  return sidecar?.e !== undefined && sidecar.e <= now;
}
