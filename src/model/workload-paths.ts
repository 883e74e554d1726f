/**
 * The place of a workload endpoint in a host tree, shared by the workload endpoint
 * (`/calico/v1/host`) and its felix status (`/calico/felix/v1/host`):
 * `{root}/{H}/workload/{O}/{W}/endpoint/{E}`, with O, W and E escaped (H is not).
 */
import { escapeName, unescapeName } from './escape.js';
import { accepts, leadingRoot, matchPath, required, segmentField, stringField } from './fields.js';

export interface WorkloadIds {
  readonly hostname: string;
  readonly orchestratorID: string;
  readonly workloadID: string;
  readonly endpointID: string;
}

/** Reads the four identifiers of a key or list-options argument. */
export function readWorkloadIds(fields: object | undefined): WorkloadIds {
  return {
    hostname: segmentField(fields, 'hostname'),
    orchestratorID: stringField(fields, 'orchestratorID'),
    workloadID: stringField(fields, 'workloadID'),
    endpointID: stringField(fields, 'endpointID'),
  };
}

/** `{root}/{H}/workload/{O}/{W}`, checking host, orchestrator and workload in that order. */
function workloadDir(root: string, ids: WorkloadIds, hostLabel: string): string {
  const host = required(ids.hostname, hostLabel);
  const orchestrator = escapeName(required(ids.orchestratorID, 'orchestrator'));
  const workload = escapeName(required(ids.workloadID, 'workload'));
  return `${root}/${host}/workload/${orchestrator}/${workload}`;
}

export function workloadEndpointPath(root: string, ids: WorkloadIds, hostLabel: string): string {
  const dir = workloadDir(root, ids, hostLabel);
  return `${dir}/endpoint/${escapeName(required(ids.endpointID, 'name'))}`;
}

/** The endpoint directory, then the workload directory. */
export function workloadParentPaths(root: string, ids: WorkloadIds, hostLabel: string): string[] {
  const dir = workloadDir(root, ids, hostLabel);
  return [`${dir}/endpoint`, dir];
}

/** The list root from the leading set identifiers. */
export function workloadListRoot(root: string, ids: WorkloadIds): string {
  return leadingRoot(root, [
    [ids.hostname, `/${ids.hostname}/workload`],
    [ids.orchestratorID, `/${escapeName(ids.orchestratorID)}`],
    [ids.workloadID, `/${escapeName(ids.workloadID)}/endpoint`],
    [ids.endpointID, `/${escapeName(ids.endpointID)}`],
  ]);
}

/** Parses a path with the given anchored pattern and keeps it only if every set filter matches. */
export function parseWorkloadPath(
  pattern: RegExp,
  path: string,
  filter: WorkloadIds,
): WorkloadIds | null {
  const groups = matchPath(pattern, path);
  if (groups === null) return null;
  const [hostname = '', orchestrator = '', workload = '', endpoint = ''] = groups;
  const ids: WorkloadIds = {
    hostname,
    orchestratorID: unescapeName(orchestrator),
    workloadID: unescapeName(workload),
    endpointID: unescapeName(endpoint),
  };
  const matches =
    accepts(filter.hostname, ids.hostname) &&
    accepts(filter.orchestratorID, ids.orchestratorID) &&
    accepts(filter.workloadID, ids.workloadID) &&
    accepts(filter.endpointID, ids.endpointID);
  return matches ? ids : null;
}

export function workloadString(label: string, hostLabel: string, ids: WorkloadIds): string {
  return (
    `${label}(${hostLabel}=${ids.hostname}, orchestrator=${ids.orchestratorID}, ` +
    `workload=${ids.workloadID}, name=${ids.endpointID})`
  );
}
