/**
 * A test-only knob: a function called synchronously at each step of a write, so that a test can
 * stall the event loop exactly there (a busy-wait longer than `lock.stale`) and check that the
 * write then never lands. Kept off the public API: not exported from the package; tests and
 * their child processes import this module directly.
 */

/** The steps of a write, in order. */
export type WriteStep =
  /** The key's lock is held and the checks passed; nothing written yet. */
  | 'locked'
  /** The temp files are written, not yet fsynced. */
  | 'temp-written'
  /** The fsync of the value's temp file was issued and has not completed. */
  | 'fsync-started'
  /** Everything is ready: next come the ownership check and the renames. */
  | 'commit';

export const writeSteps: { onStep: ((step: WriteStep, file: string) => void) | undefined } = {
  onStep: undefined,
};

export function reachedStep(step: WriteStep, file: string): void {
  writeSteps.onStep?.(step, file);
}
