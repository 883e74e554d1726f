/**
 * BGP keys under `/calico/bgp/v1`: peers (global or per node, filed by IP version) and the
 * global and per-host BGP config values. Nothing here is escaped.
 */
import { formatIP, parseIP, type ParsedIP } from './cidr.js';
import { ValidationError } from './errors.js';
import {
  accepts,
  ipField,
  leadingRoot,
  matchPath,
  required,
  requiredValue,
  segmentField,
  stringField,
} from './fields.js';
import type { ListInterface, ValueKind } from './key.js';
import { LeafKey } from './key.js';
import type { ValueTypeName } from './value-schemas.js';
import type { BGPPeer } from './value-types.js';

const ROOT = '/calico/bgp/v1';
const GLOBAL_PEER = /^\/?calico\/bgp\/v1\/global\/peer_v(4|6)\/([^/]+)$/;
const HOST_PEER = /^\/?calico\/bgp\/v1\/host\/([^/]+)\/peer_v(4|6)\/([^/]+)$/;

/** `global` peers apply to every node; `node` peers to one host. `''` means not set. */
export type BGPPeerScope = 'global' | 'node' | '';

export interface BGPPeerKeyFields {
  scope?: 'global' | 'node';
  /** Only for scope `node`. */
  hostname?: string;
  peerIP?: string;
}

interface PeerIds {
  scope: BGPPeerScope;
  hostname: string;
  ip: ParsedIP | undefined;
}

function readPeerIds(fields: object | undefined): PeerIds {
  const scope = stringField(fields, 'scope');
  if (scope !== '' && scope !== 'global' && scope !== 'node') {
    const reason = "must be 'global' or 'node'";
    throw new ValidationError([{ name: 'scope', value: scope, reason }]);
  }
  const hostname = segmentField(fields, 'hostname');
  if (scope === 'global' && hostname !== '') {
    const reason = 'must be empty when scope is global';
    throw new ValidationError([{ name: 'hostname', value: hostname, reason }]);
  }
  return { scope, hostname, ip: ipField(fields, 'peerIP') };
}

function peerSegment(ip: ParsedIP): string {
  return `/peer_v${ip.version}/${formatIP(ip)}`;
}

export class BGPPeerKey extends LeafKey<BGPPeer> {
  readonly scope: BGPPeerScope;
  readonly hostname: string;
  /** The peer's IP in canonical form, or `''` when not set. */
  readonly peerIP: string;
  readonly #ip: ParsedIP | undefined;

  constructor(fields: BGPPeerKeyFields) {
    super();
    const ids = readPeerIds(fields);
    this.scope = ids.scope;
    this.hostname = ids.hostname;
    this.#ip = ids.ip;
    this.peerIP = ids.ip === undefined ? '' : formatIP(ids.ip);
  }

  defaultPath(): string {
    const scope = required(this.scope, 'scope');
    const host = scope === 'node' ? `host/${required(this.hostname, 'node')}` : 'global';
    return `${ROOT}/${host}${peerSegment(requiredValue(this.#ip, 'ip'))}`;
  }

  valueType(): ValueTypeName {
    return 'BGPPeer';
  }

  toString(): string {
    if (this.scope === 'global') return `BGPPeer(global, ip=${this.peerIP})`;
    return `BGPPeer(node=${this.hostname}, ip=${this.peerIP})`;
  }
}

export type BGPPeerListOptionsFields = BGPPeerKeyFields;

export class BGPPeerListOptions implements ListInterface<BGPPeer> {
  readonly scope: BGPPeerScope;
  readonly hostname: string;
  readonly peerIP: string;
  readonly #ip: ParsedIP | undefined;

  constructor(fields: BGPPeerListOptionsFields = {}) {
    const ids = readPeerIds(fields);
    this.scope = ids.scope;
    this.hostname = ids.hostname;
    this.#ip = ids.ip;
    this.peerIP = ids.ip === undefined ? '' : formatIP(ids.ip);
  }

  defaultPathRoot(): string {
    const peer = this.#ip === undefined ? '' : peerSegment(this.#ip);
    if (this.scope === 'global') return `${ROOT}/global${peer}`;
    if (this.scope === '' && this.hostname === '') return ROOT;
    return leadingRoot(`${ROOT}/host`, [
      [this.hostname, `/${this.hostname}`],
      [this.peerIP, peer],
    ]);
  }

