import { describe, expect, it } from 'vitest';
import {
  ActiveStatusReportKey,
  BGPPeerKey,
  BlockAffinityKey,
  BlockKey,
  DatastoreError,
  GlobalBGPConfigKey,
  GlobalConfigKey,
  HostBGPConfigKey,
  HostConfigKey,
  HostEndpointKey,
  HostEndpointStatusKey,
  HostIPKey,
  HostMetadataKey,
  IPAMConfigKey,
  IPAMHandleKey,
  IPAMHostKey,
  IPPoolKey,
  InsufficientIdentifiersError,
  LastStatusReportKey,
  NodeKey,
  PathKey,
  PolicyKey,
  ProfileKey,
  ProfileLabelsKey,
  ProfileRulesKey,
  ProfileTagsKey,
  ReadyFlagKey,
  ValidationError,
  WorkloadEndpointKey,
  WorkloadEndpointStatusKey,
  keyToDefaultDeleteParentPaths,
  keyToDefaultDeletePath,
  keyToDefaultPath,
  type Key,
  type ValueKind,
} from '../../src/index.js';

interface Row {
  key: Key;
  path: string;
  deletePath?: string;
  parents?: string[];
  string: string;
  kind: ValueKind;
}

const wep = '/calico/v1/host/h1/workload/o1/w1';
const wepStatus = '/calico/felix/v1/host/h1/workload/o1/w1';
const ids = { hostname: 'h1', orchestratorID: 'o1', workloadID: 'w1', endpointID: 'e1' };

