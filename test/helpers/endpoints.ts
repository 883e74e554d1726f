/** A workload endpoint of host `h`, workload `w`, for tests that need one directory per key. */
import { WorkloadEndpointKey } from '../../src/index.js';

export const wep = (name: string) =>
  new WorkloadEndpointKey({
    hostname: 'h',
    orchestratorID: 'k8s',
    workloadID: 'w',
    endpointID: name,
  });

/** A WorkloadEndpoint value as Calico writes one (every field its schema requires). */
export const endpoint = (name: string) => ({
  state: 'active',
  name,
  mac: 'ee:ee:ee:ee:ee:ee',
  profile_ids: [],
  ipv4_nets: [],
  ipv6_nets: [],
});
