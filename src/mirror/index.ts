/**
 * `kvdir/mirror`: keeps an etcd prefix equal to a directory (a GitOps checkout), safely; the
 * library behind `kvdir mirror`. A subpath of its own, like `kvdir/etcd`: it needs the etcd3
 * client (an optional peer dependency), loaded only when an EtcdBackend is made.
 */
export { Mirror, mirror } from './mirror.js';
export type { MirrorOptions } from './options.js';
export type { MirrorEvent, MirrorOutcome, WriteEvent } from './events.js';