const rows: Row[] = [
  {
    key: new WorkloadEndpointKey(ids),
    path: `${wep}/endpoint/e1`,
    parents: [`${wep}/endpoint`, wep],
    string: 'WorkloadEndpoint(node=h1, orchestrator=o1, workload=w1, name=e1)',
    kind: 'structured',
  },
  {
    key: new WorkloadEndpointKey({
      hostname: 'h%1',
      orchestratorID: 'k8s/x',
      workloadID: 'ns/pod%1',
      endpointID: 'eth/0',
    }),
    path: '/calico/v1/host/h%1/workload/k8s%2fx/ns%2fpod%251/endpoint/eth%2f0',
    parents: [
      '/calico/v1/host/h%1/workload/k8s%2fx/ns%2fpod%251/endpoint',
      '/calico/v1/host/h%1/workload/k8s%2fx/ns%2fpod%251',
    ],
    string: 'WorkloadEndpoint(node=h%1, orchestrator=k8s/x, workload=ns/pod%1, name=eth/0)',
    kind: 'structured',
  },
  {
    key: new HostEndpointKey({ hostname: 'h1', endpointID: 'eth/0' }),
    path: '/calico/v1/host/h1/endpoint/eth%2f0',
    string: 'HostEndpoint(node=h1, name=eth/0)',
    kind: 'structured',
  },
  {
    key: new PolicyKey({ name: 'allow/%all' }),
    path: '/calico/v1/policy/tier/default/policy/allow%2f%25all',
    string: 'Policy(name=allow/%all)',
    kind: 'structured',
  },
  {
    key: new ProfileKey({ name: 'prof/1' }),
    path: '/calico/v1/policy/profile/prof%2f1',
    string: 'Profile(name=prof/1)',
    kind: 'structured',
  },
  {
    key: new ProfileRulesKey({ name: 'prof/1' }),
    path: '/calico/v1/policy/profile/prof%2f1/rules',
    deletePath: '/calico/v1/policy/profile/prof%2f1',
    string: 'ProfileRules(name=prof/1)',
    kind: 'structured',
  },
  {
    key: new ProfileTagsKey({ name: 'prof' }),
    path: '/calico/v1/policy/profile/prof/tags',
    deletePath: '/calico/v1/policy/profile/prof',
    string: 'ProfileTags(name=prof)',
    kind: 'structured',
  },
  {
    key: new ProfileLabelsKey({ name: 'prof' }),
    path: '/calico/v1/policy/profile/prof/labels',
    deletePath: '/calico/v1/policy/profile/prof',
    string: 'ProfileLabels(name=prof)',
    kind: 'structured',
  },
  {
    key: new HostMetadataKey({ hostname: 'h1' }),
    path: '/calico/v1/host/h1/metadata',
    deletePath: '/calico/v1/host/h1',
    string: 'Node(name=h1)',
    kind: 'structured',
  },
  {
    key: new HostIPKey({ hostname: 'h1' }),
    path: '/calico/v1/host/h1/bird_ip',
    string: 'Node(name=h1)',
    kind: 'raw-ip',
  },
  {
    key: new GlobalConfigKey({ name: 'LogSeverityScreen' }),
    path: '/calico/v1/config/LogSeverityScreen',
    string: 'GlobalConfig(name=LogSeverityScreen)',
    kind: 'raw-string',
  },
  {
    key: new GlobalConfigKey({ name: 'a/b%c' }),
    path: '/calico/v1/config/a/b%c',
    string: 'GlobalConfig(name=a/b%c)',
    kind: 'raw-string',
  },
  {
    key: new HostConfigKey({ hostname: 'h1', name: 'marker/x' }),
    path: '/calico/v1/host/h1/config/marker/x',
    string: 'HostConfig(node=h1,name=marker/x)',
    kind: 'raw-string',
  },
  {
    key: new ReadyFlagKey(),
    path: '/calico/v1/Ready',
    string: 'ReadyFlagKey()',
    kind: 'raw-bool',
  },
  {
    key: new IPPoolKey({ cidr: '10.1.2.3/16' }),
    path: '/calico/v1/ipam/v4/pool/10.1.0.0-16',
    string: 'IPPool(cidr=10.1.0.0/16)',
    kind: 'structured',
  },
  {
    key: new IPPoolKey({ cidr: 'FD00:0:0:0:0:0:0:1/64' }),
    path: '/calico/v1/ipam/v6/pool/fd00::-64',
    string: 'IPPool(cidr=fd00::/64)',
    kind: 'structured',
  },
  {
    key: new BGPPeerKey({ scope: 'global', peerIP: '10.0.0.1' }),
    path: '/calico/bgp/v1/global/peer_v4/10.0.0.1',
    string: 'BGPPeer(global, ip=10.0.0.1)',
    kind: 'structured',
  },
  {
    key: new BGPPeerKey({ scope: 'node', hostname: 'h1', peerIP: '2001:db8:0::1' }),
    path: '/calico/bgp/v1/host/h1/peer_v6/2001:db8::1',
    string: 'BGPPeer(node=h1, ip=2001:db8::1)',
    kind: 'structured',
  },
  {
    key: new GlobalBGPConfigKey({ name: 'as_num' }),
    path: '/calico/bgp/v1/global/as_num',
    string: 'GlobalBGPConfig(name=as_num)',
    kind: 'raw-string',
  },
  {
    key: new HostBGPConfigKey({ hostname: 'h1', name: 'ip_addr_v4' }),
    path: '/calico/bgp/v1/host/h1/ip_addr_v4',
    string: 'HostBGPConfig(node=h1; name=ip_addr_v4)',
    kind: 'raw-string',
  },
  {
    key: new BlockKey({ cidr: '10.0.0.64/26' }),
    path: '/calico/ipam/v2/assignment/ipv4/block/10.0.0.64-26',
    string: 'BlockKey(cidr=10.0.0.64/26)',
    kind: 'structured',
  },
  {
    key: new BlockAffinityKey({ cidr: 'fd00:1::/122', host: 'h1' }),
    path: '/calico/ipam/v2/host/h1/ipv6/block/fd00:1::-122',
    string: 'BlockAffinityKey(cidr=fd00:1::/122, host=h1)',
    kind: 'raw-string',
  },
  {
    key: new IPAMHandleKey({ handleID: 'k8s-pod-network.abc' }),
    path: '/calico/ipam/v2/handle/k8s-pod-network.abc',
    string: 'IPAMHandleKey(id=k8s-pod-network.abc)',
    kind: 'structured',
  },
  {
    key: new IPAMConfigKey(),
    path: '/calico/ipam/v2/config',
    string: 'IPAMConfigKey()',
    kind: 'structured',
  },
  {
    key: new IPAMHostKey({ host: 'h1' }),
    path: '/calico/ipam/v2/host/h1',
    string: 'IPAMHostKey(host=h1)',
    kind: 'structured',
  },
  {
    key: new HostEndpointStatusKey({ hostname: 'h1', endpointID: 'eth/0' }),
    path: '/calico/felix/v1/host/h1/endpoint/eth%2f0',
    string: 'HostEndpointStatus(hostname=h1, name=eth/0)',
    kind: 'structured',
  },
  {
    key: new WorkloadEndpointStatusKey(ids),
    path: `${wepStatus}/endpoint/e1`,
    parents: [`${wepStatus}/endpoint`, wepStatus],
    string: 'WorkloadEndpointStatus(hostname=h1, orchestrator=o1, workload=w1, name=e1)',
    kind: 'structured',
  },
  {
    key: new ActiveStatusReportKey({ hostname: 'h1' }),
    path: '/calico/felix/v1/host/h1/status',
    string: 'StatusReport(hostname=h1)',
    kind: 'structured',
  },
  {
    key: new LastStatusReportKey({ hostname: 'h1' }),
    path: '/calico/felix/v1/host/h1/last_reported_status',
    string: 'StatusReport(hostname=h1)',
    kind: 'structured',
  },
  {
    key: new PathKey('/apps/web/settings'),
    path: '/apps/web/settings',
    string: 'PathKey(/apps/web/settings)',
    kind: 'structured',
  },
];

