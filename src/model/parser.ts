/**
 * The global parser: what a syncer (or the command line) can turn back into a Calico key.
 * libcalico-go's v1 parser knew only some families, tried in this order (calico-v1-model.md,
 * "The global parser"); kvdir keeps that order and then tries every other v1 family, so no
 * Calico path comes back as a PathKey and every value is checked against its type. No two
 * families' patterns match the same path (each is anchored, and they differ in a literal
 * segment or in depth), so the order decides nothing but speed.
 */
import { BGPPeerListOptions, GlobalBGPConfigListOptions, HostBGPConfigListOptions } from './bgp.js';
import { GlobalConfigListOptions, readyFlagKeyFromPath } from './config.js';
import {
  ActiveStatusReportListOptions,
  HostEndpointStatusListOptions,
  LastStatusReportListOptions,
  WorkloadEndpointStatusListOptions,
} from './felix-status.js';
import { HostEndpointListOptions } from './host-endpoint.js';
import { HostConfigListOptions, HostMetadataListOptions, hostIPKeyFromPath } from './host.js';
import { IPPoolListOptions } from './ip-pool.js';
import {
  BlockAffinityListOptions,
  BlockListOptions,
  IPAMHandleListOptions,
  ipamConfigKeyFromPath,
  ipamHostKeyFromPath,
} from './ipam.js';
import type { Key } from './key.js';
import { PathKey } from './path-key.js';
import { PolicyListOptions } from './policy.js';
import { ProfileListOptions, profileKeyFromPath } from './profile.js';
import { WorkloadEndpointListOptions } from './workload-endpoint.js';

type PathParser = (path: string) => Key | null;

/** Unfiltered list options parse every key of their family. */
function family(options: { keyFromDefaultPath: PathParser }): PathParser {
  return (path) => options.keyFromDefaultPath(path);
}

const PARSERS: readonly PathParser[] = [
  // libcalico-go v1's own, in its order
  family(new WorkloadEndpointListOptions()),
  family(new HostEndpointListOptions()),
  family(new PolicyListOptions()),
  family(new ProfileListOptions()),
  hostIPKeyFromPath,
  family(new IPPoolListOptions()),
  family(new GlobalConfigListOptions()),
  family(new HostConfigListOptions()),
  readyFlagKeyFromPath,
  // every other v1 family
  family(new HostMetadataListOptions()),
  profileKeyFromPath,
  family(new BGPPeerListOptions()),
  family(new GlobalBGPConfigListOptions()),
  family(new HostBGPConfigListOptions()),
  family(new BlockListOptions()),
  family(new BlockAffinityListOptions()),
  family(new IPAMHandleListOptions()),
  ipamConfigKeyFromPath,
  ipamHostKeyFromPath,
  family(new HostEndpointStatusListOptions()),
  family(new WorkloadEndpointStatusListOptions()),
  family(new ActiveStatusReportListOptions()),
  family(new LastStatusReportListOptions()),
];

/** The Calico key a path names, or null. Never throws, whatever the path holds. */
export function keyFromDefaultPath(path: string): Key | null {
  for (const parse of PARSERS) {
    const key = parse(path);
    if (key !== null) return key;
  }
  return null;
}

/**
 * The Calico key a path names where it is one, else a PathKey (for trees that are not only
 * Calico's). Throws ValidationError for a path that cannot be a key.
 */
export function keyFromPath(path: string): Key {
  return keyFromDefaultPath(path) ?? new PathKey(path);
}
