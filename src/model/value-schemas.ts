/**
 * The one definition of every Calico v1 value: a TypeBox schema per value type, with Calico's
 * JSON field names (libcalico-go v1.x `lib/backend/model`). From it come the TypeScript types
 * (value-types.ts), the run-time check (value-check.ts) and the JSON Schema files for editors
 * (json-schema.ts).
 *
 * The shape is what Go's `json.Marshal` writes for the v1 struct: a field tagged `omitempty`,
 * or added after v1.0.0, is optional (older or emptier values lack it); every other field is
 * required; `null` only where Go writes it (a pointer such as `mac` or `affinity`). Text that
 * Go parses when it unmarshals (IPs, CIDRs, MACs, ports) has its format's pattern.
 */
import Type from 'typebox';
import type { TextFormat } from './value-formats.js';
import {
  AS_NUMBER_TEXT_FORMAT,
  IP_FORMAT,
  MAC_FORMAT,
  NET_FORMAT,
  PORT_TEXT_FORMAT,
} from './value-formats.js';

const { Optional } = Type;

function text(format: TextFormat, description?: string) {
  return Type.String({ pattern: format.pattern, ...(description ? { description } : {}) });
}

const Str = (description?: string) => Type.String(description ? { description } : {});
const Labels = (description = 'a map of strings to strings') =>
  Type.Record(Type.String(), Type.String(), { description });
const Strings = (description?: string) =>
  Type.Array(Type.String(), description ? { description } : {});

const IP = text(IP_FORMAT);
/** `net.IPNet`: a CIDR, or an IP meaning its host network. */
const Net = text(NET_FORMAT);

export const PortSchema = Type.Union(
  [Type.Integer({ minimum: 0, maximum: 65535 }), text(PORT_TEXT_FORMAT)],
  { description: 'a port number, or a range "min:max"' },
);

const Protocol = Type.Union([Type.Integer({ minimum: 0, maximum: 255 }), Type.String()], {
  description: 'a protocol name (tcp, udp, icmp, icmpv6, sctp, udplite) or number',
});

const Ports = Type.Array(PortSchema);
const Nets = Type.Array(Net);

export const RuleSchema = Type.Object(
  {
    action: Optional(Str('allow (the default), deny, log or next-tier')),
    ip_version: Optional(Type.Union([Type.Literal(4), Type.Literal(6)])),
    protocol: Optional(Protocol),
    '!protocol': Optional(Protocol),
    icmp_type: Optional(Type.Integer()),
    icmp_code: Optional(Type.Integer()),
    '!icmp_type': Optional(Type.Integer()),
    '!icmp_code': Optional(Type.Integer()),
    src_tag: Optional(Str()),
    src_net: Optional(Net),
    src_nets: Optional(Nets),
    src_selector: Optional(Str()),
    src_ports: Optional(Ports),
    dst_tag: Optional(Str()),
    dst_selector: Optional(Str()),
    dst_net: Optional(Net),
    dst_nets: Optional(Nets),
    dst_ports: Optional(Ports),
    '!src_tag': Optional(Str()),
    '!src_net': Optional(Net),
    '!src_nets': Optional(Nets),
    '!src_selector': Optional(Str()),
    '!src_ports': Optional(Ports),
    '!dst_tag': Optional(Str()),
    '!dst_selector': Optional(Str()),
    '!dst_net': Optional(Net),
    '!dst_nets': Optional(Nets),
    '!dst_ports': Optional(Ports),
    log_prefix: Optional(Str()),
  },
  { title: 'Rule', description: 'A Calico v1 policy rule' },
);

const Rules = (description: string) => Optional(Type.Array(RuleSchema, { description }));

export const PolicySchema = Type.Object(
  {
    order: Optional(Type.Number({ description: 'lower orders apply first' })),
    inbound_rules: Rules('ingress rules, in order'),
    outbound_rules: Rules('egress rules, in order'),
    selector: Str("the endpoints the policy applies to, e.g. role == 'web'"),
    untracked: Optional(Type.Boolean({ description: "Calico's DoNotTrack" })),
    annotations: Optional(Labels()),
    pre_dnat: Optional(Type.Boolean()),
    types: Optional(Strings('ingress and/or egress')),
  },
  { title: 'Policy', description: 'A Calico v1 policy (/calico/v1/policy/tier/*/policy/*)' },
);

export const ProfileRulesSchema = Type.Object(
  {
    inbound_rules: Rules('ingress rules, in order'),
    outbound_rules: Rules('egress rules, in order'),
  },
  { title: 'ProfileRules', description: "A Calico v1 profile's rules" },
);

export const ProfileTagsSchema = Strings("A Calico v1 profile's tags");
export const ProfileLabelsSchema = Labels("A Calico v1 profile's labels");

export const ProfileSchema = Type.Object(
  { rules: ProfileRulesSchema, tags: ProfileTagsSchema, labels: ProfileLabelsSchema },
  { title: 'Profile', description: 'A whole Calico v1 profile (its rules, tags and labels)' },
);

export const IPNATSchema = Type.Object(
  { int_ip: IP, ext_ip: IP },
  { title: 'IPNAT', description: 'A 1:1 NAT mapping of an endpoint' },
);

export const EndpointPortSchema = Type.Object(
  { name: Str(), protocol: Protocol, port: Type.Integer({ minimum: 0, maximum: 65535 }) },
  { title: 'EndpointPort', description: 'A named port of an endpoint (later Calico releases)' },
);

