/** Host endpoints: `/calico/v1/host/{H}/endpoint/{E}` (E escaped). */
import type { EndpointFamily, HostEndpointIds } from './endpoint-families.js';
import { HostEndpointFamilyKey, HostEndpointFamilyListOptions } from './endpoint-families.js';

const FAMILY: EndpointFamily = {
  root: '/calico/v1/host',
  pattern: /^\/?calico\/v1\/host\/([^/]+)\/endpoint\/([^/]+)$/,
  hostLabel: 'node',
  label: 'HostEndpoint',
};

export interface HostEndpointKeyFields {
  hostname?: string;
  endpointID?: string;
}

export class HostEndpointKey extends HostEndpointFamilyKey {
  constructor(fields: HostEndpointKeyFields) {
    super(fields);
  }

  protected family(): EndpointFamily {
    return FAMILY;
  }
}

export type HostEndpointListOptionsFields = HostEndpointKeyFields;

export class HostEndpointListOptions extends HostEndpointFamilyListOptions<HostEndpointKey> {
  constructor(fields: HostEndpointListOptionsFields = {}) {
    super(fields);
  }

  protected family(): EndpointFamily {
    return FAMILY;
  }

  protected key(ids: HostEndpointIds): HostEndpointKey {
    return new HostEndpointKey(ids);
  }
}
