/**
 * The exported value types are their schemas' types: each interface and the type TypeBox
 * derives from its schema are assignable both ways (checked by the compiler, run by vitest).
 */
import type { Static } from 'typebox';
import { describe, expect, it } from 'vitest';
import type * as S from '../../src/model/value-schemas.js';
import type * as T from '../../src/model/value-types.js';

/** Compiles only when A and B are assignable to each other. */
function same<A, B>(check: [A] extends [B] ? ([B] extends [A] ? true : false) : false): boolean {
  return check;
}

describe('the value types', () => {
  it('are exactly their schemas', () => {
    const all = [
      same<T.Rule, Static<typeof S.RuleSchema>>(true),
      same<T.Policy, Static<typeof S.PolicySchema>>(true),
      same<T.ProfileRules, Static<typeof S.ProfileRulesSchema>>(true),
      same<T.Profile, Static<typeof S.ProfileSchema>>(true),
      same<T.EndpointPort, Static<typeof S.EndpointPortSchema>>(true),
      same<T.IPNAT, Static<typeof S.IPNATSchema>>(true),
      same<T.WorkloadEndpoint, Static<typeof S.WorkloadEndpointSchema>>(true),
      same<T.HostEndpoint, Static<typeof S.HostEndpointSchema>>(true),
      same<T.HostMetadata, Static<typeof S.HostMetadataSchema>>(true),
      same<T.IPAMHost, Static<typeof S.IPAMHostSchema>>(true),
      same<T.IPPool, Static<typeof S.IPPoolSchema>>(true),
      same<T.BGPPeer, Static<typeof S.BGPPeerSchema>>(true),
      same<T.AllocationAttribute, Static<typeof S.AllocationAttributeSchema>>(true),
      same<T.AllocationBlock, Static<typeof S.AllocationBlockSchema>>(true),
      same<T.IPAMHandle, Static<typeof S.IPAMHandleSchema>>(true),
      same<T.IPAMConfig, Static<typeof S.IPAMConfigSchema>>(true),
      same<T.HostEndpointStatus, Static<typeof S.HostEndpointStatusSchema>>(true),
      same<T.WorkloadEndpointStatus, Static<typeof S.WorkloadEndpointStatusSchema>>(true),
      same<T.StatusReport, Static<typeof S.StatusReportSchema>>(true),
      same<T.Port, Static<typeof S.PortSchema>>(true),
    ];
    expect(all.every(Boolean)).toBe(true);
    // @ts-expect-error a check that fails to compile when the types differ
    expect(same<T.Policy, T.Rule>(true)).toBe(true);
  });
});
