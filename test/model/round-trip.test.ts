/**
 * Property: every valid key round-trips through its path, with the global parser (which knows
 * every v1 family) and with its family's list options, filtered by the key's own fields or not.
 * HostIPKey, ReadyFlagKey, ProfileKey, IPAMConfigKey and IPAMHostKey have no list options; the
 * global parser covers them.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ActiveStatusReportKey,
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
  HostIPKey,
  HostMetadataKey,
  HostMetadataListOptions,
  IPAMConfigKey,
  IPAMHandleKey,
  IPAMHandleListOptions,
  IPAMHostKey,
  IPPoolKey,
  IPPoolListOptions,
  LastStatusReportKey,
  LastStatusReportListOptions,
  PathKey,
  PathListOptions,
  PolicyKey,
  ProfileKey,
  PolicyListOptions,
  ProfileLabelsKey,
  ProfileListOptions,
  ProfileRulesKey,
  ProfileTagsKey,
  ReadyFlagKey,
  WorkloadEndpointKey,
  WorkloadEndpointListOptions,
  WorkloadEndpointStatusKey,
  WorkloadEndpointStatusListOptions,
  keyFromDefaultPath,
  keyFromPath,
  type Key,
  type ListInterface,
} from '../../src/index.js';

const tricky = fc.constantFrom(
  '/',
  '%',
  '%2f',
  '%2F',
  '%25',
  '2f',
  '-',
  '.',
  ' ',
  'ü',
  '日本',
  '😀',
);
const unit = fc.oneof(tricky, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
const anyChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });

/** Any non-empty name, for the escaped fields. */
const name = fc.string({ unit, minLength: 1, maxLength: 12 }).filter((s) => s.length > 0);
/** A name without `/`, for the fields written as one segment as they are. */
const segment = fc
  .string({ unit: fc.oneof(unit, anyChar), minLength: 1, maxLength: 12 })
  .map((s) => s.replaceAll('/', '_'))
  .filter((s) => s.length > 0);
/** A config name: segments joined by `/`. */
const nested = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
const ip = fc.oneof(fc.ipV4(), fc.ipV6());
const cidr = fc
  .oneof(
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })),
    fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })),
  )
  .map(([address, prefix]) => `${address}/${prefix}`);
const version = (key: { cidr: string }): 4 | 6 => (key.cidr.includes(':') ? 6 : 4);

interface Case {
  key: Key;
  /** The family's list options filtered by every field of the key. */
  filtered: ListInterface;
}

interface Family {
  name: string;
  cases: fc.Arbitrary<Case>;
  all: ListInterface;
}

const workloadIds = fc.record({
  hostname: segment,
  orchestratorID: name,
  workloadID: name,
  endpointID: name,
});

