/**
 * Per-host keys under `/calico/v1/host/{H}` (H is not escaped): the host's metadata, its BGP IP,
 * its config, and the composite Node.
 */
import { DatastoreError } from './errors.js';
import {
  accepts,
  leadingRoot,
  matchPath,
  nestedNameField,
  required,
  segmentField,
} from './fields.js';
import type { Key, ListInterface, ValueKind, valueTag } from './key.js';
import { LeafKey } from './key.js';
import type { ValueTypeName } from './value-schemas.js';
import type { HostMetadata } from './value-types.js';

const ROOT = '/calico/v1/host';
const METADATA = /^\/?calico\/v1\/host\/([^/]+)\/metadata$/;
const BIRD_IP = /^\/?calico\/v1\/host\/([^/]+)\/bird_ip$/;
const CONFIG = /^\/?calico\/v1\/host\/([^/]+)\/config\/([^/]+(?:\/[^/]+)*)$/;

export interface HostKeyFields {
  hostname?: string;
}

/** The host's metadata (an empty object); deleting it removes everything under the host. */
export class HostMetadataKey implements Key<HostMetadata> {
  declare readonly [valueTag]?: HostMetadata;
  readonly hostname: string;

  constructor(fields: HostKeyFields) {
    this.hostname = segmentField(fields, 'hostname');
  }

  defaultPath(): string {
    return `${this.defaultDeletePath()}/metadata`;
  }

  defaultDeletePath(): string {
    return `${ROOT}/${required(this.hostname, 'name')}`;
  }

  defaultDeleteParentPaths(): string[] {
    return [];
  }

  valueKind(): ValueKind {
    return 'structured';
  }

  valueType(): ValueTypeName {
    return 'HostMetadata';
  }

  toString(): string {
    return `Node(name=${this.hostname})`;
  }
}

/** The host's BGP IP address (a raw IP: an address that does not parse reads as null). */
export class HostIPKey extends LeafKey<string | null> {
  readonly hostname: string;

  constructor(fields: HostKeyFields) {
    super();
    this.hostname = segmentField(fields, 'hostname');
  }

  defaultPath(): string {
    return `${ROOT}/${required(this.hostname, 'name')}/bird_ip`;
  }

  override valueKind(): ValueKind {
    return 'raw-ip';
  }

  toString(): string {
    return `Node(name=${this.hostname})`;
  }
}

/** Parses a host IP path (`/calico/v1/host/{H}/bird_ip`); used by the global parser. */
export function hostIPKeyFromPath(path: string): HostIPKey | null {
  const groups = matchPath(BIRD_IP, path);
  return groups === null ? null : new HostIPKey({ hostname: groups[0] ?? '' });
}

/**
 * A Node is a composite of several host values; it has no single path, so it is never stored
 * and its value type is left `unknown`.
 */
export class NodeKey implements Key {
  readonly hostname: string;

  constructor(fields: HostKeyFields) {
    this.hostname = segmentField(fields, 'hostname');
  }

  defaultPath(): string {
    throw this.#composite();
  }

  defaultDeletePath(): string {
    throw this.#composite();
  }

  defaultDeleteParentPaths(): string[] {
    throw this.#composite();
  }

  valueKind(): ValueKind {
    return 'structured';
  }

  toString(): string {
    return `Node(name=${this.hostname})`;
  }

  #composite(): DatastoreError {
    const message = 'Node is a composite type, so not handled with a single path';
    return new DatastoreError(message, { code: 'ERR_COMPOSITE_KEY', key: this });
  }
}

export type HostMetadataListOptionsFields = HostKeyFields;

export class HostMetadataListOptions implements ListInterface<HostMetadata> {
  readonly hostname: string;

  constructor(fields: HostMetadataListOptionsFields = {}) {
    this.hostname = segmentField(fields, 'hostname');
  }

  defaultPathRoot(): string {
    return leadingRoot(ROOT, [[this.hostname, `/${this.hostname}/metadata`]]);
  }

  keyFromDefaultPath(path: string): HostMetadataKey | null {
    const groups = matchPath(METADATA, path);
    if (groups === null) return null;
    const hostname = groups[0] ?? '';
    return accepts(this.hostname, hostname) ? new HostMetadataKey({ hostname }) : null;
  }
}

export interface HostConfigKeyFields {
  hostname?: string;
  /** May hold `/`: the name then becomes a deeper path. */
  name?: string;
}

/** A per-host Felix config value (a raw string). */
export class HostConfigKey extends LeafKey<string> {
  readonly hostname: string;
  readonly name: string;

  constructor(fields: HostConfigKeyFields) {
    super();
    this.hostname = segmentField(fields, 'hostname');
    this.name = nestedNameField(fields, 'name');
  }

  defaultPath(): string {
    const name = required(this.name, 'name');
    return `${ROOT}/${required(this.hostname, 'node')}/config/${name}`;
  }

  override valueKind(): ValueKind {
    return 'raw-string';
  }

  toString(): string {
    return `HostConfig(node=${this.hostname},name=${this.name})`;
  }
}

export type HostConfigListOptionsFields = HostConfigKeyFields;

export class HostConfigListOptions implements ListInterface<string> {
  readonly hostname: string;
  readonly name: string;

  constructor(fields: HostConfigListOptionsFields = {}) {
    this.hostname = segmentField(fields, 'hostname');
    this.name = nestedNameField(fields, 'name');
  }

  defaultPathRoot(): string {
    return leadingRoot(ROOT, [
      [this.hostname, `/${this.hostname}/config`],
      [this.name, `/${this.name}`],
    ]);
  }

  keyFromDefaultPath(path: string): HostConfigKey | null {
    const groups = matchPath(CONFIG, path);
    if (groups === null) return null;
    const [hostname = '', name = ''] = groups;
    if (!accepts(this.hostname, hostname) || !accepts(this.name, name)) return null;
    return new HostConfigKey({ hostname, name });
  }
}
