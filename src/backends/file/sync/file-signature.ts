/**
 * Stat signatures: how a full resync tells, without reading a file, that it has not changed
 * since it was last read. A signature is the inode, size, mtime and ctime of the value file
 * and of its sidecar.
 *
 * File times have a coarse granularity (a kernel tick, a millisecond on memfs), so a file
 * rewritten in place with the same size within one tick of being read keeps its signature.
 * As git does with its "racily clean" index entries, a signature taken less than
 * RACY_MARGIN_MS after the file's last change is not trusted: it is stored as '' and the
 * next look reads the file again. File times are wall-clock times, so this compares them
 * with the wall clock (`wallNow` of the clock port), not with its TTL time.
 */
import type { StatsLike } from '../fs-like.js';

export const RACY_MARGIN_MS = 100;

type StampStats = Pick<StatsLike, 'ino' | 'size' | 'mtimeMs' | 'ctimeMs'>;

/** The signature of a file (and of its sidecar, where it has one), or '' when it is not to be trusted yet. */
export function fileSignature(
  file: StampStats,
  sidecar: StampStats | undefined,
  takenAt: number,
): string {
  if (isRacy(file, takenAt) || (sidecar !== undefined && isRacy(sidecar, takenAt))) return '';
  return statIdentity(file, sidecar);
}

/** The stat identity of a file and its sidecar, however fresh: equal identities, no change seen. */
export function statIdentity(file: StampStats, sidecar: StampStats | undefined): string {
  // Joined, not concatenated: a flat string, where `+` would keep a tree of pieces in a cache of 100,000 keys.
  return [statPart(file), sidecar === undefined ? '-' : statPart(sidecar)].join('|');
}

export function isRacy(stats: StampStats, takenAt: number): boolean {
  return Math.max(Number(stats.mtimeMs), Number(stats.ctimeMs)) > takenAt - RACY_MARGIN_MS;
}

function statPart(stats: StampStats): string {
  return [stats.ino, stats.size, stats.mtimeMs, stats.ctimeMs].join(':');
}