const families: Family[] = [
  {
    name: 'WorkloadEndpoint',
    cases: workloadIds.map((f) => ({
      key: new WorkloadEndpointKey(f),
      filtered: new WorkloadEndpointListOptions(f),
    })),
    all: new WorkloadEndpointListOptions(),
  },
  {
    name: 'HostEndpoint',
    cases: fc.record({ hostname: segment, endpointID: name }).map((f) => ({
      key: new HostEndpointKey(f),
      filtered: new HostEndpointListOptions(f),
    })),
    all: new HostEndpointListOptions(),
  },
  {
    name: 'Policy',
    cases: fc.record({ name }).map((f) => ({
      key: new PolicyKey(f),
      filtered: new PolicyListOptions(f),
    })),
    all: new PolicyListOptions(),
  },
  {
    name: 'Profile rules, tags and labels',
    cases: fc
      .tuple(
        fc.record({ name }),
        fc.constantFrom(ProfileRulesKey, ProfileTagsKey, ProfileLabelsKey),
      )
      .map(([f, Part]) => ({ key: new Part(f), filtered: new ProfileListOptions(f) })),
    all: new ProfileListOptions(),
  },
  {
    name: 'HostMetadata',
    cases: fc.record({ hostname: segment }).map((f) => ({
      key: new HostMetadataKey(f),
      filtered: new HostMetadataListOptions(f),
    })),
    all: new HostMetadataListOptions(),
  },
  {
    name: 'GlobalConfig',
    cases: fc.record({ name: nested }).map((f) => ({
      key: new GlobalConfigKey(f),
      filtered: new GlobalConfigListOptions(f),
    })),
    all: new GlobalConfigListOptions(),
  },
  {
    name: 'HostConfig',
    cases: fc.record({ hostname: segment, name: nested }).map((f) => ({
      key: new HostConfigKey(f),
      filtered: new HostConfigListOptions(f),
    })),
    all: new HostConfigListOptions(),
  },
  {
    name: 'IPPool',
    cases: fc.record({ cidr }).map((f) => ({
      key: new IPPoolKey(f),
      filtered: new IPPoolListOptions(f),
    })),
    all: new IPPoolListOptions(),
  },
  {
    name: 'BGPPeer',
    cases: fc
      .oneof(
        fc.record({ scope: fc.constant('global' as const), peerIP: ip }),
        fc.record({ scope: fc.constant('node' as const), hostname: segment, peerIP: ip }),
      )
      .map((f) => ({ key: new BGPPeerKey(f), filtered: new BGPPeerListOptions(f) })),
    all: new BGPPeerListOptions(),
  },
  {
    name: 'GlobalBGPConfig',
    cases: fc.record({ name: segment }).map((f) => ({
      key: new GlobalBGPConfigKey(f),
      filtered: new GlobalBGPConfigListOptions(f),
    })),
    all: new GlobalBGPConfigListOptions(),
  },
  {
    name: 'HostBGPConfig',
    cases: fc.record({ hostname: segment, name: segment }).map((f) => ({
      key: new HostBGPConfigKey(f),
      filtered: new HostBGPConfigListOptions(f),
    })),
    all: new HostBGPConfigListOptions(),
  },
  {
    name: 'Block',
    cases: fc.record({ cidr }).map((f) => {
      const key = new BlockKey(f);
      return { key, filtered: new BlockListOptions({ ipVersion: version(key) }) };
    }),
    all: new BlockListOptions(),
  },
  {
    name: 'BlockAffinity',
    cases: fc.record({ cidr, host: segment }).map((f) => {
      const key = new BlockAffinityKey(f);
      const filtered = new BlockAffinityListOptions({ host: f.host, ipVersion: version(key) });
      return { key, filtered };
    }),
    all: new BlockAffinityListOptions(),
  },
  {
    name: 'IPAMHandle',
    cases: fc.record({ handleID: segment }).map((f) => ({
      key: new IPAMHandleKey(f),
      filtered: new IPAMHandleListOptions(f),
    })),
    all: new IPAMHandleListOptions(),
  },
  {
    name: 'HostEndpointStatus',
    cases: fc.record({ hostname: segment, endpointID: name }).map((f) => ({
      key: new HostEndpointStatusKey(f),
      filtered: new HostEndpointStatusListOptions(f),
    })),
    all: new HostEndpointStatusListOptions(),
  },
  {
    name: 'WorkloadEndpointStatus',
    cases: workloadIds.map((f) => ({
      key: new WorkloadEndpointStatusKey(f),
      filtered: new WorkloadEndpointStatusListOptions(f),
    })),
    all: new WorkloadEndpointStatusListOptions(),
  },
  {
    name: 'ActiveStatusReport',
    cases: fc.record({ hostname: segment }).map((f) => ({
      key: new ActiveStatusReportKey(f),
      filtered: new ActiveStatusReportListOptions(f),
    })),
    all: new ActiveStatusReportListOptions(),
  },
  {
    name: 'LastStatusReport',
    cases: fc.record({ hostname: segment }).map((f) => ({
      key: new LastStatusReportKey(f),
      filtered: new LastStatusReportListOptions(f),
    })),
    all: new LastStatusReportListOptions(),
  },
];

/** True when `path` is `root` or below it. */
function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

describe('every valid key round-trips through its path', () => {
  it.each(families.map((family) => [family.name, family] as const))('%s', (_name, family) => {
    fc.assert(
      fc.property(family.cases, ({ key, filtered }) => {
        const path = key.defaultPath();
        expect(family.all.keyFromDefaultPath(path)).toStrictEqual(key);
        expect(filtered.keyFromDefaultPath(path)).toStrictEqual(key);
        expect(family.all.keyFromDefaultPath(path.slice(1))).toStrictEqual(key);
        expect(isUnder(path, filtered.defaultPathRoot())).toBe(true);
        expect(isUnder(path, family.all.defaultPathRoot())).toBe(true);
        expect(keyFromDefaultPath(path)).toStrictEqual(key);
        // No other family claims the path.
        const claimed = families.filter((other) => other.all.keyFromDefaultPath(path) !== null);
        expect(claimed.map((other) => other.name)).toEqual([family.name]);
      }),
    );
  });

  it('HostIPKey, ReadyFlagKey, ProfileKey, IPAMConfigKey and IPAMHostKey (global parser only)', () => {
    fc.assert(
      fc.property(segment, name, (hostname, profile) => {
        for (const key of [
          new HostIPKey({ hostname }),
          new IPAMHostKey({ host: hostname }),
          new ProfileKey({ name: profile }),
        ]) {
          expect(keyFromDefaultPath(key.defaultPath())).toStrictEqual(key);
          expect(keyFromDefaultPath(key.defaultPath().slice(1))).toStrictEqual(key);
        }
      }),
    );
    expect(keyFromDefaultPath(new ReadyFlagKey().defaultPath())).toStrictEqual(new ReadyFlagKey());
    expect(keyFromDefaultPath(new IPAMConfigKey().defaultPath())).toStrictEqual(
      new IPAMConfigKey(),
    );
  });

  it('PathKey, through PathListOptions and keyFromPath', () => {
    const part = segment.filter((s) => !s.includes('\0'));
    const pathArb = fc.array(part, { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(pathArb, fc.integer({ min: 0, max: 4 }), (parts, depth) => {
        const key = new PathKey(`/${parts.join('/')}`);
        const prefix = depth === 0 ? '/' : `/${parts.slice(0, depth).join('/')}`;
        expect(new PathListOptions({ prefix }).keyFromDefaultPath(key.defaultPath())).toStrictEqual(
          key,
        );
        const fromPath = keyFromPath(key.defaultPath());
        expect(fromPath.defaultPath()).toBe(key.defaultPath());
      }),
    );
  });
});