export const WorkloadEndpointSchema = Type.Object(
  {
    state: Str('active or inactive'),
    name: Str('the interface name, e.g. cali1234'),
    active_instance_id: Optional(Str()),
    mac: Type.Union([text(MAC_FORMAT), Type.Null()]),
    profile_ids: Strings(),
    ipv4_nets: Nets,
    ipv6_nets: Nets,
    ipv4_nat: Optional(Type.Array(IPNATSchema)),
    ipv6_nat: Optional(Type.Array(IPNATSchema)),
    labels: Optional(Labels()),
    ipv4_gateway: Optional(IP),
    ipv6_gateway: Optional(IP),
    ports: Optional(Type.Array(EndpointPortSchema)),
  },
  { title: 'WorkloadEndpoint', description: 'A Calico v1 workload endpoint' },
);

export const HostEndpointSchema = Type.Object(
  {
    name: Optional(Str('the interface name')),
    expected_ipv4_addrs: Optional(Type.Array(IP)),
    expected_ipv6_addrs: Optional(Type.Array(IP)),
    labels: Optional(Labels()),
    profile_ids: Optional(Strings()),
    ports: Optional(Type.Array(EndpointPortSchema)),
  },
  { title: 'HostEndpoint', description: 'A Calico v1 host endpoint' },
);

/** Host metadata and a host's IPAM entry carry no fields (Go's empty structs). */
export const HostMetadataSchema = Type.Object(
  {},
  { title: 'HostMetadata', description: 'A host (an empty mapping)' },
);
export const IPAMHostSchema = Type.Object(
  {},
  { title: 'IPAMHost', description: "A host's IPAM entry (an empty mapping)" },
);

export const IPPoolSchema = Type.Object(
  {
    cidr: Net,
    ipip: Str('the IPIP interface, e.g. tunl0; empty when IPIP is off'),
    ipip_mode: Optional(
      Type.Union([Type.Literal('always'), Type.Literal('cross-subnet'), Type.Literal('')]),
    ),
    masquerade: Type.Boolean(),
    ipam: Type.Boolean(),
    disabled: Type.Boolean(),
  },
  { title: 'IPPool', description: 'A Calico v1 IP pool' },
);

export const BGPPeerSchema = Type.Object(
  {
    ip: IP,
    as_num: Type.Union([
      Type.Integer({ minimum: 0, maximum: 4294967295 }),
      text(AS_NUMBER_TEXT_FORMAT),
    ]),
  },
  { title: 'BGPPeer', description: 'A Calico v1 BGP peer' },
);

export const AllocationAttributeSchema = Type.Object(
  {
    handle_id: Type.Union([Type.String(), Type.Null()]),
    secondary: Type.Union([Labels(), Type.Null()]),
  },
  { title: 'AllocationAttribute' },
);

export const AllocationBlockSchema = Type.Object(
  {
    cidr: Net,
    affinity: Type.Union([Type.String(), Type.Null()], { description: 'e.g. host:node-1' }),
    strictAffinity: Type.Boolean(),
    allocations: Type.Array(Type.Union([Type.Integer(), Type.Null()]), {
      description: 'per address of the block, the index of its attribute, or null if free',
    }),
    unallocated: Type.Array(Type.Integer()),
    attributes: Type.Array(AllocationAttributeSchema),
    hostAffinity: Optional(Str('deprecated: use affinity')),
  },
  { title: 'AllocationBlock', description: 'A Calico IPAM allocation block' },
);

export const IPAMHandleSchema = Type.Object(
  {
    block: Type.Record(Type.String(), Type.Integer(), {
      description: 'allocation counts by block CIDR',
    }),
  },
  { title: 'IPAMHandle', description: 'A Calico IPAM handle' },
);

export const IPAMConfigSchema = Type.Object(
  { strict_affinity: Optional(Type.Boolean()), auto_allocate_blocks: Optional(Type.Boolean()) },
  { title: 'IPAMConfig', description: "Calico's IPAM config" },
);

const Status = (title: string) =>
  Type.Object({ status: Str('e.g. up, down, error') }, { title, description: `Felix's ${title}` });
export const HostEndpointStatusSchema = Status('HostEndpointStatus');
export const WorkloadEndpointStatusSchema = Status('WorkloadEndpointStatus');

export const StatusReportSchema = Type.Object(
  { time: Str('an RFC 3339 time'), uptime: Type.Number(), first_update: Type.Boolean() },
  { title: 'StatusReport', description: "Felix's status report for a host" },
);

/** The value types of Calico's keys, by name. Raw kinds (bare strings, bools, IPs) are below. */
export const VALUE_SCHEMAS = {
  Policy: PolicySchema,
  Profile: ProfileSchema,
  ProfileRules: ProfileRulesSchema,
  ProfileTags: ProfileTagsSchema,
  ProfileLabels: ProfileLabelsSchema,
  WorkloadEndpoint: WorkloadEndpointSchema,
  HostEndpoint: HostEndpointSchema,
  HostMetadata: HostMetadataSchema,
  IPPool: IPPoolSchema,
  BGPPeer: BGPPeerSchema,
  AllocationBlock: AllocationBlockSchema,
  IPAMHandle: IPAMHandleSchema,
  IPAMConfig: IPAMConfigSchema,
  IPAMHost: IPAMHostSchema,
  HostEndpointStatus: HostEndpointStatusSchema,
  WorkloadEndpointStatus: WorkloadEndpointStatusSchema,
  StatusReport: StatusReportSchema,
} as const;

/** The name of a structured Calico value type, e.g. `Policy`. */
export type ValueTypeName = keyof typeof VALUE_SCHEMAS;

/** The raw kinds, checked on writes by the same mechanism (reads decode them from text). */
export const RAW_SCHEMAS = {
  'raw-string': Type.String(),
  'raw-bool': Type.Boolean(),
  'raw-ip': IP,
} as const;
