/** Host endpoints: `/calico/v1/host/{H}/endpoint/{E}` (E escaped). */
import { escapeName, unescapeName } from './escape.js';
import { accepts, leadingRoot, matchPath, required, segmentField, stringField } from './fields.js';
import type { ListInterface, ValueKind } from './key.js';
import { LeafKey } from './key.js';

const ROOT = '/calico/v1/host';
const PATTERN = /^\/?calico\/v1\/host\/([^/]+)\/endpoint\/([^/]+)$/;

export interface HostEndpointKeyFields {
  hostname?: string;
  endpointID?: string;
}

export class HostEndpointKey extends LeafKey {
  readonly hostname: string;
  readonly endpointID: string;

  constructor(fields: HostEndpointKeyFields) {
    super();
    this.hostname = segmentField(fields, 'hostname');
    this.endpointID = stringField(fields, 'endpointID');
  }

  defaultPath(): string {
    const host = required(this.hostname, 'node');
    return `${ROOT}/${host}/endpoint/${escapeName(required(this.endpointID, 'name'))}`;
  }

  toString(): string {
    return `HostEndpoint(node=${this.hostname}, name=${this.endpointID})`;
  }
}

export type HostEndpointListOptionsFields = HostEndpointKeyFields;

export class HostEndpointListOptions implements ListInterface {
  readonly hostname: string;
  readonly endpointID: string;

  constructor(fields: HostEndpointListOptionsFields = {}) {
    this.hostname = segmentField(fields, 'hostname');
    this.endpointID = stringField(fields, 'endpointID');
  }

  defaultPathRoot(): string {
    return leadingRoot(ROOT, [
      [this.hostname, `/${this.hostname}/endpoint`],
      [this.endpointID, `/${escapeName(this.endpointID)}`],
    ]);
  }

  keyFromDefaultPath(path: string): HostEndpointKey | null {
    const groups = matchPath(PATTERN, path);
    if (groups === null) return null;
    const [hostname = '', endpoint = ''] = groups;
    const endpointID = unescapeName(endpoint);
    if (!accepts(this.hostname, hostname) || !accepts(this.endpointID, endpointID)) return null;
    return new HostEndpointKey({ hostname, endpointID });
  }
}
