/**
 * Formatting: values and records as YAML or JSON, and the one-line events of `watch`. A
 * record is how a key/value pair is shown to machines: `{ path, key, revision, ttl?, value }`.
 */
import { stringify } from 'yaml';
import type { KVPair, Update } from '../index.js';
import { UpdateType } from '../index.js';

export type Format = 'yaml' | 'json';

export interface PairRecord {
  /** The key path, e.g. `/calico/v1/policy/tier/default/policy/p1`: what commands take. */
  path: string;
  /** Calico's name of the key, e.g. `Policy(name=p1)`. */
  key: string;
  revision?: string;
  ttl?: number;
  value?: unknown;
}

export function toRecord(pair: KVPair, withValue = true): PairRecord {
  const record: PairRecord = { path: pair.key.defaultPath(), key: pair.key.toString() };
  if (pair.revision !== undefined) record.revision = pair.revision;
  if (pair.ttl !== undefined) record.ttl = pair.ttl;
  if (withValue && pair.value !== undefined) record.value = pair.value;
  return record;
}

/**
 * A value as `-o raw` prints it: a string as its text, with no quotes (what a shell variable
 * wants); anything else as YAML writes it (`1440`, `true`, `null`, a mapping), as etcdctl
 * prints the stored bytes.
 */
export function rawText(value: unknown): string {
  if (typeof value === 'string') return value.endsWith('\n') ? value : `${value}\n`;
  return formatDocument(value, 'yaml');
}

/** Rows as columns two spaces apart, each padded to its widest cell (the last one not). */
export function formatTable(rows: ReadonlyArray<readonly string[]>): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const line = (row: readonly string[]): string =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return rows.map((row) => `${line(row)}\n`).join('');
}

/** A document (a value, a record, a list of records) as YAML or indented JSON, ending in a newline. */
export function formatDocument(data: unknown, format: Format): string {
  if (format === 'json') return `${JSON.stringify(data, null, 2)}\n`;
  return stringify(data, { aliasDuplicateObjects: false, lineWidth: 0 });
}

const UPDATE_NAMES: Readonly<Record<number, string>> = {
  [UpdateType.KVUnknown]: 'unknown',
  [UpdateType.KVNew]: 'new',
  [UpdateType.KVUpdated]: 'updated',
  [UpdateType.KVDeleted]: 'deleted',
};

/** One event of `watch`: `type` is the first word of its human line. */
export interface WatchEvent {
  type: string;
  [field: string]: unknown;
}

export function statusEvent(status: string): WatchEvent {
  return { type: 'status', status };
}

export function updateEvent(update: Update): WatchEvent {
  return {
    type: UPDATE_NAMES[update.updateType] ?? `unknown<${String(update.updateType)}>`,
    ...toRecord(update),
  };
}

export function parseFailedEvent(rawKey: string): WatchEvent {
  return { type: 'parse-failed', path: rawKey };
}

/** An event as one line (human or JSON), or as one YAML document. */
export function formatEvent(event: WatchEvent, format: Format | undefined): string {
  if (format === 'json') return `${JSON.stringify(event)}\n`;
  if (format === 'yaml') return `---\n${formatDocument(event, 'yaml')}`;
  const words = [event.type];
  if (typeof event.status === 'string') words.push(event.status);
  if (typeof event.path === 'string') words.push(event.path);
  if (event.value !== undefined) words.push(JSON.stringify(event.value));
  return `${words.join(' ')}\n`;
}

/** A YAML parser message without its trailing ` at line L, column C:` and source excerpt (the caller prints the position). */
export function withoutPosition(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
}
