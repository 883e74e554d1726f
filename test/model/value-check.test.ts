/**
 * checkValue, table-driven per family: values Calico writes pass, and each wrong value is
 * refused with the path of the offending field and what it must be.
 */
import { describe, expect, it } from 'vitest';
import {
  ActiveStatusReportKey,
  BGPPeerKey,
  BlockAffinityKey,
  BlockKey,
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
  LastStatusReportKey,
  PathKey,
  PolicyKey,
  ProfileKey,
  ProfileLabelsKey,
  ProfileRulesKey,
  ProfileTagsKey,
  ReadyFlagKey,
  WorkloadEndpointKey,
  WorkloadEndpointStatusKey,
  checkValue,
  formatIssue,
  type Key,
} from '../../src/index.js';

interface Family {
  key: Key;
  good: unknown[];
  /** A value and the issues it must give, formatted (`path: message`). */
  bad: [unknown, string[]][];
}

const policy = { order: 10, selector: "role == 'web'", inbound_rules: [{ action: 'allow' }] };
const wep = {
  state: 'active',
  name: 'cali1',
  mac: 'ee:ee:ee:ee:ee:ee',
  profile_ids: ['k8s_ns.default'],
  ipv4_nets: ['10.65.0.1/32'],
  ipv6_nets: [],
};
const { profile_ids: _omitted, ...withoutProfileIds } = wep;
const block = {
  cidr: '10.65.0.0/26',
  affinity: 'host:node-1',
  strictAffinity: false,
  allocations: [0, null],
  unallocated: [1],
  attributes: [{ handle_id: 'k8s-pod-network.abc', secondary: null }],
};
const wepKey = { hostname: 'h', orchestratorID: 'k8s', workloadID: 'w', endpointID: 'e' };

