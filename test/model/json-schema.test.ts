/**
 * The JSON Schema documents for editors: draft-07 documents whose patterns an editor can
 * compile, closed like the write check, and globs that find exactly the files of their keys.
 */
import { describe, expect, it } from 'vitest';
import {
  ActiveStatusReportKey,
  BGPPeerKey,
  BlockKey,
  HostEndpointKey,
  HostEndpointStatusKey,
  HostMetadataKey,
  IPAMConfigKey,
  IPAMHandleKey,
  IPAMHostKey,
  IPPoolKey,
  LastStatusReportKey,
  PolicyKey,
  ProfileKey,
  ProfileLabelsKey,
  ProfileRulesKey,
  ProfileTagsKey,
  WorkloadEndpointKey,
  WorkloadEndpointStatusKey,
  keyFromDefaultPath,
  valueJsonSchemas,
  yamlSchemasSetting,
  type Key,
} from '../../src/index.js';
import { globRegExp } from '../helpers/glob.js';

const wep = { hostname: 'node-1', orchestratorID: 'k8s', workloadID: 'a%b/c', endpointID: 'eth0' };
const samples: Key[] = [
  new PolicyKey({ name: 'allow/web' }),
  new ProfileKey({ name: 'p' }),
  new ProfileRulesKey({ name: 'tenant/web' }),
  new ProfileTagsKey({ name: 'p' }),
  new ProfileLabelsKey({ name: 'p' }),
  new WorkloadEndpointKey(wep),
  new HostEndpointKey({ hostname: 'node-1', endpointID: 'eth0' }),
  new HostMetadataKey({ hostname: 'node-1' }),
  new IPPoolKey({ cidr: '10.0.0.0/8' }),
  new IPPoolKey({ cidr: 'fd00::/64' }),
  new BGPPeerKey({ scope: 'global', peerIP: '10.0.0.1' }),
  new BGPPeerKey({ scope: 'node', hostname: 'node-1', peerIP: 'fd00::1' }),
  new BlockKey({ cidr: '10.0.0.0/26' }),
  new BlockKey({ cidr: 'fd00::/122' }),
  new IPAMHandleKey({ handleID: 'h' }),
  new IPAMConfigKey(),
  new IPAMHostKey({ host: 'node-1' }),
  new HostEndpointStatusKey({ hostname: 'node-1', endpointID: 'eth0' }),
  new WorkloadEndpointStatusKey(wep),
  new ActiveStatusReportKey({ hostname: 'node-1' }),
  new LastStatusReportKey({ hostname: 'node-1' }),
];

function patternsOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(patternsOf);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([name, child]) =>
    name === 'pattern' && typeof child === 'string' ? [child] : patternsOf(child),
  );
}

describe('valueJsonSchemas', () => {
  const schemas = valueJsonSchemas();

  it('gives one draft-07 document per structured value type, closed to unknown fields', () => {
    expect(schemas).toHaveLength(17);
    for (const { schema, fileName } of schemas) {
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(fileName).toMatch(/^[a-z-]+\.schema\.json$/);
      expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    }
    const policy = schemas.find((s) => s.name === 'Policy')?.schema;
    expect(policy).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['selector'],
    });
  });

  it('has patterns that compile as editors compile them (with the u flag)', () => {
    const patterns = schemas.flatMap((s) => patternsOf(s.schema));
    expect(patterns.length).toBeGreaterThan(5);
    for (const pattern of patterns) expect(() => new RegExp(pattern, 'u')).not.toThrow();
  });

  it.each(samples.map((key) => [key.toString(), key] as const))(
    "maps the file of %s to its key's schema, and to no other",
    (_name, key) => {
      const file = `workspace/config${key.defaultPath()}.yaml`;
      const matching = schemas.filter((s) => s.files.some((glob) => globRegExp(glob).test(file)));
      expect(matching.map((s) => s.name)).toEqual([key.valueType?.()]);
      expect(keyFromDefaultPath(key.defaultPath())?.valueType?.()).toBe(key.valueType?.());
    },
  );

  it('maps no file of a raw value (config, BGP config, affinities, bird_ip, Ready)', () => {
    for (const path of [
      '/calico/v1/config/LogSeverityScreen',
      '/calico/v1/host/node-1/config/IpInIpTunnelAddr',
      '/calico/v1/host/node-1/bird_ip',
      '/calico/v1/Ready',
      '/calico/bgp/v1/global/as_num',
      '/calico/bgp/v1/host/node-1/ip_addr_v4',
      '/calico/ipam/v2/host/node-1/ipv4/block/10.0.0.0-26',
    ]) {
      const file = `${path.slice(1)}.yaml`;
      expect(schemas.filter((s) => s.files.some((glob) => globRegExp(glob).test(file)))).toEqual(
        [],
      );
    }
  });

  it('makes the yaml.schemas setting: schema location -> globs', () => {
    const setting = yamlSchemasSetting((s) => `schemas/${s.fileName}`);
    expect(setting['schemas/policy.schema.json']).toEqual([
      '**/calico/v1/policy/tier/*/policy/*.yaml',
    ]);
    expect(Object.keys(setting)).toHaveLength(17);
  });
});
