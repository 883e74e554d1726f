/** Workload endpoints: `/calico/v1/host/{H}/workload/{O}/{W}/endpoint/{E}`. */
import type { EndpointFamily } from './endpoint-families.js';
import { workloadKeyClass, workloadListOptionsClass } from './endpoint-families.js';
import type { WorkloadEndpoint } from './value-types.js';
// Named so that declarations can spell the class the mixin makes.
import type { valueTag } from './key.js';

const FAMILY: EndpointFamily = {
  root: '/calico/v1/host',
  pattern: /^\/?calico\/v1\/host\/([^/]+)\/workload\/([^/]+)\/([^/]+)\/endpoint\/([^/]+)$/,
  hostLabel: 'node',
  label: 'WorkloadEndpoint',
  valueType: 'WorkloadEndpoint',
};

export interface WorkloadEndpointKeyFields {
  hostname?: string;
  orchestratorID?: string;
  workloadID?: string;
  endpointID?: string;
}

export class WorkloadEndpointKey extends workloadKeyClass<WorkloadEndpoint>(FAMILY) {
  constructor(fields: WorkloadEndpointKeyFields) {
    super(fields);
  }
}

export type WorkloadEndpointListOptionsFields = WorkloadEndpointKeyFields;

export class WorkloadEndpointListOptions extends workloadListOptionsClass(
  FAMILY,
  (ids) => new WorkloadEndpointKey(ids),
) {
  constructor(fields: WorkloadEndpointListOptionsFields = {}) {
    super(fields);
  }
}
