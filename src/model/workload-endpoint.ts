/** Workload endpoints: `/calico/v1/host/{H}/workload/{O}/{W}/endpoint/{E}`. */
import type { EndpointFamily, WorkloadIds } from './endpoint-families.js';
import { WorkloadFamilyKey, WorkloadFamilyListOptions } from './endpoint-families.js';

const FAMILY: EndpointFamily = {
  root: '/calico/v1/host',
  pattern: /^\/?calico\/v1\/host\/([^/]+)\/workload\/([^/]+)\/([^/]+)\/endpoint\/([^/]+)$/,
  hostLabel: 'node',
  label: 'WorkloadEndpoint',
};

export interface WorkloadEndpointKeyFields {
  hostname?: string;
  orchestratorID?: string;
  workloadID?: string;
  endpointID?: string;
}

export class WorkloadEndpointKey extends WorkloadFamilyKey {
  constructor(fields: WorkloadEndpointKeyFields) {
    super(fields);
  }

  protected family(): EndpointFamily {
    return FAMILY;
  }
}

export type WorkloadEndpointListOptionsFields = WorkloadEndpointKeyFields;

export class WorkloadEndpointListOptions extends WorkloadFamilyListOptions<WorkloadEndpointKey> {
  constructor(fields: WorkloadEndpointListOptionsFields = {}) {
    super(fields);
  }

  protected family(): EndpointFamily {
    return FAMILY;
  }

  protected key(ids: WorkloadIds): WorkloadEndpointKey {
    return new WorkloadEndpointKey(ids);
  }
}