const families: Record<string, Family> = {
  Policy: {
    key: new PolicyKey({ name: 'p' }),
    good: [
      policy,
      { selector: '' },
      {
        order: 1.5,
        selector: 'all()',
        untracked: true,
        pre_dnat: false,
        annotations: { a: 'b' },
        types: ['ingress'],
        outbound_rules: [
          {
            action: 'deny',
            ip_version: 6,
            protocol: 58,
            '!protocol': 'tcp',
            icmp_type: 8,
            src_net: 'fd00::/64',
            src_nets: ['10.0.0.0/8', '10.0.0.1'],
            dst_ports: [53, '1000:2000', '080'],
            '!dst_ports': [0, 65535],
            log_prefix: 'x',
          },
        ],
      },
    ],
    bad: [
      [{ order: 'high', selector: '' }, ['order: must be a number']],
      [{ order: 1 }, ['selector: is required']],
      ['not a policy', ['must be a mapping']],
      [null, ['must be a mapping']],
      [{ selector: '', selecter: 'x' }, ['selecter: unknown field']],
      [{ selector: '', inbound_rules: null }, ['inbound_rules: must be a list']],
      [
        { selector: '', inbound_rules: [{ action: 3 }] },
        ['inbound_rules[0].action: must be a string'],
      ],
      [
        { selector: '', inbound_rules: [{ ip_version: 5 }] },
        ['inbound_rules[0].ip_version: must be 4 or 6'],
      ],
      [
        { selector: '', outbound_rules: [{ dst_ports: [80, 70000, '1:x', -1] }] },
        [1, 2, 3].map(
          (i) =>
            `outbound_rules[0].dst_ports[${i}]: must be an integer from 0 to 65535 or a range "min:max"`,
        ),
      ],
      [
        { selector: '', inbound_rules: [{ '!protocol': 300 }] },
        ['inbound_rules[0]["!protocol"]: must be an integer from 0 to 255 or a string'],
      ],
      [
        { selector: '', inbound_rules: [{ src_net: '10.0.0.0/33' }] },
        ['inbound_rules[0].src_net: must be a CIDR or an IP address'],
      ],
      [
        { selector: '', inbound_rules: [{ icmp_type: 1.5 }] },
        ['inbound_rules[0].icmp_type: must be an integer'],
      ],
      [{ selector: '', order: Number.NaN }, ['order: must be a number']],
    ],
  },
  ProfileRules: {
    key: new ProfileRulesKey({ name: 'p' }),
    good: [{}, { inbound_rules: [{ action: 'allow', src_tag: 'a' }], outbound_rules: [] }],
    bad: [[{ inbound_rules: {} }, ['inbound_rules: must be a list']]],
  },
  ProfileTags: {
    key: new ProfileTagsKey({ name: 'p' }),
    good: [[], ['a', 'b']],
    bad: [
      ['a', ['must be a list']],
      [['a', 1], ['[1]: must be a string']],
    ],
  },
  ProfileLabels: {
    key: new ProfileLabelsKey({ name: 'p' }),
    good: [{}, { 'calico/k8s_ns': 'default' }],
    bad: [[{ a: true }, ['a: must be a string']]],
  },
  Profile: {
    key: new ProfileKey({ name: 'p' }),
    good: [{ rules: {}, tags: [], labels: {} }],
    bad: [[{ rules: {}, tags: [] }, ['labels: is required']]],
  },
  WorkloadEndpoint: {
    key: new WorkloadEndpointKey(wepKey),
    good: [
      wep,
      { ...wep, mac: null, active_instance_id: 'i', labels: { app: 'web' } },
      {
        ...wep,
        ipv4_nat: [{ int_ip: '10.65.0.1', ext_ip: '192.0.2.1' }],
        ipv4_gateway: '10.65.0.254',
        ipv6_gateway: 'fd00::1',
        ports: [{ name: 'http', protocol: 'tcp', port: 80 }],
      },
      { ...wep, mac: '00-00-5e-00-53-01' },
      { ...wep, mac: '0000.5e00.5301' },
    ],
    bad: [
      [{ ...wep, mac: 'nope' }, ['mac: must be a MAC address or null']],
      [{ ...wep, ipv4_nets: ['10.0.0.256/32'] }, ['ipv4_nets[0]: must be a CIDR or an IP address']],
      [withoutProfileIds, ['profile_ids: is required']],
      [{ ...wep, labels: { a: 1 } }, ['labels.a: must be a string']],
      [
        { ...wep, ipv4_nat: [{ int_ip: '10.0.0.1', ext_ip: 'x' }] },
        ['ipv4_nat[0].ext_ip: must be an IP address'],
      ],
      [{ ...wep, ports: [{ name: 'a', protocol: 'tcp' }] }, ['ports[0].port: is required']],
    ],
  },
  HostEndpoint: {
    key: new HostEndpointKey({ hostname: 'h', endpointID: 'e' }),
    good: [{}, { name: 'eth0', expected_ipv4_addrs: ['10.0.0.1'], expected_ipv6_addrs: [] }],
    bad: [
      [{ expected_ipv4_addrs: ['10.0.0.0/24'] }, ['expected_ipv4_addrs[0]: must be an IP address']],
    ],
  },
  HostMetadata: {
    key: new HostMetadataKey({ hostname: 'h' }),
    good: [{}],
    bad: [
      [{ ip: '10.0.0.1' }, ['ip: unknown field']],
      [[], ['must be a mapping']],
    ],
  },
  IPPool: {
    key: new IPPoolKey({ cidr: '10.0.0.0/8' }),
    good: [
      { cidr: '10.0.0.0/8', ipip: 'tunl0', masquerade: true, ipam: true, disabled: false },
      {
        cidr: 'fd00::/64',
        ipip: '',
        ipip_mode: 'cross-subnet',
        masquerade: false,
        ipam: true,
        disabled: true,
      },
    ],
    bad: [
      [
        { cidr: '10.0.0.0/8', masquerade: 'yes', ipam: true, disabled: false },
        ['ipip: is required', 'masquerade: must be a boolean'],
      ],
      [
        {
          cidr: '10.0.0.0/8',
          ipip: '',
          ipip_mode: 'never',
          masquerade: true,
          ipam: true,
          disabled: false,
        },
        ['ipip_mode: must be "always", "cross-subnet" or ""'],
      ],
    ],
  },
  BGPPeer: {
    key: new BGPPeerKey({ scope: 'global', peerIP: '10.0.0.1' }),
    good: [
      { ip: '10.0.0.1', as_num: 64512 },
      { ip: 'fd00::1', as_num: '64512' },
      { ip: '10.0.0.1', as_num: '1.10' },
    ],
    bad: [
      [{ ip: 'x', as_num: 1 }, ['ip: must be an IP address']],
      [
        { ip: '10.0.0.1', as_num: 'AS64512' },
        ['as_num: must be an integer from 0 to 4294967295 or an AS number'],
      ],
    ],
  },
  AllocationBlock: {
    key: new BlockKey({ cidr: '10.65.0.0/26' }),
    good: [block, { ...block, affinity: null, hostAffinity: 'node-1' }],
    bad: [
      [{ ...block, allocations: [0, 'x'] }, ['allocations[1]: must be an integer or null']],
      [
        { ...block, attributes: [{ handle_id: 1, secondary: {} }] },
        ['attributes[0].handle_id: must be a string or null'],
      ],
    ],
  },
  IPAMHandle: {
    key: new IPAMHandleKey({ handleID: 'h' }),
    good: [{ block: { '10.65.0.0/26': 2 } }],
    bad: [[{ block: { '10.65.0.0/26': '2' } }, ['block["10.65.0.0/26"]: must be an integer']]],
  },
  IPAMConfig: {
    key: new IPAMConfigKey(),
    good: [{}, { strict_affinity: true, auto_allocate_blocks: false }],
    bad: [[{ strict_affinity: 'true' }, ['strict_affinity: must be a boolean']]],
  },
  IPAMHost: {
    key: new IPAMHostKey({ host: 'h' }),
    good: [{}],
    bad: [[{ blocks: [] }, ['blocks: unknown field']]],
  },
  HostEndpointStatus: {
    key: new HostEndpointStatusKey({ hostname: 'h', endpointID: 'e' }),
    good: [{ status: 'up' }],
    bad: [[{ status: 1 }, ['status: must be a string']]],
  },
  WorkloadEndpointStatus: {
    key: new WorkloadEndpointStatusKey(wepKey),
    good: [{ status: 'down' }],
    bad: [[{}, ['status: is required']]],
  },
  StatusReport: {
    key: new ActiveStatusReportKey({ hostname: 'h' }),
    good: [{ time: '2017-01-01T00:00:00Z', uptime: 12.5, first_update: true }],
    bad: [[{ time: 't', uptime: '1' }, ['first_update: is required', 'uptime: must be a number']]],
  },
  'StatusReport (last reported)': {
    key: new LastStatusReportKey({ hostname: 'h' }),
    good: [{ time: 't', uptime: 0, first_update: false }],
    bad: [[{ time: 't', uptime: 0, first_update: 'no' }, ['first_update: must be a boolean']]],
  },
  'raw string (GlobalConfig, HostConfig, BGP config, block affinity)': {
    key: new GlobalConfigKey({ name: 'x' }),
    good: ['', '1440', 'Info'],
    bad: [
      [1440, ['must be a string']],
      [{ a: 1 }, ['must be a string']],
    ],
  },
  'raw bool (Ready)': {
    key: new ReadyFlagKey(),
    good: [true, false],
    bad: [['yes', ['must be a boolean']]],
  },
  'raw IP (HostIP)': {
    key: new HostIPKey({ hostname: 'h' }),
    good: ['10.0.0.1', '::ffff:10.0.0.1'],
    bad: [
      ['nope', ['must be an IP address']],
      [null, ['must be an IP address']],
    ],
  },
};

