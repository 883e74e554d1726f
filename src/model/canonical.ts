/**
 * One key, one path. Calico's parsers accept forms they never write: any policy tier, `%2F`
 * as well as `%2f`, a `%` that is not `%25`, a CIDR with host bits, leading zeros, IPv6 not in
 * canonical form. Each such path parses to a key whose own path names another file, so a
 * hand-written file would be a second copy of a key, and a command-line path would act on
 * another key's file. A path from a file or the command line therefore names a key only when
 * that key's `defaultPath()` is exactly the path. Pure; the parsers stay as libcalico-go has
 * them, and this rule is applied where paths come in: list, the syncer, check, the CLI.
 */
import type { Key } from './key.js';

export type CanonicalVerdict =
  /** The path is the key's own path. */
  | { kind: 'key'; key: Key }
  /** The parser takes no key from this path. */
  | { kind: 'none' }
  /** The path parses to `key`, whose own path is `canonical`: not a key. */
  | { kind: 'not-canonical'; key: Key; canonical: string };

/** The key `parse` takes from `path`, kept only when its own path is `path` (see above). */
export function parseCanonical(
  parse: (path: string) => Key | null,
  path: string,
): CanonicalVerdict {
  const key = parse(path);
  if (key === null) return { kind: 'none' };
  const canonical = key.defaultPath();
  return canonical === path ? { kind: 'key', key } : { kind: 'not-canonical', key, canonical };
}
