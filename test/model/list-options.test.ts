import { describe, expect, it } from 'vitest';
import {
  ActiveStatusReportListOptions,
  BGPPeerKey,
  BGPPeerListOptions,
  BlockAffinityKey,
  BlockAffinityListOptions,
  BlockKey,
  BlockListOptions,
  GlobalBGPConfigKey,
  GlobalBGPConfigListOptions,
  GlobalConfigKey,
  GlobalConfigListOptions,
  HostBGPConfigKey,
  HostBGPConfigListOptions,
  HostConfigKey,
  HostConfigListOptions,
  HostEndpointKey,
  HostEndpointListOptions,
  HostEndpointStatusKey,
  HostEndpointStatusListOptions,
  HostMetadataKey,
  HostMetadataListOptions,
  IPAMHandleKey,
  IPAMHandleListOptions,
  IPPoolKey,
  IPPoolListOptions,
  LastStatusReportKey,
  LastStatusReportListOptions,
  PolicyKey,
  PolicyListOptions,
  ProfileLabelsKey,
  ProfileListOptions,
  ProfileRulesKey,
  ProfileTagsKey,
  ActiveStatusReportKey,
  ValidationError,
  WorkloadEndpointKey,
  WorkloadEndpointListOptions,
  WorkloadEndpointStatusKey,
  WorkloadEndpointStatusListOptions,
  listOptionsToDefaultPathRoot,
  type ListInterface,
} from '../../src/index.js';

const hw = { hostname: 'h', orchestratorID: 'o', workloadID: 'w' };

