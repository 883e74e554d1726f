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
export interface Rule extends Static<typeof RuleSchema> {}
export interface Policy extends Static<typeof PolicySchema> {}
export interface ProfileRules extends Static<typeof ProfileRulesSchema> {}
/** The composite a ProfileKey names: its rules, tags and labels. */
export interface Profile extends Static<typeof ProfileSchema> {}
export interface EndpointPort extends Static<typeof EndpointPortSchema> {}
export interface IPNAT extends Static<typeof IPNATSchema> {}
export interface WorkloadEndpoint extends Static<typeof WorkloadEndpointSchema> {}
export interface HostEndpoint extends Static<typeof HostEndpointSchema> {}
/** A host's metadata: no fields. */
export interface HostMetadata extends Static<typeof HostMetadataSchema> {}
/** A host's IPAM entry: no fields. */
export interface IPAMHost extends Static<typeof IPAMHostSchema> {}
export interface IPPool extends Static<typeof IPPoolSchema> {}
export interface BGPPeer extends Static<typeof BGPPeerSchema> {}
export interface AllocationAttribute extends Static<typeof AllocationAttributeSchema> {}
export interface AllocationBlock extends Static<typeof AllocationBlockSchema> {}
export interface IPAMHandle extends Static<typeof IPAMHandleSchema> {}
export interface IPAMConfig extends Static<typeof IPAMConfigSchema> {}
export interface HostEndpointStatus extends Static<typeof HostEndpointStatusSchema> {}
export interface WorkloadEndpointStatus extends Static<typeof WorkloadEndpointStatusSchema> {}
export interface StatusReport extends Static<typeof StatusReportSchema> {}