describe('keys: path, delete path, parent paths, toString, value kind', () => {
  it.each(rows.map((row) => [row.string, row] as const))('%s', (_name, row) => {
    expect(row.key.defaultPath()).toBe(row.path);
    expect(keyToDefaultPath(row.key)).toBe(row.path);
    expect(row.key.defaultDeletePath()).toBe(row.deletePath ?? row.path);
    expect(keyToDefaultDeletePath(row.key)).toBe(row.deletePath ?? row.path);
    expect(row.key.defaultDeleteParentPaths()).toEqual(row.parents ?? []);
    expect(keyToDefaultDeleteParentPaths(row.key)).toEqual(row.parents ?? []);
    expect(row.key.toString()).toBe(row.string);
    expect(String(row.key)).toBe(row.string);
    expect(row.key.valueKind()).toBe(row.kind);
  });

  it('covers every key class of the model but NodeKey (below)', () => {
    const classes = [...new Set(rows.map((row) => row.key.constructor.name))].sort();
    expect(classes).toEqual(
      [
        'ActiveStatusReportKey',
        'BGPPeerKey',
        'BlockAffinityKey',
        'BlockKey',
        'GlobalBGPConfigKey',
        'GlobalConfigKey',
        'HostBGPConfigKey',
        'HostConfigKey',
        'HostEndpointKey',
        'HostEndpointStatusKey',
        'HostIPKey',
        'HostMetadataKey',
        'IPAMConfigKey',
        'IPAMHandleKey',
        'IPAMHostKey',
        'IPPoolKey',
        'LastStatusReportKey',
        'PathKey',
        'PolicyKey',
        'ProfileKey',
        'ProfileLabelsKey',
        'ProfileRulesKey',
        'ProfileTagsKey',
        'ReadyFlagKey',
        'WorkloadEndpointKey',
        'WorkloadEndpointStatusKey',
      ].sort(),
    );
  });
});

describe('NodeKey', () => {
  const key = new NodeKey({ hostname: 'h1' });
  const message = 'Node is a composite type, so not handled with a single path';

  it.each([
    ['defaultPath', () => key.defaultPath()],
    ['defaultDeletePath', () => key.defaultDeletePath()],
    ['defaultDeleteParentPaths', () => key.defaultDeleteParentPaths()],
  ])('%s throws a composite-key DatastoreError', (_name, call) => {
    let caught: unknown;
    try {
      call();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DatastoreError);
    const error = caught as DatastoreError;
    expect(error.message).toBe(message);
    expect(error.code).toBe('ERR_COMPOSITE_KEY');
    expect(error.identifier).toBe(key);
  });

  it('has a Node toString and a structured value', () => {
    expect(key.toString()).toBe('Node(name=h1)');
    expect(key.valueKind()).toBe('structured');
  });
});

