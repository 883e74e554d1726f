/**
 * Felix's status reports under `/calico/felix/v1/host/{H}`: per-endpoint status (keys shaped
 * as the endpoints' own, see endpoint-families.ts) and the host's active and last reported
 * status.
 */
import type { EndpointFamily } from './endpoint-families.js';
import {
  hostEndpointKeyClass,
  hostEndpointListOptionsClass,
  workloadKeyClass,
  workloadListOptionsClass,
} from './endpoint-families.js';
import { accepts, leadingRoot, matchPath, required, segmentField } from './fields.js';
// valueTag: named so that declarations can spell the classes the mixins make.
import type { Key, ListInterface, valueTag } from './key.js';
import { LeafKey } from './key.js';
import type { ValueTypeName } from './value-schemas.js';
import type { HostEndpointStatus, StatusReport, WorkloadEndpointStatus } from './value-types.js';

const ROOT = '/calico/felix/v1/host';

const HOST_ENDPOINT: EndpointFamily = {
  root: ROOT,
  pattern: /^\/?calico\/felix\/v1\/host\/([^/]+)\/endpoint\/([^/]+)$/,
  hostLabel: 'hostname',
  label: 'HostEndpointStatus',
  valueType: 'HostEndpointStatus',
};

const WORKLOAD_ENDPOINT: EndpointFamily = {
  root: ROOT,
  pattern: /^\/?calico\/felix\/v1\/host\/([^/]+)\/workload\/([^/]+)\/([^/]+)\/endpoint\/([^/]+)$/,
  hostLabel: 'hostname',
  label: 'WorkloadEndpointStatus',
  valueType: 'WorkloadEndpointStatus',
};

export interface HostEndpointStatusKeyFields {
  hostname?: string;
  endpointID?: string;
}

export class HostEndpointStatusKey extends hostEndpointKeyClass<HostEndpointStatus>(HOST_ENDPOINT) {
  constructor(fields: HostEndpointStatusKeyFields) {
    super(fields);
  }
}

export type HostEndpointStatusListOptionsFields = HostEndpointStatusKeyFields;

export class HostEndpointStatusListOptions extends hostEndpointListOptionsClass(
  HOST_ENDPOINT,
  (ids) => new HostEndpointStatusKey(ids),
) {
  constructor(fields: HostEndpointStatusListOptionsFields = {}) {
    super(fields);
  }
}

export interface WorkloadEndpointStatusKeyFields {
  hostname?: string;
  orchestratorID?: string;
  workloadID?: string;
  endpointID?: string;
}

export class WorkloadEndpointStatusKey extends workloadKeyClass<WorkloadEndpointStatus>(
  WORKLOAD_ENDPOINT,
) {
  constructor(fields: WorkloadEndpointStatusKeyFields) {
    super(fields);
  }
}

export type WorkloadEndpointStatusListOptionsFields = WorkloadEndpointStatusKeyFields;

export class WorkloadEndpointStatusListOptions extends workloadListOptionsClass(
  WORKLOAD_ENDPOINT,
  (ids) => new WorkloadEndpointStatusKey(ids),
) {
  constructor(fields: WorkloadEndpointStatusListOptionsFields = {}) {
    super(fields);
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
const LAST: Report = {
  leaf: 'last_reported_status',
  pattern: /^\/?calico\/felix\/v1\/host\/([^/]+)\/last_reported_status$/,
};

/** The key class of one kind of status report, `{ROOT}/{H}/{leaf}`; both print as `StatusReport(...)`. */
function statusReportKeyClass(report: Report) {
  return class extends LeafKey<StatusReport> {
    readonly hostname: string;

    constructor(fields: StatusReportKeyFields) {
      super();
      this.hostname = segmentField(fields, 'hostname');
    }

    defaultPath(): string {
      return `${ROOT}/${required(this.hostname, 'hostname')}/${report.leaf}`;
    }

    valueType(): ValueTypeName {
      return 'StatusReport';
    }

    toString(): string {
      return `StatusReport(hostname=${this.hostname})`;
    }
  };
}

/** Felix's current status report for a host, `/calico/felix/v1/host/{H}/status`. */
export class ActiveStatusReportKey extends statusReportKeyClass(ACTIVE) {}

/** Felix's last status report for a host, `/calico/felix/v1/host/{H}/last_reported_status`. */
export class LastStatusReportKey extends statusReportKeyClass(LAST) {}

export type StatusReportListOptionsFields = StatusReportKeyFields;

/** The list-options class of one kind of status report, of every host or of one. */
function statusReportListOptionsClass<K extends Key>(report: Report, key: (hostname: string) => K) {
  return class implements ListInterface {
    readonly hostname: string;

    constructor(fields: StatusReportListOptionsFields = {}) {
      this.hostname = segmentField(fields, 'hostname');
    }

    defaultPathRoot(): string {
      return leadingRoot(ROOT, [[this.hostname, `/${this.hostname}/${report.leaf}`]]);
    }

    keyFromDefaultPath(path: string): K | null {
      const groups = matchPath(report.pattern, path);
      if (groups === null) return null;
      const hostname = groups[0] ?? '';
      return accepts(this.hostname, hostname) ? key(hostname) : null;
    }
  };
}

export class ActiveStatusReportListOptions extends statusReportListOptionsClass(
  ACTIVE,
  (hostname) => new ActiveStatusReportKey({ hostname }),
) {}

export class LastStatusReportListOptions extends statusReportListOptionsClass(
  LAST,
  (hostname) => new LastStatusReportKey({ hostname }),
) {}
