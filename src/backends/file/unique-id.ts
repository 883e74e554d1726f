/**
 * Short random names: incarnations, temp and trash files. 48 random bits, as 12 hex digits,
 * taken from `randomUUID`, which draws from a cached pool of entropy (a fraction of a
 * microsecond) where `randomBytes` makes a system call each time.
 */
import { randomUUID } from 'node:crypto';

export function uniqueId(): string {
  // xxxxxxxx-xxxx-4xxx-...: the first 12 hex digits are random (the version digit comes after).
  const uuid = randomUUID();
  return uuid.slice(0, 8) + uuid.slice(9, 13);
}
