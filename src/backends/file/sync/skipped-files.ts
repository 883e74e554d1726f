/**
 * Files the syncer skips, as list() skips them: a symbolic link, a FIFO or other special
 * file, a file over `maxValueBytes`, a directory it cannot read. Each is told once while it
 * stays skipped for the same reason, and again after it was gone, read fine, or skipped for
 * another reason. Files are named by their path below the root (`/a/b.yaml`, `/a/dir`), never
 * by key path, so a value file and a directory of the same key are told apart.
 *
 * A walk forgets what it no longer sees: after walk `walk` of an area, an entry in the area
 * that the walk did not skip again is dropped.
 */
export class SkippedFiles {
  readonly #tell: (file: string, error: Error & { code?: string }) => void;
  /** File -> the code it was told with, and the walk that last skipped it. */
  readonly #entries = new Map<string, { code: string; walk: number }>();

  constructor(tell: (file: string, error: Error & { code?: string }) => void) {
    this.#tell = tell;
  }

  get size(): number {
    return this.#entries.size;
  }

  skip(file: string, error: Error & { code?: string }, walk: number): void {
    const code = typeof error.code === 'string' ? error.code : '';
    const known = this.#entries.get(file);
    this.#entries.set(file, { code, walk });
    if (known?.code !== code) this.#tell(file, error);
  }

  /** The file was read fine, or is gone. */
  clear(file: string): void {
    this.#entries.delete(file);
  }

  clearAll(): void {
    this.#entries.clear();
  }

  /** After walk `walk` of `dir` (`''` is the whole tree) and of `ownFile` (the prefix's own value file). */
  sweep(walk: number, dir: string, ownFile: string | undefined): void {
    for (const [file, entry] of this.#entries) {
      const inArea = file === ownFile || dir === '' || file === dir || file.startsWith(`${dir}/`);
      if (inArea && entry.walk !== walk) this.#entries.delete(file);
    }
  }
}
