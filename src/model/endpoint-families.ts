/**
 * Endpoint key families. A host endpoint and a workload endpoint each have the same shape of
 * key in two trees: the endpoint itself (`/calico/v1/host`) and felix's status of it
 * (`/calico/felix/v1/host`). A family says where its keys live and how they name themselves;
 * the key and list-options classes here do the rest, once for both trees.
 *
 * - host endpoint: `{root}/{H}/endpoint/{E}`, E escaped;
 * - workload endpoint: `{root}/{H}/workload/{O}/{W}/endpoint/{E}`, O, W and E escaped.
 *
 * H is never escaped. The family's `hostLabel` is the name a missing hostname is reported
 * under and the one `toString` prints (`node` for the endpoints, `hostname` for their status).
 *
 * Each function makes the base class of one family's key or list options; the public classes
 * extend it (`class HostEndpointKey extends hostEndpointKeyClass<HostEndpoint>(FAMILY)`, the
 * type argument being the value type). The family stays in the closure, not on the instances,
 * so the public types are the plain shapes they were.
 */
import { escapeName, unescapeName } from './escape.js';
import { accepts, leadingRoot, matchPath, required, segmentField, stringField } from './fields.js';
import type { Key, ListInterface, ValueKind, valueTag } from './key.js';
import { LeafKey } from './key.js';
import type { ValueTypeName } from './value-schemas.js';

export interface EndpointFamily {
  /** The tree's root, e.g. `/calico/v1/host`. */
  root: string;
  /** An anchored pattern of a key's path, capturing its identifiers in path order. */
  pattern: RegExp;
  hostLabel: string;
  /** The key's name in `toString`, e.g. `HostEndpoint`. */
  label: string;
  /** The schema of the family's values. */
  valueType: ValueTypeName;
}

export interface HostEndpointIds {
  readonly hostname: string;
  readonly endpointID: string;
}

export interface WorkloadIds extends HostEndpointIds {
  readonly orchestratorID: string;
  readonly workloadID: string;
}

export function hostEndpointKeyClass<V>(family: EndpointFamily) {
  return class extends LeafKey<V> implements HostEndpointIds {
    readonly hostname: string;
    readonly endpointID: string;

    constructor(fields: object | undefined) {
      super();
      this.hostname = segmentField(fields, 'hostname');
      this.endpointID = stringField(fields, 'endpointID');
    }

    defaultPath(): string {
      const host = required(this.hostname, family.hostLabel);
      return `${family.root}/${host}/endpoint/${escapeName(required(this.endpointID, 'name'))}`;
    }

    valueType(): ValueTypeName {
      return family.valueType;
    }

    toString(): string {
      return `${family.label}(${family.hostLabel}=${this.hostname}, name=${this.endpointID})`;
    }
  };
}

/** `key` makes the family's key from a parsed path. */
export function hostEndpointListOptionsClass<K extends Key>(
  family: EndpointFamily,
  key: (ids: HostEndpointIds) => K,
) {
  return class implements ListInterface, HostEndpointIds {
    readonly hostname: string;
    readonly endpointID: string;

    constructor(fields: object | undefined) {
      this.hostname = segmentField(fields, 'hostname');
      this.endpointID = stringField(fields, 'endpointID');
    }

    defaultPathRoot(): string {
      return leadingRoot(family.root, [
        [this.hostname, `/${this.hostname}/endpoint`],
        [this.endpointID, `/${escapeName(this.endpointID)}`],
      ]);
    }

    keyFromDefaultPath(path: string): K | null {
      const groups = matchPath(family.pattern, path);
      if (groups === null) return null;
      const [hostname = '', endpoint = ''] = groups;
      const endpointID = unescapeName(endpoint);
      if (!accepts(this.hostname, hostname) || !accepts(this.endpointID, endpointID)) return null;
      return key({ hostname, endpointID });
    }
  };
}

/** `{root}/{H}/workload/{O}/{W}`, checking host, orchestrator and workload in that order. */
function workloadDir(family: EndpointFamily, ids: WorkloadIds): string {
  const host = required(ids.hostname, family.hostLabel);
  const orchestrator = escapeName(required(ids.orchestratorID, 'orchestrator'));
  const workload = escapeName(required(ids.workloadID, 'workload'));
  return `${family.root}/${host}/workload/${orchestrator}/${workload}`;
}

/** The four identifiers of a workload key or list options, read from its argument. */
class WorkloadIdFields implements WorkloadIds {
  readonly hostname: string;
  readonly orchestratorID: string;
  readonly workloadID: string;
  readonly endpointID: string;

  constructor(fields: object | undefined) {
    this.hostname = segmentField(fields, 'hostname');
    this.orchestratorID = stringField(fields, 'orchestratorID');
    this.workloadID = stringField(fields, 'workloadID');
    this.endpointID = stringField(fields, 'endpointID');
  }
}

export function workloadKeyClass<V>(family: EndpointFamily) {
  return class extends WorkloadIdFields implements Key<V> {
    declare readonly [valueTag]?: V;

    defaultPath(): string {
      return `${workloadDir(family, this)}/endpoint/${escapeName(required(this.endpointID, 'name'))}`;
    }

    defaultDeletePath(): string {
      return this.defaultPath();
    }

    /** The endpoint directory, then the workload directory. */
    defaultDeleteParentPaths(): string[] {
      const dir = workloadDir(family, this);
      return [`${dir}/endpoint`, dir];
    }

    valueKind(): ValueKind {
      return 'structured';
    }

    valueType(): ValueTypeName {
      return family.valueType;
    }

    override toString(): string {
      return (
        `${family.label}(${family.hostLabel}=${this.hostname}, orchestrator=${this.orchestratorID}, ` +
        `workload=${this.workloadID}, name=${this.endpointID})`
      );
    }
  };
}

/** `key` makes the family's key from a parsed path. */
export function workloadListOptionsClass<K extends Key>(
  family: EndpointFamily,
  key: (ids: WorkloadIds) => K,
) {
  return class extends WorkloadIdFields implements ListInterface {
    /** The list root from the leading set identifiers. */
    defaultPathRoot(): string {
      return leadingRoot(family.root, [
        [this.hostname, `/${this.hostname}/workload`],
        [this.orchestratorID, `/${escapeName(this.orchestratorID)}`],
        [this.workloadID, `/${escapeName(this.workloadID)}/endpoint`],
        [this.endpointID, `/${escapeName(this.endpointID)}`],
      ]);
    }

    /** Parses a path of the family and keeps it only if every set filter matches. */
    keyFromDefaultPath(path: string): K | null {
      const groups = matchPath(family.pattern, path);
      if (groups === null) return null;
      const [hostname = '', orchestrator = '', workload = '', endpoint = ''] = groups;
      const ids: WorkloadIds = {
        hostname,
        orchestratorID: unescapeName(orchestrator),
        workloadID: unescapeName(workload),
        endpointID: unescapeName(endpoint),
      };
      const matches =
        accepts(this.hostname, ids.hostname) &&
        accepts(this.orchestratorID, ids.orchestratorID) &&
        accepts(this.workloadID, ids.workloadID) &&
        accepts(this.endpointID, ids.endpointID);
      return matches ? key(ids) : null;
    }
  };
}
