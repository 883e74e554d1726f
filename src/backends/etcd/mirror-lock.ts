/**
 * One mirror per prefix: an etcd election (etcd3's `Election`, the port of Go's
 * `concurrency.Election`; the bug that could elect two leaders was fixed in 1.1.2,
 * microsoft/etcd3#176). Each candidate puts a key on a lease of its own under
 * `election/<name>/`; the oldest key leads, the others wait for the key before theirs to go.
 * So a second mirror waits rather than fights, and takes over when the first stops, or, when
 * it was killed, once its lease expires (`ttlSeconds`).
 *
 * This is the one place where a lease is kept alive: it must last exactly as long as the
 * process that writes. `resign()` revokes it (the next candidate is elected at once); a lease
 * lost (etcd unreachable for longer than the TTL) resolves `lost`, and the mirror stops
 * writing before anything else. The election's keys (`election/...`) never start with `/`, so
 * they are outside every mirrored prefix.
 */
import { randomBytes } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import type { Fence, LeadOptions, Leadership } from './mirror-types.js';

/** How long a candidate waits before it looks up, once, who holds the prefix. */
const WAITING_REPORT_MS = 250;

/** Campaigns for `name` until elected; rejects when the campaign fails or `signal` aborts. */
export async function lead(client: Etcd3, name: string, options: LeadOptions): Promise<Leadership> {
  const id = randomBytes(6).toString('hex');
  const election = client.election(name, options.ttlSeconds);
  const campaign = election.campaign(JSON.stringify({ holder: options.holder, id }));
  let elected = false;
  let tellLost: (error: Error) => void = () => undefined;
  const lost = new Promise<Error>((resolve) => (tellLost = resolve));
  const resign = once(() => campaign.resign().catch(() => undefined));
  const won = new Promise<void>((resolve, reject) => {
    campaign.on('elected', () => {
      elected = true;
      resolve();
    });
    // Always a listener: an unheard 'error' would crash the process.
    campaign.on('error', (error: Error) => (elected ? tellLost(error) : reject(error)));
    options.signal.addEventListener('abort', () => reject(abortError()), { once: true });
  });
  const report = setTimeout(() => {
    void holderOf(election, id).then((holder) => {
      if (!elected && holder !== id) options.onWaiting(holder);
    });
  }, WAITING_REPORT_MS);
  try {
    await won;
    return { lost, resign, fence: await fenceOf(client, await campaign.getCampaignKey()) };
  } catch (err) {
    await resign();
    throw err;
  } finally {
    clearTimeout(report);
  }
}

/** The election key and its create_revision, which every txn of the mirror checks. */
async function fenceOf(client: Etcd3, key: string): Promise<Fence> {
  const found = await client.kv.range({ key: Buffer.from(key) });
  const kv = found.kvs[0];
  if (kv === undefined) throw new Error(`the election key ${key} is gone (its lease expired)`);
  return { key: kv.key, createRevision: kv.create_revision };
}

/** The holder of the election as its candidate told it, or `id` when it is this candidate. */
async function holderOf(
  election: ReturnType<Etcd3['election']>,
  id: string,
): Promise<string | undefined> {
  try {
    const value = await election.leader();
    if (value === undefined) return undefined;
    const parsed = JSON.parse(value) as { holder?: unknown; id?: unknown };
    if (parsed.id === id) return id;
    return typeof parsed.holder === 'string' ? parsed.holder : value;
  } catch {
    return undefined;
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

function abortError(): Error {
  return new Error('stopped while waiting for the prefix');
}
