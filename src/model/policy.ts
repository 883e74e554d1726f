/**
 * Policies: `/calico/v1/policy/tier/default/policy/{name}` (name escaped). Keys are written to
 * the default tier; parsing accepts any tier and drops it.
 */
import { escapeName, unescapeName } from './escape.js';
import { accepts, matchPath, required, stringField } from './fields.js';
import type { ListInterface } from './key.js';
import { LeafKey } from './key.js';
import type { ValueTypeName } from './value-schemas.js';
import type { Policy } from './value-types.js';

const ROOT = '/calico/v1/policy/tier/default/policy';
const PATTERN = /^\/?calico\/v1\/policy\/tier\/[^/]+\/policy\/([^/]+)$/;

export interface PolicyKeyFields {
  name?: string;
}

export class PolicyKey extends LeafKey<Policy> {
  readonly name: string;

  constructor(fields: PolicyKeyFields) {
    super();
    this.name = stringField(fields, 'name');
  }

  defaultPath(): string {
    return `${ROOT}/${escapeName(required(this.name, 'name'))}`;
  }

  valueType(): ValueTypeName {
    return 'Policy';
  }

  toString(): string {
    return `Policy(name=${this.name})`;
  }
}

export type PolicyListOptionsFields = PolicyKeyFields;

export class PolicyListOptions implements ListInterface<Policy> {
  readonly name: string;

  constructor(fields: PolicyListOptionsFields = {}) {
    this.name = stringField(fields, 'name');
  }

  defaultPathRoot(): string {
    return this.name === '' ? ROOT : `${ROOT}/${escapeName(this.name)}`;
  }

  keyFromDefaultPath(path: string): PolicyKey | null {
    const groups = matchPath(PATTERN, path);
    if (groups === null) return null;
    const name = unescapeName(groups[0] ?? '');
    return accepts(this.name, name) ? new PolicyKey({ name }) : null;
  }
}
