/** IP pools: `/calico/v1/ipam/v{n}/pool/{cidr-}`, the CIDR's `/` written as `-`. */
import { cidrFromSegment, cidrToSegment, type ParsedCidr } from './cidr.js';
import { cidrField, matchPath, requiredValue } from './fields.js';
import type { ListInterface } from './key.js';
import { LeafKey } from './key.js';
import type { ValueTypeName } from './value-schemas.js';
import type { IPPool } from './value-types.js';

const ROOT = '/calico/v1/ipam';
const PATTERN = /^\/?calico\/v1\/ipam\/v(4|6)\/pool\/([^/]+)$/;

export interface IPPoolKeyFields {
  /** e.g. `10.0.0.0/8`; normalized to the network address. */
  cidr?: string;
}

function poolPath(cidr: ParsedCidr): string {
  return `${ROOT}/v${cidr.version}/pool/${cidrToSegment(cidr)}`;
}

export class IPPoolKey extends LeafKey<IPPool> {
  /** The normalized CIDR, or `''` when not set. */
  readonly cidr: string;
  readonly #parsed: ParsedCidr | undefined;

  constructor(fields: IPPoolKeyFields) {
    super();
    this.#parsed = cidrField(fields, 'cidr');
    this.cidr = this.#parsed?.text ?? '';
  }

  defaultPath(): string {
    return poolPath(requiredValue(this.#parsed, 'cidr'));
  }

  valueType(): ValueTypeName {
    return 'IPPool';
  }

  toString(): string {
    return `IPPool(cidr=${this.cidr})`;
  }
}

export type IPPoolListOptionsFields = IPPoolKeyFields;

export class IPPoolListOptions implements ListInterface<IPPool> {
  /** The normalized CIDR filter, or `''` when not set. */
  readonly cidr: string;
  readonly #parsed: ParsedCidr | undefined;

  constructor(fields: IPPoolListOptionsFields = {}) {
    this.#parsed = cidrField(fields, 'cidr');
    this.cidr = this.#parsed?.text ?? '';
  }

  defaultPathRoot(): string {
    return this.#parsed === undefined ? ROOT : poolPath(this.#parsed);
  }

  /** A malformed CIDR, or one filed under the wrong IP version, gives null. */
  keyFromDefaultPath(path: string): IPPoolKey | null {
    const groups = matchPath(PATTERN, path);
    if (groups === null) return null;
    const [version, segment = ''] = groups;
    const cidr = cidrFromSegment(segment);
    if (cidr === null || String(cidr.version) !== version) return null;
    if (this.cidr !== '' && this.cidr !== cidr.text) return null;
    return new IPPoolKey({ cidr: cidr.text });
  }
}
