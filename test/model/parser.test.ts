import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ActiveStatusReportKey,
  BGPPeerKey,
  BlockAffinityKey,
  BlockKey,
  GlobalBGPConfigKey,
  GlobalConfigKey,
  HostBGPConfigKey,
  HostEndpointStatusKey,
  HostMetadataKey,
  IPAMConfigKey,
  IPAMHandleKey,
  IPAMHostKey,
  LastStatusReportKey,
  ProfileKey,
  WorkloadEndpointStatusKey,
  HostConfigKey,
  HostEndpointKey,
  HostIPKey,
  IPPoolKey,
  PathKey,
  PolicyKey,
  ProfileLabelsKey,
  ProfileRulesKey,
  ProfileTagsKey,
  ReadyFlagKey,
  ValidationError,
  WorkloadEndpointKey,
  keyFromDefaultPath,
  keyFromPath,
  keyToDefaultPath,
  type Key,
} from '../../src/index.js';

// The upstream test table (libcalico-go lib/backend/model/keys_test.go), both directions.
const upstream: [string, Key][] = [
  ['/calico/v1/policy/profile/foo%2fbar/rules', new ProfileRulesKey({ name: 'foo/bar' })],
  ['/calico/v1/policy/profile/foo%2fbar/tags', new ProfileTagsKey({ name: 'foo/bar' })],
  ['/calico/v1/policy/profile/foo%2fbar/labels', new ProfileLabelsKey({ name: 'foo/bar' })],
  ['/calico/v1/policy/tier/default/policy/biff%2fbop', new PolicyKey({ name: 'biff/bop' })],
  [
    '/calico/v1/host/foobar/workload/open%2fstack/work%2fload/endpoint/end%2fpoint',
    new WorkloadEndpointKey({
      hostname: 'foobar',
      orchestratorID: 'open/stack',
      workloadID: 'work/load',
      endpointID: 'end/point',
    }),
  ],
  [
    '/calico/v1/host/foobar/endpoint/end%2fpoint',
    new HostEndpointKey({ hostname: 'foobar', endpointID: 'end/point' }),
  ],
  ['/calico/v1/host/foobar/bird_ip', new HostIPKey({ hostname: 'foobar' })],
  ['/calico/v1/ipam/v4/pool/10.0.0.0-8', new IPPoolKey({ cidr: '10.0.0.0/8' })],
  ['/calico/v1/config/foo', new GlobalConfigKey({ name: 'foo' })],
  ['/calico/v1/host/hostname/config/foo', new HostConfigKey({ hostname: 'hostname', name: 'foo' })],
  ['/calico/v1/Ready', new ReadyFlagKey({})],
];

describe('the upstream key <-> path table', () => {
  it.each(upstream)('%s', (path, key) => {
    const parsed = keyFromDefaultPath(path);
    expect(parsed).toStrictEqual(key);
    expect(parsed).toBeInstanceOf(key.constructor);
    expect(keyToDefaultPath(key)).toBe(path);
  });
});

