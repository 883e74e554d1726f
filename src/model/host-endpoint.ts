/** Host endpoints: `/calico/v1/host/{H}/endpoint/{E}` (E escaped). */
import type { EndpointFamily } from './endpoint-families.js';
import { hostEndpointKeyClass, hostEndpointListOptionsClass } from './endpoint-families.js';

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

export class HostEndpointKey extends hostEndpointKeyClass(FAMILY) {
  constructor(fields: HostEndpointKeyFields) {
    super(fields);
  }
}

export type HostEndpointListOptionsFields = HostEndpointKeyFields;

export class HostEndpointListOptions extends hostEndpointListOptionsClass(
  FAMILY,
  (ids) => new HostEndpointKey(ids),
) {
  constructor(fields: HostEndpointListOptionsFields = {}) {
    super(fields);
  }
}