describe('InsufficientIdentifiersError names the missing field in Calico order', () => {
  const [h, o, w, e] = ['h', 'o', 'w', 'e'];
  const cases: [string, () => unknown, string][] = [
    ['workload endpoint: node', () => new WorkloadEndpointKey({}).defaultPath(), 'node'],
    [
      'workload endpoint: orchestrator',
      () => new WorkloadEndpointKey({ hostname: h, workloadID: w, endpointID: e }).defaultPath(),
      'orchestrator',
    ],
    [
      'workload endpoint: workload',
      () =>
        new WorkloadEndpointKey({ hostname: h, orchestratorID: o, endpointID: e }).defaultPath(),
      'workload',
    ],
    [
      'workload endpoint: name',
      () =>
        new WorkloadEndpointKey({ hostname: h, orchestratorID: o, workloadID: w }).defaultPath(),
      'name',
    ],
    [
      'workload endpoint delete path: name',
      () =>
        new WorkloadEndpointKey({
          hostname: h,
          orchestratorID: o,
          workloadID: w,
        }).defaultDeletePath(),
      'name',
    ],
    [
      'workload endpoint parents: workload',
      () => new WorkloadEndpointKey({ hostname: h, orchestratorID: o }).defaultDeleteParentPaths(),
      'workload',
    ],
    ['host endpoint: node', () => new HostEndpointKey({ endpointID: 'e' }).defaultPath(), 'node'],
    ['host endpoint: name', () => new HostEndpointKey({ hostname: 'h' }).defaultPath(), 'name'],
    ['policy: name', () => new PolicyKey({}).defaultPath(), 'name'],
    ['profile: name', () => new ProfileKey({}).defaultPath(), 'name'],
    ['profile rules: name', () => new ProfileRulesKey({}).defaultPath(), 'name'],
    ['profile tags delete: name', () => new ProfileTagsKey({}).defaultDeletePath(), 'name'],
    ['profile labels: name', () => new ProfileLabelsKey({ name: '' }).defaultPath(), 'name'],
    ['host metadata: name', () => new HostMetadataKey({}).defaultPath(), 'name'],
    ['host metadata delete: name', () => new HostMetadataKey({}).defaultDeletePath(), 'name'],
    ['host IP: name', () => new HostIPKey({}).defaultPath(), 'name'],
    ['global config: name', () => new GlobalConfigKey({}).defaultPath(), 'name'],
    ['host config: name first', () => new HostConfigKey({}).defaultPath(), 'name'],
    ['host config: then node', () => new HostConfigKey({ name: 'x' }).defaultPath(), 'node'],
    ['IP pool: cidr', () => new IPPoolKey({}).defaultPath(), 'cidr'],
    ['BGP peer: scope', () => new BGPPeerKey({ peerIP: '10.0.0.1' }).defaultPath(), 'scope'],
    [
      'BGP peer: node',
      () => new BGPPeerKey({ scope: 'node', peerIP: '10.0.0.1' }).defaultPath(),
      'node',
    ],
    ['BGP peer: ip', () => new BGPPeerKey({ scope: 'node', hostname: 'h' }).defaultPath(), 'ip'],
    ['global BGP peer: ip', () => new BGPPeerKey({ scope: 'global' }).defaultPath(), 'ip'],
    ['global BGP config: name', () => new GlobalBGPConfigKey({}).defaultPath(), 'name'],
    ['host BGP config: node', () => new HostBGPConfigKey({ name: 'x' }).defaultPath(), 'node'],
    ['host BGP config: name', () => new HostBGPConfigKey({ hostname: 'h' }).defaultPath(), 'name'],
    ['block: cidr', () => new BlockKey({}).defaultPath(), 'cidr'],
    ['block affinity: cidr', () => new BlockAffinityKey({ host: 'h' }).defaultPath(), 'cidr'],
    [
      'block affinity: host',
      () => new BlockAffinityKey({ cidr: '10.0.0.0/26' }).defaultPath(),
      'host',
    ],
    ['IPAM handle: id', () => new IPAMHandleKey({}).defaultPath(), 'id'],
    ['IPAM host: host', () => new IPAMHostKey({}).defaultPath(), 'host'],
    [
      'host endpoint status: hostname',
      () => new HostEndpointStatusKey({}).defaultPath(),
      'hostname',
    ],
    [
      'host endpoint status: name',
      () => new HostEndpointStatusKey({ hostname: 'h' }).defaultPath(),
      'name',
    ],
    [
      'workload endpoint status: hostname',
      () => new WorkloadEndpointStatusKey({}).defaultDeleteParentPaths(),
      'hostname',
    ],
    [
      'workload endpoint status: name',
      () =>
        new WorkloadEndpointStatusKey({
          hostname: h,
          orchestratorID: o,
          workloadID: w,
        }).defaultPath(),
      'name',
    ],
    ['active status: hostname', () => new ActiveStatusReportKey({}).defaultPath(), 'hostname'],
    ['last status: hostname', () => new LastStatusReportKey({}).defaultPath(), 'hostname'],
  ];

  it.each(cases)('%s', (_name, call, field) => {
    expect(call).toThrow(InsufficientIdentifiersError);
    expect(call).toThrow(`insufficient identifiers, missing '${field}'`);
    try {
      call();
    } catch (err) {
      expect((err as InsufficientIdentifiersError).field).toBe(field);
      expect((err as InsufficientIdentifiersError).code).toBe('ERR_INSUFFICIENT_IDENTIFIERS');
    }
  });

  it('builds parent paths without the endpoint name', () => {
    const key = new WorkloadEndpointKey({ hostname: h, orchestratorID: o, workloadID: w });
    expect(key.defaultDeleteParentPaths()).toEqual([
      '/calico/v1/host/h/workload/o/w/endpoint',
      '/calico/v1/host/h/workload/o/w',
    ]);
  });
});

