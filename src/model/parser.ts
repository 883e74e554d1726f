/**
 * The global parser: what a syncer can turn back into a Calico key, tried in libcalico-go's
 * order (calico-v1-model.md, "The global parser"). Anything else parses to null, host metadata,
 * BGP, IPAM and felix-status paths included.
 */
import { GlobalConfigListOptions, readyFlagKeyFromPath } from './config.js';
import { HostEndpointListOptions } from './host-endpoint.js';
import { HostConfigListOptions, hostIPKeyFromPath } from './host.js';
import { IPPoolListOptions } from './ip-pool.js';
import type { Key } from './key.js';
import { PathKey } from './path-key.js';
import { PolicyListOptions } from './policy.js';
import { ProfileListOptions } from './profile.js';
import { WorkloadEndpointListOptions } from './workload-endpoint.js';

type PathParser = (path: string) => Key | null;

/** Unfiltered list options parse every key of their family. */
function family(options: { keyFromDefaultPath: PathParser }): PathParser {
  return (path) => options.keyFromDefaultPath(path);
}

const PARSERS: readonly PathParser[] = [
  family(new WorkloadEndpointListOptions()),
  family(new HostEndpointListOptions()),
  family(new PolicyListOptions()),
  family(new ProfileListOptions()),
  hostIPKeyFromPath,
  family(new IPPoolListOptions()),
  family(new GlobalConfigListOptions()),
  family(new HostConfigListOptions()),
  readyFlagKeyFromPath,
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
