/**
 * Is it still the same etcd? A cluster rebuilt or restored from a backup at the same address
 * answers with another cluster id, or with a raft term or a revision lower than seen before
 * (both only grow in one cluster's life). Then the picture's revisions mean nothing there, and
 * the syncer must look at everything again (libcalico-go v1 polled the cluster id and exited).
 * A member that lags behind another of the same cluster may also show a lower term for a
 * moment: that costs a needless resync, which sends no update where nothing changed.
 */
import type { IResponseHeader } from 'etcd3';

export class ClusterIdentity {
  #clusterId: string | undefined;
  #term = 0;

  /** Starts over with this header's cluster (after a full look at the store). */
  accept(header: IResponseHeader): void {
    this.#clusterId = isSet(header.cluster_id) ? header.cluster_id : undefined;
    this.#term = Number(header.raft_term) || 0;
  }

  /** Whether this header comes from another cluster than the accepted one. */
  replaced(header: IResponseHeader): boolean {
    // A cancel for compaction comes with an empty header: it says nothing.
    if (isSet(header.cluster_id)) {
      if (this.#clusterId === undefined) this.#clusterId = header.cluster_id;
      else if (header.cluster_id !== this.#clusterId) return true;
    }
    const term = Number(header.raft_term) || 0;
    if (term === 0) return false;
    if (term < this.#term) return true;
    this.#term = term;
    return false;
  }
}

function isSet(id: string | undefined): id is string {
  return id !== undefined && id !== '' && id !== '0';
}
