/**
 * The lines `kvdir mirror` prints: one per event of the mirror (kvdir/mirror's MirrorEvent),
 * the first word saying what happened (`created`, `would delete`, `skipped`, `refused`,
 * `healed`, `drift`, `in sync`, ...), then the path. Warnings go to stderr instead.
 */
import type { MirrorEvent, WriteEvent } from '../mirror/index.js';

const WOULD: Readonly<Record<WriteEvent['type'], string>> = {
  created: 'would create',
  updated: 'would update',
  deleted: 'would delete',
};

/** The human line of an event, or undefined for a warning (told on stderr). */
export function mirrorLine(event: MirrorEvent, prefix: string): string | undefined {
  switch (event.type) {
    case 'created':
    case 'updated':
    case 'deleted':
      return writeLine(event);
    case 'skipped':
      return `skipped ${event.path}: ${event.reason}; ${event.kept ? 'etcd keeps its value' : 'etcd has no value for it'}`;
    case 'refused':
      return `refused: ${event.message}; nothing written (--force applies it)`;
    case 'drift':
      return `drift ${event.path}: a foreign write at revision ${event.revision}, ${event.reason}`;
    case 'conflict':
      return `conflict: ${event.paths.join(', ') || 'keys'} changed in etcd meanwhile; read again and planned anew`;
    case 'pass':
      return passLine(event);
    case 'waiting':
      return `waiting: another mirror holds ${prefix}${event.holder === undefined ? '' : ` (${event.holder})`}`;
    case 'leading':
      return `leading: this mirror holds ${prefix} now`;
    case 'paused':
      return `paused: ${event.reason}`;
    case 'warning':
      return undefined;
  }
}

function writeLine(event: WriteEvent): string {
  if (event.dryRun) return `${WOULD[event.type]} ${event.path}`;
  if (!event.healed) return `${event.type} ${event.path}`;
  const how =
    event.type === 'deleted'
      ? 'a foreign key with no file, deleted'
      : "a foreign write, set back to the file's value";
  return `healed ${event.path} (${how})`;
}

function passLine(event: Extract<MirrorEvent, { type: 'pass' }>): string {
  const counts = `${event.created} created, ${event.updated} updated, ${event.deleted} deleted, ${event.unchanged} unchanged`;
  if (event.dryRun) {
    const plan = `${event.created} to create, ${event.updated} to update, ${event.deleted} to delete, ${event.unchanged} unchanged`;
    const skipped = event.skipped === 0 ? '' : `, ${event.skipped} skipped`;
    return `plan: ${plan}${skipped}${event.refused ? ', refused' : ''} (dry run: nothing written)`;
  }
  const keys = `${event.keys} key${event.keys === 1 ? '' : 's'}`;
  if (event.inSync) return `in sync at revision ${event.revision}: ${keys} (${counts})`;
  const why = [
    event.skipped === 0 ? '' : `${event.skipped} skipped`,
    event.refused ? 'refused' : '',
  ].filter((part) => part !== '');
  return `not in sync at revision ${event.revision}: ${why.join(', ') || 'writes pending'} (${counts})`;
}
