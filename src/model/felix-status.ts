/**
 * Felix's status reports under `/calico/felix/v1/host/{H}`: per-endpoint status (keys shaped
 * as the endpoints' own, see endpoint-families.ts) and the host's active and last reported
 * status.
 */
import type { EndpointFamily, HostEndpointIds, WorkloadIds } from './endpoint-families.js';
import {
  HostEndpointFamilyKey,
  HostEndpointFamilyListOptions,
  WorkloadFamilyKey,
  WorkloadFamilyListOptions,
} from './endpoint-families.js';
import { accepts, leadingRoot, matchPath, required, segmentField } from './fields.js';
import type { ListInterface } from './key.js';
import { LeafKey } from './key.js';

const ROOT = '/calico/felix/v1/host';

const HOST_ENDPOINT: EndpointFamily = {
  root: ROOT,
  pattern: /^\/?calico\/felix\/v1\/host\/([^/]+)\/endpoint\/([^/]+)$/,
  hostLabel: 'hostname',
  label: 'HostEndpointStatus',
};

const WORKLOAD_ENDPOINT: EndpointFamily = {
  root: ROOT,
  pattern: /^\/?calico\/felix\/v1\/host\/([^/]+)\/workload\/([^/]+)\/([^/]+)\/endpoint\/([^/]+)$/,
  hostLabel: 'hostname',
  label: 'WorkloadEndpointStatus',
};

export interface HostEndpointStatusKeyFields {
  hostname?: string;
  endpointID?: string;
}

export class HostEndpointStatusKey extends HostEndpointFamilyKey {
  constructor(fields: HostEndpointStatusKeyFields) {
    super(fields);
  }

  protected family(): EndpointFamily {
    return HOST_ENDPOINT;
  }
}

export type HostEndpointStatusListOptionsFields = HostEndpointStatusKeyFields;

export class HostEndpointStatusListOptions extends HostEndpointFamilyListOptions<HostEndpointStatusKey> {
  constructor(fields: HostEndpointStatusListOptionsFields = {}) {
    super(fields);
  }

  protected family(): EndpointFamily {
    return HOST_ENDPOINT;
  }

  protected key(ids: HostEndpointIds): HostEndpointStatusKey {
    return new HostEndpointStatusKey(ids);
  }
}

export interface WorkloadEndpointStatusKeyFields {
  hostname?: string;
  orchestratorID?: string;
  workloadID?: string;
  endpointID?: string;
}

export class WorkloadEndpointStatusKey extends WorkloadFamilyKey {
  constructor(fields: WorkloadEndpointStatusKeyFields) {
    super(fields);
  }

  protected family(): EndpointFamily {
    return WORKLOAD_ENDPOINT;
  }
}

export type WorkloadEndpointStatusListOptionsFields = WorkloadEndpointStatusKeyFields;

export class WorkloadEndpointStatusListOptions extends WorkloadFamilyListOptions<WorkloadEndpointStatusKey> {
  constructor(fields: WorkloadEndpointStatusListOptionsFields = {}) {
    super(fields);
  }

  protected family(): EndpointFamily {
    return WORKLOAD_ENDPOINT;
  }

  protected key(ids: WorkloadIds): WorkloadEndpointStatusKey {
    return new WorkloadEndpointStatusKey(ids);
  }
}

export interface StatusReportKeyFields {
  hostname?: string;
}

/** Which of a host's two status reports: the last segment of its path, and that path's pattern. */
interface Report {
  leaf: string;
  pattern: RegExp;
}

const ACTIVE: Report = { leaf: 'status', pattern: /^\/?calico\/felix\/v1\/host\/([^/]+)\/status$/ };
const LAST: Report = { leaf: 'last_reported_status', pattern: /^\/?calico\/felix\/v1\/host\/([^/]+)\/last_reported_status$/ };

/** A status report of a host, `{ROOT}/{H}/{leaf}`; both kinds print as `StatusReport(...)`. */
abstract class StatusReportBase extends LeafKey {
  readonly hostname: string;

  constructor(fields: StatusReportKeyFields) {
    super();
    this.hostname = segmentField(fields, 'hostname');
  }

  protected abstract report(): Report;

  defaultPath(): string {
    return `${ROOT}/${required(this.hostname, 'hostname')}/${this.report().leaf}`;
  }

  toString(): string {
    return `StatusReport(hostname=${this.hostname})`;
  }
}

/** Felix's current status report for a host, `/calico/felix/v1/host/{H}/status`. */
export class ActiveStatusReportKey extends StatusReportBase {
  protected report(): Report {
    return ACTIVE;
  }
}

/** Felix's last status report for a host, `/calico/felix/v1/host/{H}/last_reported_status`. */
export class LastStatusReportKey extends StatusReportBase {
  protected report(): Report {
    return LAST;
  }
}

export type StatusReportListOptionsFields = StatusReportKeyFields;

/** Lists one kind of status report, of every host or of one; `key` makes its key. */
abstract class StatusReportListBase<K extends StatusReportBase> implements ListInterface {
  readonly hostname: string;

  constructor(fields: StatusReportListOptionsFields) {
    this.hostname = segmentField(fields, 'hostname');
  }

  protected abstract report(): Report;
  protected abstract key(hostname: string): K;

  defaultPathRoot(): string {
    return leadingRoot(ROOT, [[this.hostname, `/${this.hostname}/${this.report().leaf}`]]);
  }

  keyFromDefaultPath(path: string): K | null {
    const groups = matchPath(this.report().pattern, path);
    if (groups === null) return null;
    const hostname = groups[0] ?? '';
    return accepts(this.hostname, hostname) ? this.key(hostname) : null;
  }
}

export class ActiveStatusReportListOptions extends StatusReportListBase<ActiveStatusReportKey> {
  constructor(fields: StatusReportListOptionsFields = {}) {
    super(fields);
  }

  protected report(): Report {
    return ACTIVE;
  }

  protected key(hostname: string): ActiveStatusReportKey {
    return new ActiveStatusReportKey({ hostname });
  }
}

export class LastStatusReportListOptions extends StatusReportListBase<LastStatusReportKey> {
  constructor(fields: StatusReportListOptionsFields = {}) {
    super(fields);
  }

  protected report(): Report {
    return LAST;
  }

  protected key(hostname: string): LastStatusReportKey {
    return new LastStatusReportKey({ hostname });
  }
}
