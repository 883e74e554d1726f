/**
 * Which directory each of a watcher's directory watches is bound to. A watch follows an
 * inode, not a name: when a directory is replaced under its name (renamed over an empty one,
 * removed and re-created faster than the watcher noticed), the watcher keeps listening to the
 * old one and reports nothing that happens in the new one. Knowing the identity (inode) each
 * watch was set up with tells such a replacement apart when an event points at the directory.
 * The map is pure; `directoryIdentity` reads one identity.
 */
import { lstatSeen } from '../../fs-like.js';

/**
 * The identity of the directory at `path`; undefined when it is gone, a file or a link. The
 * inode number alone is not one: ext4 gives a removed directory's inode to the next one made.
 */
export function directoryIdentity(path: string): string | undefined {
  const stats = lstatSeen(path);
  return stats?.isDirectory() === true ? identityFromStats(stats) : undefined;
}

export function identityFromStats(stats: {
  ino: number | bigint;
  birthtimeMs?: number | bigint;
}): string {
  // Joined, not concatenated: a flat string (the directory watcher keeps one per directory,
  // and `+` kept a tree of three pieces: 9 MB more at 203,000 directories).
  return [String(stats.ino), String(stats.birthtimeMs ?? '')].join(':');
}

export class DirIdentities {
  readonly #identities = new Map<string, string>();

  has(dir: string): boolean {
    return this.#identities.has(dir);
  }

  /** The watch of `dir` is (now) bound to `identity`. */
  set(dir: string, identity: string): void {
    this.#identities.set(dir, identity);
  }

  /** `dir` and every directory below it are no longer watched. */
  forget(dir: string): void {
    this.#identities.delete(dir);
    for (const known of this.#below(dir)) this.#identities.delete(known);
  }

  /** After the subtree at `dir` was watched anew: each known directory below gets its identity now (or goes). */
  renewBelow(dir: string, identityOf: (dir: string) => string | undefined): void {
    for (const known of this.#below(dir)) {
      const identity = identityOf(known);
      if (identity === undefined) this.#identities.delete(known);
      else this.#identities.set(known, identity);
    }
  }

  #below(dir: string): string[] {
    const prefix = `${dir}/`;
    return [...this.#identities.keys()].filter((known) => known.startsWith(prefix));
  }

  /** True when `dir` is known with another identity than `identity`: it was replaced since its watch was set up. */
  replaced(dir: string, identity: string): boolean {
    const known = this.#identities.get(dir);
    return known !== undefined && known !== identity;
  }
}
