/**
 * parseStoredValue: a stored value read as libcalico-go reads it (Go's encoding/json into the
 * v1 struct), so what a reader gets always has its TypeScript type.
 */
import { describe, expect, it } from 'vitest';
import {
  BlockKey,
  HostMetadataKey,
  IPPoolKey,
  PathKey,
  PolicyKey,
  ReadyFlagKey,
  WorkloadEndpointKey,
  checkValue,
  formatIssue,
  parseStoredValue,
  type StoredValue,
} from '../../src/index.js';

const policyKey = new PolicyKey({ name: 'p' });
const wepKey = new WorkloadEndpointKey({
  hostname: 'h',
  orchestratorID: 'k8s',
  workloadID: 'w',
  endpointID: 'e',
});

function issues(result: StoredValue): string[] {
  return result.ok ? [] : result.issues.map(formatIssue);
}

describe('parseStoredValue', () => {
  it('hands back a value that fits as it is (the same object)', () => {
    const value = { order: 1, selector: 'a' };
    const result = parseStoredValue(policyKey, value);
    expect(result).toEqual({ ok: true, value });
    expect(result.ok && result.value).toBe(value);
  });

  it("fails on a field of the wrong type, as Go's unmarshal does, with its path", () => {
    expect(issues(parseStoredValue(policyKey, { order: 'high', selector: 'a' }))).toEqual([
      'order: must be a number',
    ]);
    expect(
      issues(
        parseStoredValue(policyKey, { selector: 'a', outbound_rules: [{ dst_ports: ['x'] }] }),
      ),
    ).toEqual([
      'outbound_rules[0].dst_ports[0]: must be an integer from 0 to 65535 or a range "min:max"',
    ]);
    expect(issues(parseStoredValue(policyKey, 'a string'))).toEqual(['must be a mapping']);
  });

  it("gives missing and null fields Go's zero values, and drops optional nulls", () => {
    expect(parseStoredValue(policyKey, { order: 2, inbound_rules: null, untracked: null })).toEqual(
      {
        ok: true,
        value: { order: 2, selector: '' },
      },
    );
    expect(parseStoredValue(policyKey, null)).toEqual({ ok: true, value: { selector: '' } });
    expect(parseStoredValue(wepKey, { state: 'active', name: 'cali1', ipv6_nets: null })).toEqual({
      ok: true,
      value: {
        state: 'active',
        name: 'cali1',
        mac: null,
        profile_ids: [],
        ipv4_nets: [],
        ipv6_nets: [],
      },
    });
    expect(
      parseStoredValue(new IPPoolKey({ cidr: '10.0.0.0/8' }), {
        cidr: '10.0.0.0/8',
        ipip: null,
        masquerade: null,
        ipam: true,
        disabled: false,
      }),
    ).toEqual({
      ok: true,
      value: { cidr: '10.0.0.0/8', ipip: '', masquerade: false, ipam: true, disabled: false },
    });
  });

  it('fills nested values too: list items, map values, objects inside lists', () => {
    const result = parseStoredValue(new BlockKey({ cidr: '10.0.0.0/30' }), {
      cidr: '10.0.0.0/30',
      affinity: null,
      allocations: [null, 0],
      attributes: [{ handle_id: 'h' }],
    });
    expect(result).toEqual({
      ok: true,
      value: {
        cidr: '10.0.0.0/30',
        affinity: null,
        strictAffinity: false,
        allocations: [null, 0],
        unallocated: [],
        attributes: [{ handle_id: 'h', secondary: null }],
      },
    });
    expect(
      parseStoredValue(policyKey, { selector: '', inbound_rules: [{ action: null }] }),
    ).toEqual({ ok: true, value: { selector: '', inbound_rules: [{}] } });
  });

  it('accepts and keeps fields the type does not have (Go ignores them)', () => {
    const value = { selector: 'a', selecter: 'b', inbound_rules: [{ action: 'allow', x: 1 }] };
    expect(parseStoredValue(policyKey, value)).toEqual({ ok: true, value });
    expect(parseStoredValue(new HostMetadataKey({ hostname: 'h' }), { ip: 'x' })).toEqual({
      ok: true,
      value: { ip: 'x' },
    });
  });

  it('calls a missing field that has no usable zero value required', () => {
    expect(issues(parseStoredValue(new IPPoolKey({ cidr: '10.0.0.0/8' }), { ipip: '' }))).toEqual([
      'cidr: is required',
    ]);
  });

  it('leaves values of keys without a schema, and raw values, as they are', () => {
    expect(parseStoredValue(new PathKey('/a'), { any: null })).toEqual({
      ok: true,
      value: { any: null },
    });
    expect(parseStoredValue(new ReadyFlagKey(), false)).toEqual({ ok: true, value: false });
  });

  it('never hands back a value that a type check would refuse, except for unknown fields', () => {
    for (const value of [null, {}, { selector: null, order: null, inbound_rules: [null] }]) {
      const result = parseStoredValue(policyKey, value);
      expect(result.ok).toBe(true);
      if (result.ok) expect(checkValue(policyKey, result.value)).toEqual([]);
    }
  });
});
