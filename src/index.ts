/**
 * kvdir: a key/value datastore on a directory tree of YAML files, with the interface of
 * libcalico-go v1's backend Client. This file is the whole public surface.
 */

// Keys and list options: the interfaces and the module functions
export type { Key, ListInterface, ListValueOf, ValueKind, ValueOf } from './model/key.js';
export {
  keyToDefaultPath,
  keyToDefaultDeletePath,
  keyToDefaultDeleteParentPaths,
  listOptionsToDefaultPathRoot,
} from './model/key.js';
export { keyFromDefaultPath, keyFromPath } from './model/parser.js';
export { parseCanonical } from './model/canonical.js';
export type { CanonicalVerdict } from './model/canonical.js';
export { escapeName, unescapeName } from './model/escape.js';

// Keys and list options: generic paths
export { PathKey, PathListOptions, isValidKeyPath } from './model/path-key.js';
export { keyPathProblem } from './model/key-path.js';

// Keys and list options: Calico's families
export { WorkloadEndpointKey, WorkloadEndpointListOptions } from './model/workload-endpoint.js';
export { HostEndpointKey, HostEndpointListOptions } from './model/host-endpoint.js';
export { PolicyKey, PolicyListOptions } from './model/policy.js';
export {
  ProfileKey,
  ProfileRulesKey,
  ProfileTagsKey,
  ProfileLabelsKey,
  ProfileListOptions,
} from './model/profile.js';
export type { ProfilePartKey } from './model/profile.js';
export {
  HostMetadataKey,
  HostIPKey,
  NodeKey,
  HostConfigKey,
  HostMetadataListOptions,
  HostConfigListOptions,
} from './model/host.js';
export { GlobalConfigKey, GlobalConfigListOptions, ReadyFlagKey } from './model/config.js';
export { IPPoolKey, IPPoolListOptions } from './model/ip-pool.js';
export {
  BGPPeerKey,
  BGPPeerListOptions,
  GlobalBGPConfigKey,
  GlobalBGPConfigListOptions,
  HostBGPConfigKey,
  HostBGPConfigListOptions,
} from './model/bgp.js';
export type { BGPPeerScope } from './model/bgp.js';
export {
  BlockKey,
  BlockListOptions,
  BlockAffinityKey,
  BlockAffinityListOptions,
  IPAMHandleKey,
  IPAMHandleListOptions,
  IPAMConfigKey,
  IPAMHostKey,
} from './model/ipam.js';
export {
  HostEndpointStatusKey,
  HostEndpointStatusListOptions,
  WorkloadEndpointStatusKey,
  WorkloadEndpointStatusListOptions,
  ActiveStatusReportKey,
  ActiveStatusReportListOptions,
  LastStatusReportKey,
  LastStatusReportListOptions,
} from './model/felix-status.js';
export type { IPVersion } from './model/cidr.js';

// Values
export { decodeRawValue, encodeRawValue, isRawValueKind } from './model/values.js';
export type { RawValueKind } from './model/values.js';
export { checkValue } from './model/value-check.js';
export type { CheckValueOptions } from './model/value-check.js';
export { parseStoredValue } from './model/value-read.js';
export type { StoredValue } from './model/value-read.js';
export { formatIssue, formatIssuePath } from './model/value-issues.js';
export type { ValueIssue } from './model/value-issues.js';
export type { ValueTypeName } from './model/value-schemas.js';
export { valueJsonSchemas, yamlSchemasSetting } from './model/json-schema.js';
export type { ValueJsonSchema } from './model/json-schema.js';
export { parseYaml } from './backends/file/yaml-codec.js';
export type { Decoded, DecodeFailure, ParseYamlOptions } from './backends/file/yaml-codec.js';
export type {
  Rule,
  Port,
  Policy,
  Profile,
  ProfileRules,
  EndpointPort,
  IPNAT,
  WorkloadEndpoint,
  HostEndpoint,
  HostMetadata,
  IPAMHost,
  IPPool,
  BGPPeer,
  IPAMHandle,
  IPAMConfig,
  AllocationBlock,
  AllocationAttribute,
  HostEndpointStatus,
  WorkloadEndpointStatus,
  StatusReport,
} from './model/value-types.js';

// Key/value pairs, updates and the syncer's status
export { SyncStatus, UpdateType, isPairFor, syncStatusToString } from './model/kv.js';
export type {
  KVPair,
  KVPairFor,
  KVPairWithValue,
  KeyInfo,
  ListKeysOptions,
  Update,
} from './model/kv.js';
export type { Client, Syncer, SyncerCallbacks, SyncerOptions } from './model/api.js';

// Errors
export {
  KvdirError,
  ResourceDoesNotExistError,
  ResourceAlreadyExistsError,
  ResourceUpdateConflictError,
  InsufficientIdentifiersError,
  OperationNotSupportedError,
  ValidationError,
  ParsingDatastoreEntryError,
  DatastoreError,
} from './model/errors.js';
export type { ErrorCode, ErroredField, ParseLocation } from './model/errors.js';

// Backend
export { FileBackend } from './backends/file/file-backend.js';
export type {
  FileBackendOptions,
  FileText,
  FileWriteOptions,
} from './backends/file/file-backend.js';
export type { FileSyncerOptions, Watcher } from './backends/file/sync/settings.js';
export type { CheckOptions, CheckProblem } from './backends/file/check.js';
export type { FsLike } from './backends/file/fs-like.js';
export type { LockOptions } from './backends/file/locks.js';
export type { Clock } from './core/clock.js';
