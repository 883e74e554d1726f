/** Whether a syncer consumer's picture agrees with the datastore: what the suites wait for. */
import { PathListOptions } from '../index.js';
import type { Client } from '../index.js';
import type { Recorder } from './recorder.js';

/** What `list()` holds, as key path -> revision. */
export async function listedRevisions(client: Client, prefix = '/'): Promise<Map<string, string>> {
  const pairs = await client.list(new PathListOptions({ prefix }));
  return new Map(pairs.map((kv) => [kv.key.defaultPath(), kv.revision ?? '']));
}

/**
 * The differences between the recorder's picture and the datastore under `prefix`: a key held
 * with a value must be listed with the same revision; a key held without one (its value did
 * not parse) must be one that `get` cannot parse; and nothing listed may be missing.
 */
async function pictureDiffs(rec: Recorder, client: Client, prefix: string): Promise<string[]> {
  const listed = await listedRevisions(client, prefix);
  const diffs: string[] = [];
  for (const [path, held] of rec.picture) {
    if (held.value === undefined) {
      const read = await client.get(held.update.key).then(
        () => 'readable',
        (err: unknown) => (err as { code?: string }).code,
      );
      if (read !== 'ERR_PARSING_DATASTORE_ENTRY') diffs.push(`${path} held unparsed, get: ${read}`);
    } else if (listed.get(path) !== held.revision) {
      diffs.push(`${path} held at ${String(held.revision)}, listed ${String(listed.get(path))}`);
    }
  }
  for (const path of listed.keys()) if (!rec.picture.has(path)) diffs.push(`${path} not held`);
  return diffs;
}

/** Waits until the recorder's picture agrees with the datastore under `prefix`. */
export async function converged(rec: Recorder, client: Client, prefix = '/'): Promise<void> {
  let diffs: string[] = [];
  try {
    await rec.waitFor(async () => {
      diffs = await pictureDiffs(rec, client, prefix);
      return diffs.length === 0;
    }, 'the picture to agree with the datastore');
  } catch (err) {
    throw new Error(`${(err as Error).message}; differences: ${diffs.join('; ')}`);
  }
}
