/**
 * Key paths (`/a/b/c`): their shape rules and the small operations on them that the rest of
 * kvdir shares (parent, is-under, a set of prefixes). Pure. Rules that come from files (the
 * `.yaml` suffix, the byte length of a file name) belong to the file backend's layout.
 */
import { ValidationError } from './errors.js';

/** What is wrong with a key path, or undefined for a valid one. */
export function keyPathProblem(path: string): string | undefined {
  if (typeof path !== 'string') return 'must be a string';
  if (!path.startsWith('/')) return "must start with '/'";
  if (path === '/') return "must name a key below '/'";
  if (path.endsWith('/')) return "must not end with '/'";
  if (path.includes('//')) return "must not contain an empty segment ('//')";
  if (path.includes('\0')) return 'must not contain a NUL character';
  // A file name is UTF-8: a lone surrogate cannot be written, and Node writes each one as
  // U+FFFD, so `/a\uD800`, `/a\uDC00` and `/a\uFFFD` would share one file.
  if (LONE_SURROGATE.test(path)) return 'must be well-formed Unicode (no lone surrogate)';
  return undefined;
}

/** In a `u` regular expression a surrogate pair is one code point: this matches only lone halves. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The path one level up (`/a/b` for `/a/b/c`, `/` for `/a`). */
export function parentPath(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

/** True when `path` is `prefix` or below it (`/` is above everything). */
export function isUnder(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}

/** Sorted prefixes without any that another one already covers (`/a/b` under `/a`). */
export function normalizePrefixes(prefixes: readonly string[]): string[] {
  if (!Array.isArray(prefixes) || prefixes.length === 0) {
    throw new ValidationError([
      { name: 'prefixes', value: prefixes, reason: 'a non-empty array of key paths is required' },
    ]);
  }
  const cleaned = prefixes.map((prefix) => {
    if (typeof prefix !== 'string' || !prefix.startsWith('/') || prefix.includes('//')) {
      throw new ValidationError([
        { name: 'prefixes', value: prefix, reason: "a prefix is a key path such as '/calico/v1'" },
      ]);
    }
    return prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  });
  const sorted = [...new Set(cleaned)].sort();
  return sorted.filter(
    (prefix) => !sorted.some((other) => other !== prefix && isUnder(prefix, other)),
  );
}
