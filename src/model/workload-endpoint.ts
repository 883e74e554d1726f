/** Workload endpoints: `/calico/v1/host/{H}/workload/{O}/{W}/endpoint/{E}`. */
import type { Key, ListInterface, ValueKind } from './key.js';
import {
  parseWorkloadPath,
  readWorkloadIds,
  workloadEndpointPath,
  workloadListRoot,
  workloadParentPaths,
  workloadString,
  type WorkloadIds,
} from './workload-paths.js';

const ROOT = '/calico/v1/host';
const PATTERN = /^\/?calico\/v1\/host\/([^/]+)\/workload\/([^/]+)\/([^/]+)\/endpoint\/([^/]+)$/;

export interface WorkloadEndpointKeyFields {
  hostname?: string;
  orchestratorID?: string;
  workloadID?: string;
  endpointID?: string;
}

export class WorkloadEndpointKey implements Key, WorkloadIds {
  readonly hostname: string;
  readonly orchestratorID: string;
  readonly workloadID: string;
  readonly endpointID: string;

  constructor(fields: WorkloadEndpointKeyFields) {
    const ids = readWorkloadIds(fields);
    this.hostname = ids.hostname;
    this.orchestratorID = ids.orchestratorID;
    this.workloadID = ids.workloadID;
    this.endpointID = ids.endpointID;
  }

  defaultPath(): string {
    return workloadEndpointPath(ROOT, this, 'node');
  }

  defaultDeletePath(): string {
    return this.defaultPath();
  }

  defaultDeleteParentPaths(): string[] {
    return workloadParentPaths(ROOT, this, 'node');
  }

  valueKind(): ValueKind {
    return 'structured';
  }

  toString(): string {
    return workloadString('WorkloadEndpoint', 'node', this);
  }
}

export type WorkloadEndpointListOptionsFields = WorkloadEndpointKeyFields;

export class WorkloadEndpointListOptions implements ListInterface, WorkloadIds {
  readonly hostname: string;
  readonly orchestratorID: string;
  readonly workloadID: string;
  readonly endpointID: string;

  constructor(fields: WorkloadEndpointListOptionsFields = {}) {
    const ids = readWorkloadIds(fields);
    this.hostname = ids.hostname;
    this.orchestratorID = ids.orchestratorID;
    this.workloadID = ids.workloadID;
    this.endpointID = ids.endpointID;
  }

  defaultPathRoot(): string {
    return workloadListRoot(ROOT, this);
  }

  keyFromDefaultPath(path: string): WorkloadEndpointKey | null {
    const ids = parseWorkloadPath(PATTERN, path, this);
    return ids === null ? null : new WorkloadEndpointKey(ids);
  }
}