describe('keyFromDefaultPath (the global parser)', () => {
  it('accepts a missing leading / except for the Ready flag', () => {
    expect(keyFromDefaultPath('calico/v1/policy/tier/default/policy/p')).toStrictEqual(
      new PolicyKey({ name: 'p' }),
    );
    expect(keyFromDefaultPath('calico/v1/host/h/bird_ip')).toStrictEqual(
      new HostIPKey({ hostname: 'h' }),
    );
    expect(keyFromDefaultPath('calico/v1/Ready')).toBeNull();
  });

  it('ignores the policy tier', () => {
    expect(keyFromDefaultPath('/calico/v1/policy/tier/t2/policy/p')).toStrictEqual(
      new PolicyKey({ name: 'p' }),
    );
  });

  it('parses config names holding /', () => {
    expect(keyFromDefaultPath('/calico/v1/config/a/b')).toStrictEqual(
      new GlobalConfigKey({ name: 'a/b' }),
    );
    expect(keyFromDefaultPath('/calico/v1/host/h/config/a/b')).toStrictEqual(
      new HostConfigKey({ hostname: 'h', name: 'a/b' }),
    );
  });

  // Beyond libcalico-go v1's parser, which gave null for all of these: every v1 family.
  it.each([
    ['/calico/v1/host/h/metadata', new HostMetadataKey({ hostname: 'h' })],
    ['/calico/v1/policy/profile/a%2fb', new ProfileKey({ name: 'a/b' })],
    [
      '/calico/bgp/v1/global/peer_v4/10.0.0.1',
      new BGPPeerKey({ scope: 'global', peerIP: '10.0.0.1' }),
    ],
    [
      '/calico/bgp/v1/host/h/peer_v6/fd00::1',
      new BGPPeerKey({ scope: 'node', hostname: 'h', peerIP: 'fd00::1' }),
    ],
    ['/calico/bgp/v1/global/as_num', new GlobalBGPConfigKey({ name: 'as_num' })],
    [
      '/calico/bgp/v1/host/h/ip_addr_v4',
      new HostBGPConfigKey({ hostname: 'h', name: 'ip_addr_v4' }),
    ],
    ['/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26', new BlockKey({ cidr: '10.0.0.0/26' })],
    [
      '/calico/ipam/v2/host/h/ipv6/block/fd00::-122',
      new BlockAffinityKey({ cidr: 'fd00::/122', host: 'h' }),
    ],
    [
      '/calico/ipam/v2/handle/k8s-pod-network.abc',
      new IPAMHandleKey({ handleID: 'k8s-pod-network.abc' }),
    ],
    ['/calico/ipam/v2/config', new IPAMConfigKey()],
    ['/calico/ipam/v2/host/h', new IPAMHostKey({ host: 'h' })],
    ['/calico/felix/v1/host/h/status', new ActiveStatusReportKey({ hostname: 'h' })],
    ['/calico/felix/v1/host/h/last_reported_status', new LastStatusReportKey({ hostname: 'h' })],
    [
      '/calico/felix/v1/host/h/endpoint/e%2f1',
      new HostEndpointStatusKey({ hostname: 'h', endpointID: 'e/1' }),
    ],
    [
      '/calico/felix/v1/host/h/workload/o/w%2f1/endpoint/e',
      new WorkloadEndpointStatusKey({
        hostname: 'h',
        orchestratorID: 'o',
        workloadID: 'w/1',
        endpointID: 'e',
      }),
    ],
  ] as [string, Key][])('%s parses to its key', (path, key) => {
    expect(keyFromDefaultPath(path)).toStrictEqual(key);
    expect(keyFromDefaultPath(path)).toBeInstanceOf(key.constructor);
    expect(keyToDefaultPath(key)).toBe(path);
  });

  it.each([
    '/calico/v1/host/h',
    '/calico/v1/host/h/metadata/x',
    '/calico/felix/v1/host/h/last_reported_status/x',
    '/calico/ipam/v2/config/x',
    '/calico/bgp/v1/global/peer_v4/not-an-ip',
    '/calico/bgp/v1/global/peer_v6/10.0.0.1',
    '/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-99',
    '/calico/v1/Ready/x',
    '/calico/v1/config',
    '/calico/v1/config/',
    '/calico/v1/config/a//b',
    '/apps/web',
    '',
    '/',
  ])('%j is not a key the global parser knows', (path) => {
    expect(keyFromDefaultPath(path)).toBeNull();
  });

  it.each(['577559', '10.0.0.0', '10.0.0.0-99', '::-8', 'a-b-c', '-', '10.0.0.0-8x'])(
    'a malformed pool CIDR %j gives null',
    (segment) => {
      expect(keyFromDefaultPath(`/calico/v1/ipam/v4/pool/${segment}`)).toBeNull();
    },
  );

  it('never throws, whatever the path holds', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom('calico', 'v1', 'host', 'config', 'ipam', 'v4', 'pool', '', '-', '%'),
        ),
        fc.string(),
        (parts, tail) => {
          const path = `/${parts.join('/')}/${tail}`;
          expect(() => keyFromDefaultPath(path)).not.toThrow();
        },
      ),
    );
  });
});

describe('keyFromPath', () => {
  it('gives the Calico key where the path is one', () => {
    expect(keyFromPath('/calico/v1/Ready')).toStrictEqual(new ReadyFlagKey());
  });

  it('gives a PathKey for any other valid path', () => {
    expect(keyFromPath('/apps/web/settings')).toStrictEqual(new PathKey('/apps/web/settings'));
    expect(keyFromPath('/calico/v1/host/h/metadata/x')).toStrictEqual(
      new PathKey('/calico/v1/host/h/metadata/x'),
    );
  });

  it('throws ValidationError for a path that cannot be a key', () => {
    expect(() => keyFromPath('apps/web')).toThrow(ValidationError);
    expect(() => keyFromPath('/apps//web')).toThrow(ValidationError);
  });
});
