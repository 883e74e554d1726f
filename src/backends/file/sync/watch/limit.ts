/** The user's inotify watch limit, and the share of it one syncer takes. */
import { readFileSync } from 'node:fs';

/**
 * Half of the user's inotify watches (Linux; Infinity elsewhere or when it cannot be read):
 * the limit is per user and shared with everything else that user runs (kubelet, containerd,
 * editors), so one syncer must not take it all (issue 19: at 100,000 endpoints a watch per
 * directory hit ENOSPC at 192,527 of 203,004 directories).
 */
export function defaultMaxWatches(): number {
  const limit = readLimit();
  return limit === undefined ? Number.POSITIVE_INFINITY : Math.floor(limit / 2);
}

/** `fs.inotify.max_user_watches`, or undefined where there is none. */
export function readLimit(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const value = Number(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim());
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
