/**
 * The clock port: TTL expiry and the syncer's timers read time only through this, so tests
 * can move time themselves.
 */
export interface Clock {
  /** Milliseconds since the epoch: when TTLs expire, when timers are due. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /**
   * The wall clock that file times are compared with (is a file's stat fresh enough to trust?).
   * Default `Date.now()`; a test clock moves it with its own time so that no test waits for a
   * file to age.
   */
  wallNow?(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** The wall-clock time of `clock`, for comparisons with file times. */
export function wallNow(clock: Clock): number {
  return clock.wallNow?.() ?? Date.now();
}
