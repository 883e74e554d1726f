/**
 * IPAM keys under `/calico/ipam/v2`: allocation blocks, block affinities of a host, handles,
 * the IPAM config and a host's IPAM directory. CIDRs are written with `-` for `/`.
 */
import { cidrFromSegment, cidrToSegment, type IPVersion, type ParsedCidr } from './cidr.js';
import {
  accepts,
  cidrField,
  ipVersionField,
  leadingRoot,
  matchPath,
  required,
  requiredValue,
  segmentField,
} from './fields.js';
import type { ListInterface, ValueKind } from './key.js';
import { LeafKey } from './key.js';
import type { ValueTypeName } from './value-schemas.js';
import type { AllocationBlock, IPAMConfig, IPAMHandle, IPAMHost } from './value-types.js';

const ROOT = '/calico/ipam/v2';
const BLOCK = /^\/?calico\/ipam\/v2\/assignment\/ipv(4|6)\/block\/([^/]+)$/;
const AFFINITY = /^\/?calico\/ipam\/v2\/host\/([^/]+)\/ipv(4|6)\/block\/([^/]+)$/;
const HANDLE = /^\/?calico\/ipam\/v2\/handle\/([^/]+)$/;
const CONFIG = /^\/?calico\/ipam\/v2\/config$/;
const HOST = /^\/?calico\/ipam\/v2\/host\/([^/]+)$/;

/** A CIDR path segment, if it parses and is filed under its own IP version. */
function blockCidr(version: string | undefined, segment: string | undefined): ParsedCidr | null {
  const cidr = cidrFromSegment(segment ?? '');
  return cidr !== null && String(cidr.version) === version ? cidr : null;
}

function acceptsVersion(option: IPVersion | undefined, cidr: ParsedCidr): boolean {
  return option === undefined || option === cidr.version;
}

export interface BlockKeyFields {
  cidr?: string;
}

/** An allocation block, `/calico/ipam/v2/assignment/ipv{n}/block/{cidr-}`. */
export class BlockKey extends LeafKey<AllocationBlock> {
  /** The normalized CIDR, or `''` when not set. */
  readonly cidr: string;
  readonly #cidr: ParsedCidr | undefined;

  constructor(fields: BlockKeyFields) {
    super();
    this.#cidr = cidrField(fields, 'cidr');
    this.cidr = this.#cidr?.text ?? '';
  }

  defaultPath(): string {
    const cidr = requiredValue(this.#cidr, 'cidr');
    return `${ROOT}/assignment/ipv${cidr.version}/block/${cidrToSegment(cidr)}`;
  }

  valueType(): ValueTypeName {
    return 'AllocationBlock';
  }

  toString(): string {
    return `BlockKey(cidr=${this.cidr})`;
  }
}

export interface BlockListOptionsFields {
  ipVersion?: IPVersion;
}

export class BlockListOptions implements ListInterface<AllocationBlock> {
  readonly ipVersion: IPVersion | undefined;

  constructor(fields: BlockListOptionsFields = {}) {
    this.ipVersion = ipVersionField(fields, 'ipVersion');
  }

  defaultPathRoot(): string {
    const root = `${ROOT}/assignment`;
    return this.ipVersion === undefined ? root : `${root}/ipv${this.ipVersion}`;
  }

  keyFromDefaultPath(path: string): BlockKey | null {
    const groups = matchPath(BLOCK, path);
    const cidr = groups === null ? null : blockCidr(groups[0], groups[1]);
    if (cidr === null || !acceptsVersion(this.ipVersion, cidr)) return null;
    return new BlockKey({ cidr: cidr.text });
  }
}

export interface BlockAffinityKeyFields {
  cidr?: string;
  host?: string;
}

/**
 * A host's affinity to a block (a raw string),
 * `/calico/ipam/v2/host/{host}/ipv{n}/block/{cidr-}`.
 */
export class BlockAffinityKey extends LeafKey<string> {
  readonly cidr: string;
  readonly host: string;
  readonly #cidr: ParsedCidr | undefined;

  constructor(fields: BlockAffinityKeyFields) {
    super();
    this.#cidr = cidrField(fields, 'cidr');
    this.cidr = this.#cidr?.text ?? '';
    this.host = segmentField(fields, 'host');
  }