  keyFromDefaultPath(path: string): BGPPeerKey | null {
    const peer = parsePeerPath(path);
    if (peer === null) return null;
    const matches =
      accepts(this.scope, peer.scope) &&
      accepts(this.hostname, peer.hostname) &&
      accepts(this.peerIP, peer.peerIP);
    return matches ? new BGPPeerKey(peer) : null;
  }
}

interface ParsedPeer {
  scope: 'global' | 'node';
  hostname: string;
  peerIP: string;
}

/** A peer path, if its IP parses and is filed under its own version. */
function parsePeerPath(path: string): ParsedPeer | null {
  const global = matchPath(GLOBAL_PEER, path);
  if (global !== null) return peerFrom('global', '', global[0], global[1]);
  const host = matchPath(HOST_PEER, path);
  if (host !== null) return peerFrom('node', host[0] ?? '', host[1], host[2]);
  return null;
}

function peerFrom(
  scope: 'global' | 'node',
  hostname: string,
  version: string | undefined,
  ipText: string | undefined,
): ParsedPeer | null {
  const ip = parseIP(ipText ?? '');
  if (ip === null || String(ip.version) !== version) return null;
  return { scope, hostname, peerIP: formatIP(ip) };
}

export interface GlobalBGPConfigKeyFields {
  name?: string;
}

/** A global BGP config value (a raw string), `/calico/bgp/v1/global/{name}`. */
export class GlobalBGPConfigKey extends LeafKey<string> {
  readonly name: string;

  constructor(fields: GlobalBGPConfigKeyFields) {
    super();
    this.name = segmentField(fields, 'name');
  }

  defaultPath(): string {
    return `${ROOT}/global/${required(this.name, 'name')}`;
  }

  override valueKind(): ValueKind {
    return 'raw-string';
  }

  toString(): string {
    return `GlobalBGPConfig(name=${this.name})`;
  }
}

export type GlobalBGPConfigListOptionsFields = GlobalBGPConfigKeyFields;

export class GlobalBGPConfigListOptions implements ListInterface<string> {
  readonly name: string;

  constructor(fields: GlobalBGPConfigListOptionsFields = {}) {
    this.name = segmentField(fields, 'name');
  }

  defaultPathRoot(): string {
    return leadingRoot(`${ROOT}/global`, [[this.name, `/${this.name}`]]);
  }

  keyFromDefaultPath(path: string): GlobalBGPConfigKey | null {
    const groups = matchPath(/^\/?calico\/bgp\/v1\/global\/([^/]+)$/, path);
    if (groups === null) return null;
    const name = groups[0] ?? '';
    return accepts(this.name, name) ? new GlobalBGPConfigKey({ name }) : null;
  }
}

export interface HostBGPConfigKeyFields {
  hostname?: string;
  name?: string;
}

/** A per-host BGP config value (a raw string), `/calico/bgp/v1/host/{H}/{name}`. */
export class HostBGPConfigKey extends LeafKey<string> {
  readonly hostname: string;
  readonly name: string;

  constructor(fields: HostBGPConfigKeyFields) {
    super();
    this.hostname = segmentField(fields, 'hostname');
    this.name = segmentField(fields, 'name');
  }

  defaultPath(): string {
    const host = required(this.hostname, 'node');
    return `${ROOT}/host/${host}/${required(this.name, 'name')}`;
  }

  override valueKind(): ValueKind {
    return 'raw-string';
  }

  toString(): string {
    return `HostBGPConfig(node=${this.hostname}; name=${this.name})`;
  }
}

export type HostBGPConfigListOptionsFields = HostBGPConfigKeyFields;

export class HostBGPConfigListOptions implements ListInterface<string> {
  readonly hostname: string;
  readonly name: string;

  constructor(fields: HostBGPConfigListOptionsFields = {}) {
    this.hostname = segmentField(fields, 'hostname');
    this.name = segmentField(fields, 'name');
  }

  defaultPathRoot(): string {
    return leadingRoot(`${ROOT}/host`, [
      [this.hostname, `/${this.hostname}`],
      [this.name, `/${this.name}`],
    ]);
  }

  keyFromDefaultPath(path: string): HostBGPConfigKey | null {
    const groups = matchPath(/^\/?calico\/bgp\/v1\/host\/([^/]+)\/([^/]+)$/, path);
    if (groups === null) return null;
    const [hostname = '', name = ''] = groups;
    if (!accepts(this.hostname, hostname) || !accepts(this.name, name)) return null;
    return new HostBGPConfigKey({ hostname, name });
  }
}
