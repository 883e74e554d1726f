/**
 * The syncer's central promise, tested as a property: after any mix of client writes, deletes
 * of subtrees and foreign writes (some of them values that do not parse), applying every
 * update in order gives exactly what `list()` returns, revisions included. Seeded, so a
 * failure names the seed that reproduces it.
 */
import assert from 'node:assert/strict';
import { PathKey, ResourceDoesNotExistError, ResourceUpdateConflictError } from '../index.js';
import type { Client } from '../index.js';
import type { Session } from './session.js';
import { inSession } from './session.js';
import { converged } from './convergence-check.js';
import type { ContractOptions, Supports } from './types.js';
import { broken, stored } from './values.js';

const PATHS = ['/c/a', '/c/a/b', '/c/a/b/c', '/c/d', '/c/d/e', '/c/f'];
const SEEDS = [1, 2, 3];
const STEPS = 40;

/** mulberry32: a tiny seeded generator, so that runs repeat exactly. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random step; conflicts and missing keys are expected outcomes of a random mix. */
async function step(
  session: Session,
  next: () => number,
  format: Supports['format'],
): Promise<string> {
  const { client, raw } = session;
  const path = PATHS[Math.floor(next() * PATHS.length)] as string;
  const key = new PathKey(path);
  const value = { n: Math.floor(next() * 1000) };
  const choice = next();
  try {
    if (choice < 0.25) await client.apply({ key, value });
    else if (choice < 0.4) await client.create({ key, value });
    else if (choice < 0.55) await updateCurrent(client, key, value);
    else if (choice < 0.7) await client.delete({ key });
    else if (choice < 0.85) await raw.put(path, stored(format, value));
    else if (choice < 0.92) await raw.put(path, broken(format));
    else await raw.remove(path);
  } catch (err) {
    if (!(err instanceof ResourceDoesNotExistError || err instanceof ResourceUpdateConflictError)) {
      if (!(err instanceof Error && 'code' in err && err.code === 'ERR_RESOURCE_ALREADY_EXISTS')) {
        throw err;
      }
    }
  }
  return `${choice.toFixed(2)} ${path}`;
}

async function updateCurrent(client: Client, key: PathKey, value: unknown): Promise<void> {
  const current = await client.get(key).catch(() => undefined);
  if (current !== undefined) await client.update({ key, value, revision: current.revision });
}

export function convergenceTests(contract: ContractOptions): void {
  const { it } = contract.test;
  for (const seed of SEEDS) {
    it(
      `converges on what list() returns after a random mix of writes (seed ${seed})`,
      inSession(contract, async (session) => {
        await session.client.ensureInitialized();
        const { rec } = session.syncer({
          keyFromPath: (path) => new PathKey(path),
          prefixes: ['/c'],
        });
        const next = random(seed);
        const steps: string[] = [];
        for (let i = 0; i < STEPS; i++) {
          steps.push(await step(session, next, contract.supports.format));
          // Now and then a pause, so that some changes fall into separate batches.
          if (next() < 0.2) await new Promise((resolve) => setTimeout(resolve, next() * 30));
        }
        await converged(rec, session.client, '/c');
        assert.deepEqual(rec.violations, [], `seed ${seed}: ${steps.join(', ')}`);
      }),
    );
  }
}