describe('defaultPathRoot is built from the leading non-empty fields', () => {
  const cases: [ListInterface, string][] = [
    [new WorkloadEndpointListOptions(), '/calico/v1/host'],
    [new WorkloadEndpointListOptions({ hostname: 'h' }), '/calico/v1/host/h/workload'],
    [
      new WorkloadEndpointListOptions({ hostname: 'h', orchestratorID: 'k8s/x' }),
      '/calico/v1/host/h/workload/k8s%2fx',
    ],
    [
      new WorkloadEndpointListOptions({ hostname: 'h', orchestratorID: 'o', workloadID: 'w' }),
      '/calico/v1/host/h/workload/o/w/endpoint',
    ],
    [
      new WorkloadEndpointListOptions({ ...hw, endpointID: 'e/1' }),
      '/calico/v1/host/h/workload/o/w/endpoint/e%2f1',
    ],
    [new WorkloadEndpointListOptions({ workloadID: 'w' }), '/calico/v1/host'],
    [
      new WorkloadEndpointListOptions({ hostname: 'h', workloadID: 'w' }),
      '/calico/v1/host/h/workload',
    ],
    [new HostEndpointListOptions(), '/calico/v1/host'],
    [new HostEndpointListOptions({ hostname: 'h' }), '/calico/v1/host/h/endpoint'],
    [
      new HostEndpointListOptions({ hostname: 'h', endpointID: 'eth/0' }),
      '/calico/v1/host/h/endpoint/eth%2f0',
    ],
    [new HostEndpointListOptions({ endpointID: 'e' }), '/calico/v1/host'],
    [new PolicyListOptions(), '/calico/v1/policy/tier/default/policy'],
    [new PolicyListOptions({ name: 'a/b' }), '/calico/v1/policy/tier/default/policy/a%2fb'],
    [new ProfileListOptions(), '/calico/v1/policy/profile'],
    [new ProfileListOptions({ name: '%p' }), '/calico/v1/policy/profile/%25p'],
    [new HostMetadataListOptions(), '/calico/v1/host'],
    [new HostMetadataListOptions({ hostname: 'h' }), '/calico/v1/host/h/metadata'],
    [new GlobalConfigListOptions(), '/calico/v1/config'],
    [new GlobalConfigListOptions({ name: 'a/b' }), '/calico/v1/config/a/b'],
    [new HostConfigListOptions(), '/calico/v1/host'],
    [new HostConfigListOptions({ hostname: 'h' }), '/calico/v1/host/h/config'],
    [new HostConfigListOptions({ hostname: 'h', name: 'x/y' }), '/calico/v1/host/h/config/x/y'],
    [new HostConfigListOptions({ name: 'x' }), '/calico/v1/host'],
    [new IPPoolListOptions(), '/calico/v1/ipam'],
    [new IPPoolListOptions({ cidr: '10.0.0.0/8' }), '/calico/v1/ipam/v4/pool/10.0.0.0-8'],
    [new IPPoolListOptions({ cidr: 'fd00::/48' }), '/calico/v1/ipam/v6/pool/fd00::-48'],
    [new BGPPeerListOptions(), '/calico/bgp/v1'],
    [new BGPPeerListOptions({ peerIP: '10.0.0.1' }), '/calico/bgp/v1'],
    [new BGPPeerListOptions({ hostname: 'h' }), '/calico/bgp/v1/host/h'],
    [
      new BGPPeerListOptions({ hostname: 'h', peerIP: '10.0.0.1' }),
      '/calico/bgp/v1/host/h/peer_v4/10.0.0.1',
    ],
    [new BGPPeerListOptions({ scope: 'global' }), '/calico/bgp/v1/global'],
    [
      new BGPPeerListOptions({ scope: 'global', peerIP: '::1' }),
      '/calico/bgp/v1/global/peer_v6/::1',
    ],
    [new BGPPeerListOptions({ scope: 'node' }), '/calico/bgp/v1/host'],
    [new BGPPeerListOptions({ scope: 'node', peerIP: '10.0.0.1' }), '/calico/bgp/v1/host'],
    [new GlobalBGPConfigListOptions(), '/calico/bgp/v1/global'],
    [new GlobalBGPConfigListOptions({ name: 'as_num' }), '/calico/bgp/v1/global/as_num'],
    [new HostBGPConfigListOptions(), '/calico/bgp/v1/host'],
    [new HostBGPConfigListOptions({ hostname: 'h' }), '/calico/bgp/v1/host/h'],
    [
      new HostBGPConfigListOptions({ hostname: 'h', name: 'ip_addr_v4' }),
      '/calico/bgp/v1/host/h/ip_addr_v4',
    ],
    [new HostBGPConfigListOptions({ name: 'ip_addr_v4' }), '/calico/bgp/v1/host'],
    [new BlockListOptions(), '/calico/ipam/v2/assignment'],
    [new BlockListOptions({ ipVersion: 6 }), '/calico/ipam/v2/assignment/ipv6'],
    [new BlockAffinityListOptions(), '/calico/ipam/v2/host'],
    [new BlockAffinityListOptions({ host: 'h' }), '/calico/ipam/v2/host/h'],
    [
      new BlockAffinityListOptions({ host: 'h', ipVersion: 4 }),
      '/calico/ipam/v2/host/h/ipv4/block',
    ],
    [new BlockAffinityListOptions({ ipVersion: 4 }), '/calico/ipam/v2/host'],
    [new IPAMHandleListOptions(), '/calico/ipam/v2/handle'],
    [new IPAMHandleListOptions({ handleID: 'x' }), '/calico/ipam/v2/handle/x'],
    [new HostEndpointStatusListOptions(), '/calico/felix/v1/host'],
    [
      new HostEndpointStatusListOptions({ hostname: 'h', endpointID: 'a/b' }),
      '/calico/felix/v1/host/h/endpoint/a%2fb',
    ],
    [new WorkloadEndpointStatusListOptions(), '/calico/felix/v1/host'],
    [
      new WorkloadEndpointStatusListOptions({ ...hw, workloadID: 'w/1' }),
      '/calico/felix/v1/host/h/workload/o/w%2f1/endpoint',
    ],
    [new ActiveStatusReportListOptions(), '/calico/felix/v1/host'],
    [new ActiveStatusReportListOptions({ hostname: 'h' }), '/calico/felix/v1/host/h/status'],
    [new LastStatusReportListOptions(), '/calico/felix/v1/host'],
    [
      new LastStatusReportListOptions({ hostname: 'h' }),
      '/calico/felix/v1/host/h/last_reported_status',
    ],
  ];

  it.each(cases)('%o -> %s', (options, root) => {
    expect(options.defaultPathRoot()).toBe(root);
    expect(listOptionsToDefaultPathRoot(options)).toBe(root);
  });

  it('treats empty strings as not set', () => {
    const options = new WorkloadEndpointListOptions({ hostname: '', orchestratorID: 'o' });
    expect(options.defaultPathRoot()).toBe('/calico/v1/host');
    expect(options.hostname).toBe('');
  });
});

