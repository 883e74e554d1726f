/**
 * The value schemas as JSON Schema documents for editors, and where their files live: what
 * `kvdir schema` writes so that the YAML language server (VS Code's YAML extension and others)
 * checks a Calico value file while it is typed. Each document is the closed schema that writes
 * and `kvdir check` use, so an editor flags the same unknown fields, wrong types and missing
 * fields. Raw values (bare strings, bools, IPs) get none: YAML would read `1440` as a number
 * where kvdir keeps the text.
 */
import { closedSchema } from './value-check.js';
import type { ValueTypeName } from './value-schemas.js';
import { VALUE_SCHEMAS } from './value-schemas.js';

export interface ValueJsonSchema {
  /** The value type, e.g. `Policy`. */
  name: ValueTypeName;
  /** A file name for its schema, e.g. `policy.schema.json`. */
  fileName: string;
  /** The JSON Schema document (draft-07; a field the type does not have is an error). */
  schema: Record<string, unknown>;
  /**
   * Globs of its value files, wherever the datastore sits in a workspace, e.g.
   * `** /calico/v1/policy/tier/* /policy/*.yaml` (without the spaces).
   */
  files: string[];
}

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** Per value type, the file paths of its keys below a datastore root (`*` is one path segment). */
const FILES: Readonly<Record<ValueTypeName, readonly string[]>> = {
  Policy: ['calico/v1/policy/tier/*/policy/*'],
  Profile: ['calico/v1/policy/profile/*'],
  ProfileRules: ['calico/v1/policy/profile/*/rules'],
  ProfileTags: ['calico/v1/policy/profile/*/tags'],
  ProfileLabels: ['calico/v1/policy/profile/*/labels'],
  WorkloadEndpoint: ['calico/v1/host/*/workload/*/*/endpoint/*'],
  HostEndpoint: ['calico/v1/host/*/endpoint/*'],
  HostMetadata: ['calico/v1/host/*/metadata'],
  IPPool: ['calico/v1/ipam/v4/pool/*', 'calico/v1/ipam/v6/pool/*'],
  BGPPeer: [
    'calico/bgp/v1/global/peer_v4/*',
    'calico/bgp/v1/global/peer_v6/*',
    'calico/bgp/v1/host/*/peer_v4/*',
    'calico/bgp/v1/host/*/peer_v6/*',
  ],
  AllocationBlock: [
    'calico/ipam/v2/assignment/ipv4/block/*',
    'calico/ipam/v2/assignment/ipv6/block/*',
  ],
  IPAMHandle: ['calico/ipam/v2/handle/*'],
  IPAMConfig: ['calico/ipam/v2/config'],
  IPAMHost: ['calico/ipam/v2/host/*'],
  HostEndpointStatus: ['calico/felix/v1/host/*/endpoint/*'],
  WorkloadEndpointStatus: ['calico/felix/v1/host/*/workload/*/*/endpoint/*'],
  StatusReport: ['calico/felix/v1/host/*/status', 'calico/felix/v1/host/*/last_reported_status'],
};

/** `WorkloadEndpoint` -> `workload-endpoint`, `IPAMHandle` -> `ipam-handle`. */
function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/** Every structured value type's JSON Schema document and the globs of its files. */
export function valueJsonSchemas(): ValueJsonSchema[] {
  return (Object.keys(VALUE_SCHEMAS) as ValueTypeName[]).map((name) => {
    const fileName = `${kebab(name)}.schema.json`;
    return {
      name,
      fileName,
      schema: { $schema: DRAFT_07, ...closedSchema(VALUE_SCHEMAS[name]) },
      files: FILES[name].map((path) => `**/${path}.yaml`),
    };
  });
}

/**
 * The `yaml.schemas` setting of the YAML language server for schema files at `location(name)`
 * (a path relative to the workspace root, or a URL): schema -> the globs of its files.
 */
export function yamlSchemasSetting(
  location: (schema: ValueJsonSchema) => string,
): Record<string, string[]> {
  return Object.fromEntries(valueJsonSchemas().map((schema) => [location(schema), schema.files]));
}
