/**
 * The TypeScript types of Calico's values, derived from their schemas (value-schemas.ts), so a
 * type and the run-time check cannot disagree. Object types are interfaces so that editors and
 * compiler messages name them (`Type 'string' is not assignable to type 'Policy'`).
 */
import type { Static } from 'typebox';
import type {
  AllocationAttributeSchema,
  AllocationBlockSchema,
  BGPPeerSchema,
  EndpointPortSchema,
  HostEndpointSchema,
  HostEndpointStatusSchema,
  HostMetadataSchema,
  IPAMConfigSchema,
  IPAMHandleSchema,
  IPAMHostSchema,
  IPNATSchema,
  IPPoolSchema,
  PolicySchema,
  PortSchema,
  ProfileRulesSchema,
  ProfileSchema,
  RuleSchema,
  StatusReportSchema,
  WorkloadEndpointSchema,
  WorkloadEndpointStatusSchema,
} from './value-schemas.js';

/** A port: a number, or a range `"1000:2000"`. */
export type Port = Static<typeof PortSchema>;

// Each interface re-declares a field or two of its schema's type (the compiler checks that they
// agree): TypeScript takes an interface with no members of its own for its base type, and would
// print the whole anonymous shape in messages instead of `Policy`. Lists of objects are
// re-declared with their named item type, so messages inside them name it too (`Rule`).

export interface Rule extends Static<typeof RuleSchema> {
  action?: string;
}
export interface Policy extends Static<typeof PolicySchema> {
  selector: string;
  inbound_rules?: Rule[];
  outbound_rules?: Rule[];
}
export interface ProfileRules extends Static<typeof ProfileRulesSchema> {
  inbound_rules?: Rule[];
  outbound_rules?: Rule[];
}
/** The composite a ProfileKey names: its rules, tags and labels. */
export interface Profile extends Static<typeof ProfileSchema> {
  rules: ProfileRules;
}
export interface EndpointPort extends Static<typeof EndpointPortSchema> {
  name: string;
}
export interface IPNAT extends Static<typeof IPNATSchema> {
  int_ip: string;
}
export interface WorkloadEndpoint extends Static<typeof WorkloadEndpointSchema> {
  state: string;
  ipv4_nat?: IPNAT[];
  ipv6_nat?: IPNAT[];
  ports?: EndpointPort[];
}
export interface HostEndpoint extends Static<typeof HostEndpointSchema> {
  ports?: EndpointPort[];
}
/** A host's metadata: no fields. */
export interface HostMetadata extends Static<typeof HostMetadataSchema> {}
/** A host's IPAM entry: no fields. */
export interface IPAMHost extends Static<typeof IPAMHostSchema> {}
export interface IPPool extends Static<typeof IPPoolSchema> {
  cidr: string;
}
export interface BGPPeer extends Static<typeof BGPPeerSchema> {
  ip: string;
}
export interface AllocationAttribute extends Static<typeof AllocationAttributeSchema> {
  handle_id: string | null;
}
export interface AllocationBlock extends Static<typeof AllocationBlockSchema> {
  attributes: AllocationAttribute[];
}
export interface IPAMHandle extends Static<typeof IPAMHandleSchema> {
  block: Record<string, number>;
}
export interface IPAMConfig extends Static<typeof IPAMConfigSchema> {
  strict_affinity?: boolean;
}
export interface HostEndpointStatus extends Static<typeof HostEndpointStatusSchema> {
  status: string;
}
export interface WorkloadEndpointStatus extends Static<typeof WorkloadEndpointStatusSchema> {
  status: string;
}
export interface StatusReport extends Static<typeof StatusReportSchema> {
  time: string;
}
