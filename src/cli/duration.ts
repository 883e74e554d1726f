/**
 * Durations on the command line: `--ttl 30s` in, the TTL left of `list -o wide` out. A bare
 * number is seconds, as etcdctl's `--lease` TTLs are; kvdir's own TTLs are milliseconds.
 */
import { UsageError } from './errors.js';
import type { CommandName } from './spec.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `30s`, `1.5m`, `2h` or `30` (seconds) as milliseconds; a UsageError otherwise. */
export function parseDuration(text: string, option: string, command: CommandName): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = match === null ? NaN : Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? NaN);
  if (!(ms >= 1) || !Number.isFinite(ms)) {
    throw new UsageError(
      `--${option}: '${text}' is not a duration of 1ms or more (e.g. 500ms, 30s, 5m, 2h; a bare number is seconds)`,
      command,
    );
  }
  return Math.round(ms);
}

/** Milliseconds as `1h2m3s`, `4m5s`, `6s`, `0.25s`: a TTL left, read at a glance. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${Number((ms / 1000).toFixed(ms < 1000 ? 2 : 1))}s`;
  let seconds = Math.floor(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours}h`);
  if (minutes > 0) parts.push(`${minutes}m`);
  if (seconds > 0 || parts.length === 0) parts.push(`${seconds}s`);
  return parts.join('');
}
