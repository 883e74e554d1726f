/** Values and keys the contract suites write, and small assertions they share. */
import assert from 'node:assert/strict';
import { KvdirError, WorkloadEndpointKey } from '../index.js';
import type { ErrorCode } from '../index.js';
import type { Supports } from './types.js';

export const policy = (order: number) => ({
  order,
  selector: "role == 'web'",
  inbound_rules: [{ action: 'allow' }],
  outbound_rules: [],
});

export const wep = (hostname: string, workloadID: string, endpointID: string) =>
  new WorkloadEndpointKey({ hostname, orchestratorID: 'k8s', workloadID, endpointID });

export const wepValue = (name: string) => ({
  state: 'active',
  name,
  mac: 'ee:ee:ee:ee:ee:ee',
  profile_ids: ['p'],
  ipv4_nets: ['10.0.0.1/32'],
  ipv6_nets: [],
});

/** A structured value as a foreign writer would store it, in the backend's format. */
export function stored(format: Supports['format'], value: Record<string, unknown>): string {
  if (format === 'json') return JSON.stringify(value);
  return `${Object.entries(value)
    .map(([name, field]) => `${name}: ${JSON.stringify(field)}`)
    .join('\n')}\n`;
}

/** Text that does not parse as the backend's format, with the error on its second line. */
export function broken(format: Supports['format']): string {
  return format === 'json' ? '{"order": 1,\n "selector": [' : 'order: 1\nselector: a: b\n';
}

/** Awaits `promise`, which must reject with a kvdir error of `code` (and `message`, if given). */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: ErrorCode,
  message?: string | RegExp,
): Promise<KvdirError> {
  const error = await promise.then(
    () => assert.fail(`expected a rejection with ${code}`),
    (err: unknown) => err,
  );
  assert.ok(error instanceof KvdirError, `expected a KvdirError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  if (typeof message === 'string') assert.equal(error.message, message);
  else if (message !== undefined) assert.match(error.message, message);
  return error;
}

/** Polls `predicate` until it holds, or fails after `timeoutMs` with `what`. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}
