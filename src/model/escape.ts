/**
 * Name escaping in paths (libcalico-go v1.2.1): only the name fields that calico-v1-model.md
 * lists are escaped, so that a name holding `/` stays one path segment.
 */

/** `%` becomes `%25` first, then `/` becomes `%2f`. */
export function escapeName(name: string): string {
  // Most names have neither: no new string (a key's fields are escaped several times a read).
  if (!name.includes('%') && !name.includes('/')) return name;
  return name.replaceAll('%', '%25').replaceAll('/', '%2f');
}

/**
 * The reverse of {@link escapeName}, in a single pass so that no decoded character is decoded
 * again. Accepts `%2F` as well as `%2f`; any other `%` sequence is kept as it is.
 */
export function unescapeName(segment: string): string {
  if (!segment.includes('%')) return segment;
  return segment.replace(/%(25|2f|2F)/g, (_match, code: string) => (code === '25' ? '%' : '/'));
}