describe.each(Object.entries(families))('checkValue: %s', (_name, family) => {
  it.each(family.good.map((value) => [value]))('accepts %j', (value) => {
    expect(checkValue(family.key, value)).toEqual([]);
  });

  it.each(family.bad)('refuses %j', (value, expected) => {
    expect(checkValue(family.key, value).map(formatIssue)).toEqual(expected);
  });
});

describe('checkValue', () => {
  it('gives each issue as a path and a message', () => {
    expect(
      checkValue(new PolicyKey({ name: 'p' }), { selector: '', inbound_rules: [{ action: 3 }] }),
    ).toEqual([{ path: ['inbound_rules', 0, 'action'], message: 'must be a string' }]);
  });

  it("ignores unknown fields with unknownFields: 'ignore', still checking the rest", () => {
    const key = new PolicyKey({ name: 'p' });
    expect(checkValue(key, { selector: '', selecter: 'x' }, { unknownFields: 'ignore' })).toEqual(
      [],
    );
    expect(
      checkValue(key, { selecter: 'x' }, { unknownFields: 'ignore' }).map(formatIssue),
    ).toEqual(['selector: is required']);
  });

  it('reports every issue of a value, not only the first few', () => {
    const rules = Array.from({ length: 30 }, () => ({ action: 1 }));
    expect(
      checkValue(new PolicyKey({ name: 'p' }), { selector: '', inbound_rules: rules }),
    ).toHaveLength(30);
  });

  it('accepts any value for keys without a schema (PathKey, the same key of other raw kinds)', () => {
    expect(checkValue(new PathKey('/apps/web'), { anything: [1, 'x', null] })).toEqual([]);
    expect(checkValue(new PathKey('/apps/web'), 'text')).toEqual([]);
    for (const key of [
      new HostConfigKey({ hostname: 'h', name: 'n' }),
      new GlobalBGPConfigKey({ name: 'as_num' }),
      new HostBGPConfigKey({ hostname: 'h', name: 'ip_addr_v4' }),
      new BlockAffinityKey({ cidr: '10.0.0.0/26', host: 'h' }),
    ]) {
      expect(checkValue(key, 'x')).toEqual([]);
      expect(checkValue(key, 1).map(formatIssue)).toEqual(['must be a string']);
    }
  });
});
