/**
 * Profiles: a directory `/calico/v1/policy/profile/{name}` (name escaped) holding three values,
 * `rules`, `tags` and `labels`. Deleting any of the three removes the whole profile.
 */
import { escapeName, unescapeName } from './escape.js';
import { accepts, matchPath, required, stringField } from './fields.js';
import type { Key, ListInterface, ValueKind, valueTag } from './key.js';
import type { ValueTypeName } from './value-schemas.js';
import type { Profile, ProfileRules } from './value-types.js';

const ROOT = '/calico/v1/policy/profile';
const PATTERN = /^\/?calico\/v1\/policy\/profile\/([^/]+)\/(rules|tags|labels)$/;
const WHOLE = /^\/?calico\/v1\/policy\/profile\/([^/]+)$/;

export interface ProfileKeyFields {
  name?: string;
}

function profileDir(name: string): string {
  return `${ROOT}/${escapeName(required(name, 'name'))}`;
}

/**
 * What a profile and its three parts share: the name, and deletion of the whole profile. Not
 * exported: a part key is no ProfileKey, and no ProfileKey is a part.
 */
abstract class ProfileNamed<V> implements Key<V> {
  declare readonly [valueTag]?: V;
  readonly name: string;

  constructor(fields: ProfileKeyFields) {
    this.name = stringField(fields, 'name');
  }

  abstract defaultPath(): string;
  abstract toString(): string;

  defaultDeletePath(): string {
    return profileDir(this.name);
  }

  defaultDeleteParentPaths(): string[] {
    return [];
  }

  valueKind(): ValueKind {
    return 'structured';
  }

  abstract valueType(): ValueTypeName;
}

/** The whole profile (a composite of its rules, tags and labels). */
export class ProfileKey extends ProfileNamed<Profile> {
  defaultPath(): string {
    return profileDir(this.name);
  }

  valueType(): ValueTypeName {
    return 'Profile';
  }

  override toString(): string {
    return `Profile(name=${this.name})`;
  }
}

/** The profile's rules (a ProfileRules value). */
export class ProfileRulesKey extends ProfileNamed<ProfileRules> {
  defaultPath(): string {
    return `${profileDir(this.name)}/rules`;
  }

  valueType(): ValueTypeName {
    return 'ProfileRules';
  }

  override toString(): string {
    return `ProfileRules(name=${this.name})`;
  }
}

/** The profile's tags (a list of strings). */
export class ProfileTagsKey extends ProfileNamed<string[]> {
  defaultPath(): string {
    return `${profileDir(this.name)}/tags`;
  }

  valueType(): ValueTypeName {
    return 'ProfileTags';
  }

  override toString(): string {
    return `ProfileTags(name=${this.name})`;
  }
}

/** The profile's labels (a map of strings). */
export class ProfileLabelsKey extends ProfileNamed<Record<string, string>> {
  defaultPath(): string {
    return `${profileDir(this.name)}/labels`;
  }

  valueType(): ValueTypeName {
    return 'ProfileLabels';
  }

  override toString(): string {
    return `ProfileLabels(name=${this.name})`;
  }
}

export type ProfilePartKey = ProfileRulesKey | ProfileTagsKey | ProfileLabelsKey;

/** Parses the path of a whole profile (`/calico/v1/policy/profile/{name}`); for the global parser. */
export function profileKeyFromPath(path: string): ProfileKey | null {
  const groups = matchPath(WHOLE, path);
  return groups === null ? null : new ProfileKey({ name: unescapeName(groups[0] ?? '') });
}

export type ProfileListOptionsFields = ProfileKeyFields;

/** Lists the rules, tags and labels keys of every profile (or of the named one). */
export class ProfileListOptions implements ListInterface<
  ProfileRules | string[] | Record<string, string>
> {
  readonly name: string;

  constructor(fields: ProfileListOptionsFields = {}) {
    this.name = stringField(fields, 'name');
  }

  defaultPathRoot(): string {
    return this.name === '' ? ROOT : `${ROOT}/${escapeName(this.name)}`;
  }

  keyFromDefaultPath(path: string): ProfilePartKey | null {
    const groups = matchPath(PATTERN, path);
    if (groups === null) return null;
    const [escaped = '', part] = groups;
    const name = unescapeName(escaped);
    if (!accepts(this.name, name)) return null;
    if (part === 'rules') return new ProfileRulesKey({ name });
    if (part === 'tags') return new ProfileTagsKey({ name });
    return new ProfileLabelsKey({ name });
  }
}
