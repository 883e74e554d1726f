/**
 * Felix's status reports under `/calico/felix/v1/host/{H}`: per-endpoint status (names escaped
 * as for the endpoints themselves) and the host's active and last reported status.
 */
import { escapeName, unescapeName } from './escape.js';
import { accepts, leadingRoot, matchPath, required, segmentField, stringField } from './fields.js';
import type { Key, ListInterface, ValueKind } from './key.js';
import { LeafKey } from './key.js';
import {
  parseWorkloadPath,
  readWorkloadIds,
  workloadEndpointPath,
  workloadListRoot,
  workloadParentPaths,
  workloadString,
  type WorkloadIds,
} from './workload-paths.js';

const ROOT = '/calico/felix/v1/host';
const HOST_ENDPOINT = /^\/?calico\/felix\/v1\/host\/([^/]+)\/endpoint\/([^/]+)$/;
const WORKLOAD_ENDPOINT =
  /^\/?calico\/felix\/v1\/host\/([^/]+)\/workload\/([^/]+)\/([^/]+)\/endpoint\/([^/]+)$/;
const ACTIVE = /^\/?calico\/felix\/v1\/host\/([^/]+)\/status$/;
const LAST = /^\/?calico\/felix\/v1\/host\/([^/]+)\/last_reported_status$/;

export interface HostEndpointStatusKeyFields {
  hostname?: string;
  endpointID?: string;
}

export class HostEndpointStatusKey extends LeafKey {
  readonly hostname: string;
  readonly endpointID: string;

  constructor(fields: HostEndpointStatusKeyFields) {
    super();
    this.hostname = segmentField(fields, 'hostname');
    this.endpointID = stringField(fields, 'endpointID');
  }

  defaultPath(): string {
    const host = required(this.hostname, 'hostname');
    return `${ROOT}/${host}/endpoint/${escapeName(required(this.endpointID, 'name'))}`;
  }

  toString(): string {
    return `HostEndpointStatus(hostname=${this.hostname}, name=${this.endpointID})`;
  }
}

export type HostEndpointStatusListOptionsFields = HostEndpointStatusKeyFields;

export class HostEndpointStatusListOptions implements ListInterface {
  readonly hostname: string;
  readonly endpointID: string;

  constructor(fields: HostEndpointStatusListOptionsFields = {}) {
    this.hostname = segmentField(fields, 'hostname');
    this.endpointID = stringField(fields, 'endpointID');
  }

  defaultPathRoot(): string {
    return leadingRoot(ROOT, [
      [this.hostname, `/${this.hostname}/endpoint`],
      [this.endpointID, `/${escapeName(this.endpointID)}`],
    ]);
  }

  keyFromDefaultPath(path: string): HostEndpointStatusKey | null {
    const groups = matchPath(HOST_ENDPOINT, path);
    if (groups === null) return null;
    const [hostname = '', endpoint = ''] = groups;
    const endpointID = unescapeName(endpoint);
    if (!accepts(this.hostname, hostname) || !accepts(this.endpointID, endpointID)) return null;
    return new HostEndpointStatusKey({ hostname, endpointID });
  }
}

export interface WorkloadEndpointStatusKeyFields {
  hostname?: string;
  orchestratorID?: string;
  workloadID?: string;
  endpointID?: string;
}

export class WorkloadEndpointStatusKey implements Key, WorkloadIds {
  readonly hostname: string;
  readonly orchestratorID: string;
  readonly workloadID: string;
  readonly endpointID: string;

  constructor(fields: WorkloadEndpointStatusKeyFields) {
    const ids = readWorkloadIds(fields);
    this.hostname = ids.hostname;
    this.orchestratorID = ids.orchestratorID;
    this.workloadID = ids.workloadID;
    this.endpointID = ids.endpointID;
  }

  defaultPath(): string {
    return workloadEndpointPath(ROOT, this, 'hostname');
  }

  defaultDeletePath(): string {
    return this.defaultPath();
  }

  defaultDeleteParentPaths(): string[] {
    return workloadParentPaths(ROOT, this, 'hostname');
  }

  valueKind(): ValueKind {
    return 'structured';
  }

  toString(): string {
    return workloadString('WorkloadEndpointStatus', 'hostname', this);
  }
}

export type WorkloadEndpointStatusListOptionsFields = WorkloadEndpointStatusKeyFields;

export class WorkloadEndpointStatusListOptions implements ListInterface, WorkloadIds {
  readonly hostname: string;
  readonly orchestratorID: string;
  readonly workloadID: string;
  readonly endpointID: string;

  constructor(fields: WorkloadEndpointStatusListOptionsFields = {}) {
    const ids = readWorkloadIds(fields);
    this.hostname = ids.hostname;
    this.orchestratorID = ids.orchestratorID;
    this.workloadID = ids.workloadID;
    this.endpointID = ids.endpointID;
  }

  defaultPathRoot(): string {
    return workloadListRoot(ROOT, this);
  }

  keyFromDefaultPath(path: string): WorkloadEndpointStatusKey | null {
    const ids = parseWorkloadPath(WORKLOAD_ENDPOINT, path, this);
    return ids === null ? null : new WorkloadEndpointStatusKey(ids);
  }
}

export interface StatusReportKeyFields {
  hostname?: string;
}

/** Felix's current status report for a host, `/calico/felix/v1/host/{H}/status`. */
export class ActiveStatusReportKey extends LeafKey {
  readonly hostname: string;

  constructor(fields: StatusReportKeyFields) {
    super();
    this.hostname = segmentField(fields, 'hostname');
  }

  defaultPath(): string {
    return `${ROOT}/${required(this.hostname, 'hostname')}/status`;
  }

  toString(): string {
    return `StatusReport(hostname=${this.hostname})`;
  }
}

/** Felix's last status report for a host, `/calico/felix/v1/host/{H}/last_reported_status`. */
export class LastStatusReportKey extends LeafKey {
  readonly hostname: string;

  constructor(fields: StatusReportKeyFields) {
    super();
    this.hostname = segmentField(fields, 'hostname');
  }

  defaultPath(): string {
    return `${ROOT}/${required(this.hostname, 'hostname')}/last_reported_status`;
  }

  toString(): string {
    return `StatusReport(hostname=${this.hostname})`;
  }
}

export type StatusReportListOptionsFields = StatusReportKeyFields;

export class ActiveStatusReportListOptions implements ListInterface {
  readonly hostname: string;

  constructor(fields: StatusReportListOptionsFields = {}) {
    this.hostname = segmentField(fields, 'hostname');
  }

  defaultPathRoot(): string {
    return leadingRoot(ROOT, [[this.hostname, `/${this.hostname}/status`]]);
  }

  keyFromDefaultPath(path: string): ActiveStatusReportKey | null {
    const groups = matchPath(ACTIVE, path);
    if (groups === null) return null;
    const hostname = groups[0] ?? '';
    return accepts(this.hostname, hostname) ? new ActiveStatusReportKey({ hostname }) : null;
  }
}

export class LastStatusReportListOptions implements ListInterface {
  readonly hostname: string;

  constructor(fields: StatusReportListOptionsFields = {}) {
    this.hostname = segmentField(fields, 'hostname');
  }

  defaultPathRoot(): string {
    return leadingRoot(ROOT, [[this.hostname, `/${this.hostname}/last_reported_status`]]);
  }

  keyFromDefaultPath(path: string): LastStatusReportKey | null {
    const groups = matchPath(LAST, path);
    if (groups === null) return null;
    const hostname = groups[0] ?? '';
    return accepts(this.hostname, hostname) ? new LastStatusReportKey({ hostname }) : null;
  }
}