describe('keyFromDefaultPath parses and filters', () => {
  const wep = '/calico/v1/host/h1/workload/o1/w1/endpoint/e1';
  const wepIds = { hostname: 'h1', orchestratorID: 'o1', workloadID: 'w1', endpointID: 'e1' };
  const wepKey = new WorkloadEndpointKey(wepIds);

  it('workload endpoint: every non-empty field filters', () => {
    expect(new WorkloadEndpointListOptions().keyFromDefaultPath(wep)).toStrictEqual(wepKey);
    expect(
      new WorkloadEndpointListOptions({ hostname: 'h1' }).keyFromDefaultPath(wep),
    ).toStrictEqual(wepKey);
    expect(new WorkloadEndpointListOptions({ hostname: 'h2' }).keyFromDefaultPath(wep)).toBeNull();
    expect(
      new WorkloadEndpointListOptions({ orchestratorID: 'o2' }).keyFromDefaultPath(wep),
    ).toBeNull();
    expect(
      new WorkloadEndpointListOptions({ endpointID: 'e2' }).keyFromDefaultPath(wep),
    ).toBeNull();
  });

  it('workload endpoint with only workloadID walks all hosts and filters on the workload', () => {
    const options = new WorkloadEndpointListOptions({ workloadID: 'w1' });
    expect(options.defaultPathRoot()).toBe('/calico/v1/host');
    expect(options.keyFromDefaultPath(wep)).toStrictEqual(wepKey);
    expect(
      options.keyFromDefaultPath('/calico/v1/host/h9/workload/o9/w1/endpoint/e9')?.toString(),
    ).toBe('WorkloadEndpoint(node=h9, orchestrator=o9, workload=w1, name=e9)');
    expect(options.keyFromDefaultPath('/calico/v1/host/h1/workload/o1/w2/endpoint/e1')).toBeNull();
    expect(options.keyFromDefaultPath('/calico/v1/host/h1/endpoint/e1')).toBeNull();
  });

  it('workload endpoint: unescapes names and filters on the unescaped value', () => {
    const options = new WorkloadEndpointListOptions({ workloadID: 'ns/pod' });
    const key = options.keyFromDefaultPath('/calico/v1/host/h/workload/k8s/ns%2Fpod/endpoint/eth0');
    expect(key).toStrictEqual(
      new WorkloadEndpointKey({
        ...hw,
        orchestratorID: 'k8s',
        workloadID: 'ns/pod',
        endpointID: 'eth0',
      }),
    );
  });

  it('patterns are anchored and accept a missing leading /', () => {
    const options = new WorkloadEndpointListOptions();
    expect(options.keyFromDefaultPath(wep.slice(1))).toStrictEqual(wepKey);
    expect(options.keyFromDefaultPath(`${wep}/extra`)).toBeNull();
    expect(options.keyFromDefaultPath(`/x${wep}`)).toBeNull();
    expect(options.keyFromDefaultPath(`//${wep.slice(1)}`)).toBeNull();
  });

  it('host endpoint', () => {
    const options = new HostEndpointListOptions({ hostname: 'h' });
    expect(options.keyFromDefaultPath('/calico/v1/host/h/endpoint/eth%2f0')).toStrictEqual(
      new HostEndpointKey({ hostname: 'h', endpointID: 'eth/0' }),
    );
    expect(options.keyFromDefaultPath('/calico/v1/host/g/endpoint/eth0')).toBeNull();
    expect(options.keyFromDefaultPath('/calico/v1/host/h/metadata')).toBeNull();
  });

  it('policy: any tier is accepted and dropped', () => {
    const options = new PolicyListOptions();
    expect(options.keyFromDefaultPath('/calico/v1/policy/tier/default/policy/p1')).toStrictEqual(
      new PolicyKey({ name: 'p1' }),
    );
    expect(
      options.keyFromDefaultPath('/calico/v1/policy/tier/security/policy/a%2fb'),
    ).toStrictEqual(new PolicyKey({ name: 'a/b' }));
    expect(
      new PolicyListOptions({ name: 'p2' }).keyFromDefaultPath(
        '/calico/v1/policy/tier/x/policy/p1',
      ),
    ).toBeNull();
    expect(options.keyFromDefaultPath('/calico/v1/policy/tier/default/policy')).toBeNull();
  });

  it('profile: rules, tags and labels, filtered by name', () => {
    const options = new ProfileListOptions({ name: 'a/b' });
    const root = '/calico/v1/policy/profile/a%2fb';
    expect(options.keyFromDefaultPath(`${root}/rules`)).toStrictEqual(
      new ProfileRulesKey({ name: 'a/b' }),
    );
    expect(options.keyFromDefaultPath(`${root}/tags`)).toStrictEqual(
      new ProfileTagsKey({ name: 'a/b' }),
    );
    expect(options.keyFromDefaultPath(`${root}/labels`)).toStrictEqual(
      new ProfileLabelsKey({ name: 'a/b' }),
    );
    expect(options.keyFromDefaultPath(`${root}/other`)).toBeNull();
    expect(options.keyFromDefaultPath('/calico/v1/policy/profile/c/rules')).toBeNull();
  });

  it('host metadata', () => {
    const options = new HostMetadataListOptions();
    expect(options.keyFromDefaultPath('calico/v1/host/h/metadata')).toStrictEqual(
      new HostMetadataKey({ hostname: 'h' }),
    );
    expect(
      new HostMetadataListOptions({ hostname: 'g' }).keyFromDefaultPath(
        '/calico/v1/host/h/metadata',
      ),
    ).toBeNull();
    expect(options.keyFromDefaultPath('/calico/v1/host/h/bird_ip')).toBeNull();
  });

  it('global and host config names may hold /', () => {
    expect(
      new GlobalConfigListOptions().keyFromDefaultPath('/calico/v1/config/a/b/c'),
    ).toStrictEqual(new GlobalConfigKey({ name: 'a/b/c' }));
    expect(
      new GlobalConfigListOptions({ name: 'a' }).keyFromDefaultPath('/calico/v1/config/a/b'),
    ).toBeNull();
    expect(new GlobalConfigListOptions().keyFromDefaultPath('/calico/v1/config/a//b')).toBeNull();
    const host = new HostConfigListOptions({ hostname: 'h' });
    expect(host.keyFromDefaultPath('/calico/v1/host/h/config/x/y')).toStrictEqual(
      new HostConfigKey({ hostname: 'h', name: 'x/y' }),
    );
    expect(host.keyFromDefaultPath('/calico/v1/host/g/config/x')).toBeNull();
    expect(
      new HostConfigListOptions({ name: 'x' }).keyFromDefaultPath('/calico/v1/host/h/config/x/y'),
    ).toBeNull();
  });

  it('IP pool: filters on the normalized CIDR; a malformed CIDR gives null', () => {
    const options = new IPPoolListOptions();
    expect(options.keyFromDefaultPath('/calico/v1/ipam/v4/pool/10.0.0.0-8')).toStrictEqual(
      new IPPoolKey({ cidr: '10.0.0.0/8' }),
    );
    expect(options.keyFromDefaultPath('/calico/v1/ipam/v6/pool/fd00::-48')).toStrictEqual(
      new IPPoolKey({ cidr: 'fd00::/48' }),
    );
    for (const bad of ['577559', '10.0.0.0', '10.0.0.0-33', '10.0.0-8', 'x-y', '10.0.0.0-8-1']) {
      expect(options.keyFromDefaultPath(`/calico/v1/ipam/v4/pool/${bad}`)).toBeNull();
    }
    expect(options.keyFromDefaultPath('/calico/v1/ipam/v6/pool/10.0.0.0-8')).toBeNull();
    const filtered = new IPPoolListOptions({ cidr: '10.0.0.0/8' });
    expect(filtered.keyFromDefaultPath('/calico/v1/ipam/v4/pool/10.0.0.0-8')).not.toBeNull();
    expect(filtered.keyFromDefaultPath('/calico/v1/ipam/v4/pool/10.0.0.0-16')).toBeNull();
  });

  it('BGP peers: scope, host and IP filter', () => {
    const global = '/calico/bgp/v1/global/peer_v4/10.0.0.1';
    const node = '/calico/bgp/v1/host/h/peer_v6/2001:db8::1';
    const all = new BGPPeerListOptions();
    expect(all.keyFromDefaultPath(global)).toStrictEqual(
      new BGPPeerKey({ scope: 'global', peerIP: '10.0.0.1' }),
    );
    expect(all.keyFromDefaultPath(node)).toStrictEqual(
      new BGPPeerKey({ scope: 'node', hostname: 'h', peerIP: '2001:db8::1' }),
    );
    expect(new BGPPeerListOptions({ scope: 'node' }).keyFromDefaultPath(global)).toBeNull();
    expect(new BGPPeerListOptions({ scope: 'global' }).keyFromDefaultPath(node)).toBeNull();
    expect(new BGPPeerListOptions({ hostname: 'g' }).keyFromDefaultPath(node)).toBeNull();
    expect(
      new BGPPeerListOptions({ peerIP: '2001:db8:0::1' }).keyFromDefaultPath(node),
    ).not.toBeNull();
    expect(new BGPPeerListOptions({ peerIP: '10.0.0.2' }).keyFromDefaultPath(global)).toBeNull();
    expect(all.keyFromDefaultPath('/calico/bgp/v1/global/peer_v4/not-an-ip')).toBeNull();
    expect(all.keyFromDefaultPath('/calico/bgp/v1/global/peer_v6/10.0.0.1')).toBeNull();
    expect(all.keyFromDefaultPath('/calico/bgp/v1/global/as_num')).toBeNull();
  });

  it('global BGP config returns GlobalBGPConfigKey', () => {
    const options = new GlobalBGPConfigListOptions();
    const key = options.keyFromDefaultPath('/calico/bgp/v1/global/as_num');
    expect(key).toBeInstanceOf(GlobalBGPConfigKey);
    expect(key).toStrictEqual(new GlobalBGPConfigKey({ name: 'as_num' }));
    expect(
      new GlobalBGPConfigListOptions({ name: 'x' }).keyFromDefaultPath(
        '/calico/bgp/v1/global/as_num',
      ),
    ).toBeNull();
    expect(options.keyFromDefaultPath('/calico/bgp/v1/global/peer_v4/10.0.0.1')).toBeNull();
  });

  it('host BGP config', () => {
    const options = new HostBGPConfigListOptions({ hostname: 'h' });
    expect(options.keyFromDefaultPath('/calico/bgp/v1/host/h/ip_addr_v4')).toStrictEqual(
      new HostBGPConfigKey({ hostname: 'h', name: 'ip_addr_v4' }),
    );
    expect(options.keyFromDefaultPath('/calico/bgp/v1/host/g/ip_addr_v4')).toBeNull();
    expect(
      new HostBGPConfigListOptions({ name: 'as_num' }).keyFromDefaultPath(
        '/calico/bgp/v1/host/h/ip_addr_v4',
      ),
    ).toBeNull();
  });

  it('blocks: IP version filter; malformed or misfiled CIDRs give null', () => {
    const path = '/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26';
    expect(new BlockListOptions().keyFromDefaultPath(path)).toStrictEqual(
      new BlockKey({ cidr: '10.0.0.0/26' }),
    );
    expect(new BlockListOptions({ ipVersion: 4 }).keyFromDefaultPath(path)).not.toBeNull();
    expect(new BlockListOptions({ ipVersion: 6 }).keyFromDefaultPath(path)).toBeNull();
    expect(
      new BlockListOptions().keyFromDefaultPath('/calico/ipam/v2/assignment/ipv4/block/bad'),
    ).toBeNull();
    expect(
      new BlockListOptions().keyFromDefaultPath(
        '/calico/ipam/v2/assignment/ipv6/block/10.0.0.0-26',
      ),
    ).toBeNull();
  });

  it('block affinities: host and IP version filter', () => {
    const path = '/calico/ipam/v2/host/h/ipv6/block/fd00::-122';
    expect(new BlockAffinityListOptions().keyFromDefaultPath(path)).toStrictEqual(
      new BlockAffinityKey({ cidr: 'fd00::/122', host: 'h' }),
    );
    expect(new BlockAffinityListOptions({ host: 'g' }).keyFromDefaultPath(path)).toBeNull();
    expect(new BlockAffinityListOptions({ ipVersion: 4 }).keyFromDefaultPath(path)).toBeNull();
    expect(
      new BlockAffinityListOptions({ host: 'h', ipVersion: 6 }).keyFromDefaultPath(path),
    ).not.toBeNull();
  });

  it('IPAM handles match handle paths, not block paths', () => {
    const options = new IPAMHandleListOptions();
    expect(options.keyFromDefaultPath('/calico/ipam/v2/handle/k8s-pod-network.abc')).toStrictEqual(
      new IPAMHandleKey({ handleID: 'k8s-pod-network.abc' }),
    );
    expect(
      options.keyFromDefaultPath('/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26'),
    ).toBeNull();
    expect(
      new IPAMHandleListOptions({ handleID: 'x' }).keyFromDefaultPath('/calico/ipam/v2/handle/y'),
    ).toBeNull();
  });

  it('felix status keys', () => {
    expect(
      new HostEndpointStatusListOptions({ endpointID: 'a/b' }).keyFromDefaultPath(
        '/calico/felix/v1/host/h/endpoint/a%2fb',
      ),
    ).toStrictEqual(new HostEndpointStatusKey({ hostname: 'h', endpointID: 'a/b' }));
    const wepStatus = '/calico/felix/v1/host/h/workload/o/w/endpoint/e';
    expect(
      new WorkloadEndpointStatusListOptions({ workloadID: 'w' }).keyFromDefaultPath(wepStatus),
    ).toStrictEqual(new WorkloadEndpointStatusKey({ ...hw, endpointID: 'e' }));
    expect(new WorkloadEndpointStatusListOptions().keyFromDefaultPath(wep)).toBeNull();
    expect(new WorkloadEndpointListOptions().keyFromDefaultPath(wepStatus)).toBeNull();
    expect(
      new ActiveStatusReportListOptions().keyFromDefaultPath('/calico/felix/v1/host/h/status'),
    ).toStrictEqual(new ActiveStatusReportKey({ hostname: 'h' }));
    expect(
      new ActiveStatusReportListOptions({ hostname: 'g' }).keyFromDefaultPath(
        '/calico/felix/v1/host/h/status',
      ),
    ).toBeNull();
  });

  it('last reported status is anchored at the end', () => {
    const options = new LastStatusReportListOptions();
    expect(
      options.keyFromDefaultPath('/calico/felix/v1/host/h/last_reported_status'),
    ).toStrictEqual(new LastStatusReportKey({ hostname: 'h' }));
    expect(options.keyFromDefaultPath('/calico/felix/v1/host/h/last_reported_status/x')).toBeNull();
    expect(
      options.keyFromDefaultPath('/calico/felix/v1/host/h/last_reported_status_old'),
    ).toBeNull();
  });
});

describe('list options validate their fields at construction', () => {
  it.each([
    ['hostname with /', () => new HostEndpointListOptions({ hostname: 'a/b' }), 'hostname'],
    ['malformed CIDR', () => new IPPoolListOptions({ cidr: 'nope' }), 'cidr'],
    ['malformed peer IP', () => new BGPPeerListOptions({ peerIP: '300.1.1.1' }), 'peerIP'],
    ['IP version 5', () => new BlockListOptions({ ipVersion: 5 as 4 }), 'ipVersion'],
    ['non-string name', () => new PolicyListOptions({ name: 1 as unknown as string }), 'name'],
  ])('%s', (_name, call, field) => {
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(`error with field ${field} = `);
  });
});
