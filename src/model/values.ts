/**
 * Values: decoding and encoding of the raw kinds from and to their scalar text, and the types
 * of the main structured values, with Calico's JSON field names (libcalico-go v1.x).
 */
import { parseIP } from './cidr.js';
import { ValidationError } from './errors.js';
import type { ValueKind } from './key.js';

/** The value kinds stored as a bare scalar. */
export type RawValueKind = Exclude<ValueKind, 'structured'>;

export function isRawValueKind(kind: ValueKind): kind is RawValueKind {
  return kind === 'raw-string' || kind === 'raw-bool' || kind === 'raw-ip';
}

/**
 * Decodes a raw value's scalar text: a string as is; a bool is true only for `true`; an IP is
 * its text if it parses, else null (not an error).
 */
export function decodeRawValue(kind: 'raw-string', text: string): string;
export function decodeRawValue(kind: 'raw-bool', text: string): boolean;
export function decodeRawValue(kind: 'raw-ip', text: string): string | null;
export function decodeRawValue(kind: RawValueKind, text: string): string | boolean | null;
export function decodeRawValue(kind: RawValueKind, text: string): string | boolean | null {
  switch (kind) {
    case 'raw-string':
      return text;
    case 'raw-bool':
      return text === 'true';
    case 'raw-ip':
      return parseIP(text) === null ? null : text;
  }
}

/** Encodes a raw value as its scalar text; a value of the wrong type is a ValidationError. */
export function encodeRawValue(kind: RawValueKind, value: unknown): string {
  switch (kind) {
    case 'raw-string':
      if (typeof value === 'string') return value;
      throw invalidValue(value, 'must be a string');
    case 'raw-bool':
      if (typeof value === 'boolean') return value ? 'true' : 'false';
      throw invalidValue(value, 'must be a boolean');
    case 'raw-ip':
      if (typeof value === 'string' && parseIP(value) !== null) return value;
      throw invalidValue(value, 'must be an IP address');
    default:
      throw invalidValue(value, `no raw encoding for value kind '${String(kind)}'`);
  }
}

function invalidValue(value: unknown, reason: string): ValidationError {
  return new ValidationError([{ name: 'value', value, reason }]);
}

// Structured values. Fields are optional where Calico omits them when empty (`omitempty`).

/** A port: a number, a range `"1000:2000"` or a named port. */
export type Port = number | string;

export interface Rule {
  /** `allow` (the default), `deny`, `log` or `next-tier`. */
  action?: string;
  ip_version?: 4 | 6;
  protocol?: string | number;
  '!protocol'?: string | number;
  icmp_type?: number;
  icmp_code?: number;
  '!icmp_type'?: number;
  '!icmp_code'?: number;
  src_tag?: string;
  src_net?: string;
  src_selector?: string;
  src_ports?: Port[];
  dst_tag?: string;
  dst_net?: string;
  dst_selector?: string;
  dst_ports?: Port[];
  '!src_tag'?: string;
  '!src_net'?: string;
  '!src_selector'?: string;
  '!src_ports'?: Port[];
  '!dst_tag'?: string;
  '!dst_net'?: string;
  '!dst_selector'?: string;
  '!dst_ports'?: Port[];
  log_prefix?: string;
}

export interface Policy {
  order?: number;
  inbound_rules: Rule[];
  outbound_rules: Rule[];
  selector: string;
  /** Calico's DoNotTrack. */
  untracked?: boolean;
  pre_dnat?: boolean;
}

export interface ProfileRules {
  inbound_rules: Rule[];
  outbound_rules: Rule[];
}

/** The composite a ProfileKey names: its rules, tags and labels. */
export interface Profile {
  rules: ProfileRules;
  tags: string[];
  labels: Record<string, string>;
}

export interface EndpointPort {
  name: string;
  protocol: string | number;
  port: number;
}

export interface IPNAT {
  int_ip: string;
  ext_ip: string;
}

export interface WorkloadEndpoint {
  state: string;
  name: string;
  active_instance_id?: string;
  mac: string;
  profile_ids: string[];
  ipv4_nets: string[];
  ipv6_nets: string[];
  ipv4_nat?: IPNAT[];
  ipv6_nat?: IPNAT[];
  labels?: Record<string, string>;
  ipv4_gateway?: string;
  ipv6_gateway?: string;
  ports?: EndpointPort[];
}

export interface HostEndpoint {
  name?: string;
  expected_ipv4_addrs: string[];
  expected_ipv6_addrs: string[];
  labels: Record<string, string>;
  profile_ids: string[];
  ports?: EndpointPort[];
}

export interface IPPool {
  cidr: string;
  /** The IPIP interface name, e.g. `tunl0`; empty when IPIP is off. */
  ipip?: string;
  ipip_mode?: 'always' | 'cross-subnet' | '';
  masquerade: boolean;
  ipam: boolean;
  disabled: boolean;
}

export interface BGPPeer {
  ip: string;
  /** A number in v1.0; later v1.x releases write it as a string. */
  as_num: number | string;
}

export interface IPAMHandle {
  /** Allocation counts by block CIDR. */
  block: Record<string, number>;
}

export interface AllocationAttribute {
  handle_id?: string;
  secondary?: Record<string, string>;
}

export interface AllocationBlock {
  cidr: string;
  affinity?: string | null;
  strictAffinity: boolean;
  /** Per address of the block, the index of its attribute, or null if free. */
  allocations: (number | null)[];
  unallocated: number[];
  attributes: AllocationAttribute[];
}

export interface IPAMConfig {
  strict_affinity: boolean;
  auto_allocate_blocks: boolean;
}

export interface HostEndpointStatus {
  status: string;
}

export interface WorkloadEndpointStatus {
  status: string;
}

export interface StatusReport {
  time: string;
  uptime: number;
  first_update?: boolean;
}
