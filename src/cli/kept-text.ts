/**
 * Which input text a write keeps (issue 16): YAML given to `put`, `create -f` or `apply -f` with
 * comments in it is stored as the user wrote it, since that is what they want to see in the
 * file; input without comments is encoded (or edited onto the existing file) as kvdir does.
 */
import { Lexer } from 'yaml';
import type { Client, KVPair } from '../index.js';
import { FileBackend } from '../index.js';

export type WriteOp = 'create' | 'update' | 'apply';

/** Whether YAML text has a comment: a `#` token of the lexer, not one inside a scalar. */
export function hasComments(text: string): boolean {
  if (!text.includes('#')) return false;
  for (const token of new Lexer().lex(text)) if (token.startsWith('#')) return true;
  return false;
}

/**
 * `client[op](kv)`, with `text` (the user's own YAML for `kv.value`) for a backend that stores
 * text as it is given; a backend that stores JSON (etcd) gets the value alone.
 */
export function writeWithText(
  client: Client,
  op: WriteOp,
  kv: KVPair,
  text: string | undefined,
): Promise<KVPair> {
  if (text !== undefined && client instanceof FileBackend) return client[op](kv, { text });
  return client[op](kv);
}