describe('misuse is reported at construction with the field named', () => {
  const cases: [string, () => unknown, string, string][] = [
    [
      'hostname with /',
      () => new HostEndpointKey({ hostname: 'a/b' }),
      'hostname',
      "must not contain '/'",
    ],
    [
      'workload hostname with /',
      () => new WorkloadEndpointKey({ hostname: 'a/' }),
      'hostname',
      "'/'",
    ],
    [
      'malformed pool CIDR',
      () => new IPPoolKey({ cidr: '10.0.0.0/33' }),
      'cidr',
      'not a valid CIDR',
    ],
    ['CIDR without prefix', () => new BlockKey({ cidr: '10.0.0.0' }), 'cidr', 'not a valid CIDR'],
    [
      'malformed peer IP',
      () => new BGPPeerKey({ scope: 'global', peerIP: '1.2.3' }),
      'peerIP',
      'IP',
    ],
    [
      'unknown scope',
      () => new BGPPeerKey({ scope: 'local' as 'node', peerIP: '1.2.3.4' }),
      'scope',
      "'global' or 'node'",
    ],
    [
      'hostname on a global peer',
      () => new BGPPeerKey({ scope: 'global', hostname: 'h', peerIP: '1.2.3.4' }),
      'hostname',
      'global',
    ],
    [
      'a number for a name',
      () => new PolicyKey({ name: 7 as unknown as string }),
      'name',
      'string',
    ],
    ['empty config segment', () => new GlobalConfigKey({ name: 'a//b' }), 'name', "'//'"],
    [
      'leading / in config name',
      () => new HostConfigKey({ hostname: 'h', name: '/a' }),
      'name',
      "'/'",
    ],
    ['handle with /', () => new IPAMHandleKey({ handleID: 'a/b' }), 'handleID', "'/'"],
    ['BGP config name with /', () => new GlobalBGPConfigKey({ name: 'a/b' }), 'name', "'/'"],
  ];

  it.each(cases)('%s', (_name, call, field, reason) => {
    expect(call).toThrow(ValidationError);
    try {
      call();
    } catch (err) {
      const error = err as ValidationError;
      expect(error.erroredFields[0]?.name).toBe(field);
      expect(error.message).toContain(`error with field ${field} = `);
      expect(error.message).toContain(reason);
    }
  });

  it('keeps missing fields as empty strings', () => {
    const key = new WorkloadEndpointKey({ hostname: 'h' });
    expect(key).toMatchObject({
      hostname: 'h',
      orchestratorID: '',
      workloadID: '',
      endpointID: '',
    });
  });

  it('normalizes CIDRs and IPs as Go does', () => {
    expect(new IPPoolKey({ cidr: '192.168.7.9/24' }).cidr).toBe('192.168.7.0/24');
    expect(new BlockKey({ cidr: '2001:DB8::7/64' }).cidr).toBe('2001:db8::/64');
    expect(new BGPPeerKey({ scope: 'global', peerIP: '2001:0db8::0001' }).peerIP).toBe(
      '2001:db8::1',
    );
  });
});
