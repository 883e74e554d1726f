/** What `main` reads and writes: injected, so tests pass memory streams and the bin passes `process`'s. */

/** A stream `main` writes text to (`process.stdout`, a PassThrough, or anything with `write`). */
export interface OutputStream {
  write(text: string): unknown;
  /** True on a terminal: `check` shows progress on stderr only then. */
  isTTY?: boolean;
}

export interface CliIO {
  /** Read by `-f -` only. */
  stdin: AsyncIterable<string | Uint8Array>;
  stdout: OutputStream;
  stderr: OutputStream;
  /** `KVDIR_ROOT` is read from here. */
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths (`--root`, `-f`) are resolved against it; default `process.cwd()`. */
  cwd?: string;
  /**
   * Aborted on SIGINT/SIGTERM (the bin) or by a test: `watch` then stops and exits 0; `edit`
   * waits for its editor to exit, writes nothing and exits 130; any other command is abandoned
   * with exit code 130.
   */
  signal?: AbortSignal;
}
