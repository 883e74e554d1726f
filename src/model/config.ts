/** Global Felix config (`/calico/v1/config/{name}`, name may hold `/`) and the Ready flag. */
import { accepts, matchPath, nestedNameField, required } from './fields.js';
import type { Key, ListInterface, ValueKind, valueTag } from './key.js';
import { LeafKey } from './key.js';

const ROOT = '/calico/v1/config';
const PATTERN = /^\/?calico\/v1\/config\/([^/]+(?:\/[^/]+)*)$/;
const READY = '/calico/v1/Ready';

export interface GlobalConfigKeyFields {
  /** May hold `/`: the name then becomes a deeper path. */
  name?: string;
}

/** A global Felix config value (a raw string). */
export class GlobalConfigKey extends LeafKey<string> {
  readonly name: string;

  constructor(fields: GlobalConfigKeyFields) {
    super();
    this.name = nestedNameField(fields, 'name');
  }

  defaultPath(): string {
    return `${ROOT}/${required(this.name, 'name')}`;
  }

  override valueKind(): ValueKind {
    return 'raw-string';
  }

  toString(): string {
    return `GlobalConfig(name=${this.name})`;
  }
}

export type GlobalConfigListOptionsFields = GlobalConfigKeyFields;

export class GlobalConfigListOptions implements ListInterface<string> {
  readonly name: string;

  constructor(fields: GlobalConfigListOptionsFields = {}) {
    this.name = nestedNameField(fields, 'name');
  }

  defaultPathRoot(): string {
    return this.name === '' ? ROOT : `${ROOT}/${this.name}`;
  }

  keyFromDefaultPath(path: string): GlobalConfigKey | null {
    const groups = matchPath(PATTERN, path);
    if (groups === null) return null;
    const name = groups[0] ?? '';
    return accepts(this.name, name) ? new GlobalConfigKey({ name }) : null;
  }
}

/** The datastore's Ready flag, `/calico/v1/Ready` (a raw bool). */
export class ReadyFlagKey implements Key<boolean> {
  declare readonly [valueTag]?: boolean;
  // Takes no fields; the argument is accepted for symmetry with the other keys.
  constructor(_fields: Record<string, never> = {}) {}

  defaultPath(): string {
    return READY;
  }

  defaultDeletePath(): string {
    return READY;
  }

  defaultDeleteParentPaths(): string[] {
    return [];
  }

  valueKind(): ValueKind {
    return 'raw-bool';
  }

  toString(): string {
    return 'ReadyFlagKey()';
  }
}

/** Parses the Ready flag's path; unlike the other patterns it needs the leading `/`. */
export function readyFlagKeyFromPath(path: string): ReadyFlagKey | null {
  return path === READY ? new ReadyFlagKey() : null;
}