  defaultPath(): string {
    const cidr = requiredValue(this.#cidr, 'cidr');
    const host = required(this.host, 'host');
    return `${ROOT}/host/${host}/ipv${cidr.version}/block/${cidrToSegment(cidr)}`;
  }

  override valueKind(): ValueKind {
    return 'raw-string';
  }

  toString(): string {
    return `BlockAffinityKey(cidr=${this.cidr}, host=${this.host})`;
  }
}

export interface BlockAffinityListOptionsFields {
  host?: string;
  ipVersion?: IPVersion;
}

export class BlockAffinityListOptions implements ListInterface<string> {
  readonly host: string;
  readonly ipVersion: IPVersion | undefined;

  constructor(fields: BlockAffinityListOptionsFields = {}) {
    this.host = segmentField(fields, 'host');
    this.ipVersion = ipVersionField(fields, 'ipVersion');
  }

  defaultPathRoot(): string {
    return leadingRoot(`${ROOT}/host`, [
      [this.host, `/${this.host}`],
      [String(this.ipVersion ?? ''), `/ipv${String(this.ipVersion)}/block`],
    ]);
  }

  keyFromDefaultPath(path: string): BlockAffinityKey | null {
    const groups = matchPath(AFFINITY, path);
    if (groups === null) return null;
    const [host = '', version, segment] = groups;
    const cidr = blockCidr(version, segment);
    if (cidr === null || !acceptsVersion(this.ipVersion, cidr) || !accepts(this.host, host)) {
      return null;
    }
    return new BlockAffinityKey({ cidr: cidr.text, host });
  }
}

export interface IPAMHandleKeyFields {
  handleID?: string;
}

/** An IPAM handle, `/calico/ipam/v2/handle/{handleID}`. */
export class IPAMHandleKey extends LeafKey<IPAMHandle> {
  readonly handleID: string;

  constructor(fields: IPAMHandleKeyFields) {
    super();
    this.handleID = segmentField(fields, 'handleID');
  }

  defaultPath(): string {
    return `${ROOT}/handle/${required(this.handleID, 'id')}`;
  }

  valueType(): ValueTypeName {
    return 'IPAMHandle';
  }

  toString(): string {
    return `IPAMHandleKey(id=${this.handleID})`;
  }
}

export type IPAMHandleListOptionsFields = IPAMHandleKeyFields;

export class IPAMHandleListOptions implements ListInterface<IPAMHandle> {
  readonly handleID: string;

  constructor(fields: IPAMHandleListOptionsFields = {}) {
    this.handleID = segmentField(fields, 'handleID');
  }

  defaultPathRoot(): string {
    return leadingRoot(`${ROOT}/handle`, [[this.handleID, `/${this.handleID}`]]);
  }

  keyFromDefaultPath(path: string): IPAMHandleKey | null {
    const groups = matchPath(HANDLE, path);
    if (groups === null) return null;
    const handleID = groups[0] ?? '';
    return accepts(this.handleID, handleID) ? new IPAMHandleKey({ handleID }) : null;
  }
}

/** The IPAM config, `/calico/ipam/v2/config`. */
export class IPAMConfigKey extends LeafKey<IPAMConfig> {
  // Takes no fields; the argument is accepted for symmetry with the other keys.
  constructor(_fields: Record<string, never> = {}) {
    super();
  }

  defaultPath(): string {
    return `${ROOT}/config`;
  }

  valueType(): ValueTypeName {
    return 'IPAMConfig';
  }

  toString(): string {
    return 'IPAMConfigKey()';
  }
}

export interface IPAMHostKeyFields {
  host?: string;
}

/** A host's IPAM directory (an empty object), `/calico/ipam/v2/host/{host}`. */
export class IPAMHostKey extends LeafKey<IPAMHost> {
  readonly host: string;

  constructor(fields: IPAMHostKeyFields) {
    super();
    this.host = segmentField(fields, 'host');
  }

  defaultPath(): string {
    return `${ROOT}/host/${required(this.host, 'host')}`;
  }

  valueType(): ValueTypeName {
    return 'IPAMHost';
  }

  toString(): string {
    return `IPAMHostKey(host=${this.host})`;
  }
}

/** Parses the IPAM config's path; for the global parser (there are no list options for it). */
export function ipamConfigKeyFromPath(path: string): IPAMConfigKey | null {
  return CONFIG.test(path) ? new IPAMConfigKey() : null;
}

/** Parses the path of a host's IPAM entry, `/calico/ipam/v2/host/{host}`; for the global parser. */
export function ipamHostKeyFromPath(path: string): IPAMHostKey | null {
  const groups = matchPath(HOST, path);
  return groups === null ? null : new IPAMHostKey({ host: groups[0] ?? '' });
}
