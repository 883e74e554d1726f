/**
 * Leases for TTL writes, shared per expiry bucket (as kube-apiserver's `lease_manager.go`): a
 * write reuses a lease that expires no earlier than its TTL asks and at most `bucketMs` later.
 * A lease grant per write costs a second round trip and halves write throughput
 * (etcd-notes §4.5).
 *
 * Leases are never kept alive and never revoked: a kvdir TTL outlives the process that wrote
 * it, and revoking would delete the keys. Expiry times here are lower bounds of etcd's own: a
 * lease's clock starts when etcd grants it, after this process asked, so keys expire late,
 * never early.
 */

/** Asks etcd for a lease of `seconds`; returns its id and the TTL etcd granted. */
export type GrantLease = (seconds: number) => Promise<{ id: string; seconds: number }>;

interface Lease {
  /** Resolves with the id once etcd granted it. */
  id: Promise<string>;
  /** Earliest time (of `now`) at which etcd may expire it. */
  expiresAt: number;
  /** Keys written on it so far: a lease is not shared beyond MAX_KEYS_PER_LEASE. */
  keys: number;
  /** The id, once granted. */
  granted: string | undefined;
}

/** Revoking (expiring) a lease deletes its keys in one request: keep those requests small. */
const MAX_KEYS_PER_LEASE = 1000;
/** Leases remembered for reuse; TTLs in use at once are few. */
const MAX_LEASES = 32;

export class LeaseManager {
  readonly #grant: GrantLease;
  readonly #bucketMs: number;
  readonly #now: () => number;
  #leases: Lease[] = [];

  /** `now`: a monotonic clock in ms (tests pass their own). */
  constructor(grant: GrantLease, bucketMs: number, now = () => performance.now()) {
    this.#grant = grant;
    this.#bucketMs = bucketMs;
    this.#now = now;
  }

  /** A lease id for a key that must live `ttlMs` from now, and no more than the bucket longer. */
  async leaseFor(ttlMs: number): Promise<string> {
    const now = this.#now();
    const earliest = now + ttlMs;
    const latest = earliest + this.#bucketMs;
    this.#leases = this.#leases.filter((lease) => lease.expiresAt > now);
    const shared = this.#leases.find(
      (lease) =>
        lease.expiresAt >= earliest && lease.expiresAt <= latest && lease.keys < MAX_KEYS_PER_LEASE,
    );
    if (shared !== undefined) {
      shared.keys++;
      return await shared.id;
    }
    return await this.#newLease(now, ttlMs);
  }

  /** Forgets a lease etcd no longer has (revoked by someone else), so no write reuses it. */
  forget(id: string): void {
    this.#leases = this.#leases.filter((lease) => lease.granted !== id);
  }

  /** Forgets every lease (on close; they are left to expire in etcd). */
  clear(): void {
    this.#leases = [];
  }

  #newLease(now: number, ttlMs: number): Promise<string> {
    // The longest whole-second TTL that still ends within the bucket: later writes can share
    // the lease for as long as possible. Without a whole second in the bucket, round up.
    const seconds = Math.max(Math.ceil(ttlMs / 1000), Math.floor((ttlMs + this.#bucketMs) / 1000));
    const id = this.#grant(seconds).then(
      (granted) => {
        // etcd may raise a TTL to its minimum: the lease then ends later, which is fine.
        lease.expiresAt = now + granted.seconds * 1000;
        lease.granted = granted.id;
        return granted.id;
      },
      (err: unknown) => {
        this.#leases = this.#leases.filter((other) => other !== lease);
        throw err;
      },
    );
    const lease: Lease = { id, expiresAt: now + seconds * 1000, keys: 1, granted: undefined };
    this.#leases.push(lease);
    if (this.#leases.length > MAX_LEASES) this.#leases.shift();
    return id;
  }
}
