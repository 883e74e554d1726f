/**
 * `kvdir/etcd`: the same Client over etcd v3. A subpath of its own, so that only programs that
 * use etcd load the `etcd3` client (an optional peer dependency: `npm install etcd3`).
 */
export { EtcdBackend } from './etcd-backend.js';
export type { EtcdBackendOptions } from './options.js';
export type { EtcdMirrorTarget } from './mirror-target.js';
export type {
  CommitResult,
  LeadOptions,
  Leadership,
  MirrorChange,
  MirrorEntry,
  MirrorWatch,
  MirrorWatchHandlers,
  MirrorWrite,
  PrefixRead,
} from './mirror-types.js';
