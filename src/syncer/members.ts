/**
 * Small sets of strings as arrays, large ones as Sets. The key cache and the directory
 * watcher keep the children of every directory; on Calico's layout most directories have one
 * (`<workload>/` holds `endpoint/`), and a Set per directory was 4 MB of the heap for 10,000
 * endpoints (a one-element array is a fifth of a Set). Pure.
 */

export type Members = string[] | Set<string>;

/** Past this many, a Set: deleting from an array is linear. */
const ARRAY_MAX = 16;

export function hasMember(members: Members | undefined, value: string): boolean {
  if (members === undefined) return false;
  return Array.isArray(members) ? members.includes(value) : members.has(value);
}

/** `members` with `value` added: the same container, or a new one to store in its place. */
export function withMember(members: Members | undefined, value: string): Members {
  if (members === undefined) return [value];
  if (!Array.isArray(members)) return members.add(value);
  if (members.includes(value)) return members;
  if (members.length < ARRAY_MAX) {
    members.push(value);
    return members;
  }
  return new Set([...members, value]);
}

/** `members` without `value` (undefined once empty): the same container or undefined. */
export function withoutMember(members: Members | undefined, value: string): Members | undefined {
  if (members === undefined) return undefined;
  if (Array.isArray(members)) {
    const at = members.indexOf(value);
    if (at !== -1) members.splice(at, 1);
    return members.length === 0 ? undefined : members;
  }
  members.delete(value);
  return members.size === 0 ? undefined : members;
}

export function memberCount(members: Members | undefined): number {
  if (members === undefined) return 0;
  return Array.isArray(members) ? members.length : members.size;
}
