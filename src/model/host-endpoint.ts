/** Host endpoints: `/calico/v1/host/{H}/endpoint/{E}` (E escaped). */
import type { EndpointFamily } from './endpoint-families.js';
import { hostEndpointKeyClass, hostEndpointListOptionsClass } from './endpoint-families.js';
import type { HostEndpoint } from './value-types.js';
// Named so that declarations can spell the class the mixin makes.
import type { valueTag } from './key.js';

const FAMILY: EndpointFamily = {
  root: '/calico/v1/host',
  pattern: /^\/?calico\/v1\/host\/([^/]+)\/endpoint\/([^/]+)$/,
  hostLabel: 'node',
  label: 'HostEndpoint',
  valueType: 'HostEndpoint',
};

export interface HostEndpointKeyFields {
  hostname?: string;
  endpointID?: string;
}

export class HostEndpointKey extends hostEndpointKeyClass<HostEndpoint>(FAMILY) {
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
