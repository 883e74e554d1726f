import { describe, expect, it } from 'vitest';
import * as kvdir from '../../src/index.js';

describe('the front door', () => {
  it('exports the model by name, with no default export', () => {
    expect(Object.keys(kvdir)).not.toContain('default');
    for (const name of [
      'WorkloadEndpointKey',
      'WorkloadEndpointListOptions',
      'HostEndpointKey',
      'HostEndpointListOptions',
      'PolicyKey',
      'PolicyListOptions',
      'ProfileKey',
      'ProfileRulesKey',
      'ProfileTagsKey',
      'ProfileLabelsKey',
      'ProfileListOptions',
      'HostMetadataKey',
      'HostMetadataListOptions',
      'HostIPKey',
      'NodeKey',
      'HostConfigKey',
      'HostConfigListOptions',
      'GlobalConfigKey',
      'GlobalConfigListOptions',
      'ReadyFlagKey',
      'IPPoolKey',
      'IPPoolListOptions',
      'BGPPeerKey',
      'BGPPeerListOptions',
      'GlobalBGPConfigKey',
      'GlobalBGPConfigListOptions',
      'HostBGPConfigKey',
      'HostBGPConfigListOptions',
      'BlockKey',
      'BlockListOptions',
      'BlockAffinityKey',
      'BlockAffinityListOptions',
      'IPAMHandleKey',
      'IPAMHandleListOptions',
      'IPAMConfigKey',
      'IPAMHostKey',
      'HostEndpointStatusKey',
      'HostEndpointStatusListOptions',
      'WorkloadEndpointStatusKey',
      'WorkloadEndpointStatusListOptions',
      'ActiveStatusReportKey',
      'ActiveStatusReportListOptions',
      'LastStatusReportKey',
      'LastStatusReportListOptions',
      'PathKey',
      'PathListOptions',
      'keyFromDefaultPath',
      'keyFromPath',
      'keyToDefaultPath',
      'keyToDefaultDeletePath',
      'keyToDefaultDeleteParentPaths',
      'listOptionsToDefaultPathRoot',
      'escapeName',
      'unescapeName',
      'decodeRawValue',
      'encodeRawValue',
      'KvdirError',
      'ResourceDoesNotExistError',
      'ResourceAlreadyExistsError',
      'ResourceUpdateConflictError',
      'InsufficientIdentifiersError',
      'OperationNotSupportedError',
      'ValidationError',
      'ParsingDatastoreEntryError',
      'DatastoreError',
      'SyncStatus',
      'UpdateType',
      'syncStatusToString',
    ]) {
      expect(kvdir, name).toHaveProperty(name);
      expect((kvdir as Record<string, unknown>)[name], name).toBeDefined();
    }
  });

  it('keeps internals out', () => {
    for (const name of ['parseCidr', 'stringField', 'matchPath', 'readWorkloadIds']) {
      expect(kvdir).not.toHaveProperty(name);
    }
  });

  it('gives errors that carry the key and Calico message', () => {
    const key = new kvdir.PolicyKey({ name: 'p1' });
    const error = new kvdir.ResourceDoesNotExistError(key);
    expect(error).toBeInstanceOf(kvdir.KvdirError);
    expect(error.message).toBe('resource does not exist: Policy(name=p1)');
    expect(error.identifier).toBe(key);
  });
});
