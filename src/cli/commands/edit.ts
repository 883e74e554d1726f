/**
 * `kvdir edit <path>`, as `kubectl edit`: the key's value file as it is (comments and all) goes
 * into a temp file, the user's editor runs on it, and the saved text is written back as an
 * update with the revision that was read, a compare-and-swap. Unchanged text writes nothing.
 * Whenever the edited text is not written (it does not parse, does not fit the key, the key
 * changed meanwhile, the editor failed), the temp file is kept and named, so no edit is lost.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Client, FileText, KVPair, Key } from '../../index.js';
import { KvdirError } from '../../index.js';
import type { Context } from '../context.js';
import { keyArg } from '../context.js';
import { EditorError, runEditor } from '../editor.js';
import { CliError, UsageError, describeError, exitCodeFor } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { parseValue } from '../input.js';
import { writeWithText } from '../kept-text.js';
import { toRecord } from '../output.js';

export async function edit(ctx: Context): Promise<number> {
  if (ctx.etcd !== undefined) {
    throw new UsageError(
      'edit opens a value file as it is written (comments and all), and --endpoints names etcd, which holds JSON: use get, then update -f --revision',
      'edit',
    );
  }
  const key = keyArg(ctx.arg(0));
  const client = ctx.openDirectory();
  const before = await client.getText(key).catch((err: unknown) => {
    throw notFoundHint(err);
  });
  const file = await draft(key, before.text);
  try {
    await runEditor(file, ctx.io);
  } catch (err) {
    // An editor that ran may have saved edits: keep them; one that never started saved none.
    if (err instanceof EditorError && err.started) throw keptIn(err, file);
    await discard(file);
    throw err;
  }
  const text = await readFile(file, 'utf8');
  const interrupted = ctx.io.signal?.aborted === true;
  if (text === before.text) {
    await discard(file);
    if (interrupted) return ExitCode.Interrupted;
    ctx.print('edit cancelled, no changes');
    return ExitCode.Ok;
  }
  if (interrupted) {
    throw new CliError(`interrupted: nothing was written${keptNote(file)}`, ExitCode.Interrupted);
  }
  const written = await save(client, before, text, file);
  await discard(file);
  ctx.report(written.revision ?? '', toRecord(written, false));
  return ExitCode.Ok;
}

/** Writes the edited text back, a compare-and-swap with the revision that was read. */
async function save(client: Client, before: FileText, text: string, file: string): Promise<KVPair> {
  try {
    const value = parseValue(before.key, { text, source: file });
    const kv = { key: before.key, value, revision: before.revision };
    return await writeWithText(client, 'update', kv, text);
  } catch (err) {
    throw keptIn(err, file);
  }
}

/** The key's text in a new private temp directory, in a file named after the key. */
async function draft(key: Key, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kvdir-edit-'));
  const file = join(dir, `${basename(key.defaultPath())}.yaml`);
  await writeFile(file, text, { mode: 0o600 });
  return file;
}

function discard(file: string): Promise<void> {
  return rm(dirname(file), { recursive: true, force: true });
}

/** Why the edit was not written, with the code of that failure, and where the text is. */
function keptIn(err: unknown, file: string): CliError {
  const why = err instanceof KvdirError ? WHY[err.code] : undefined;
  const message = `${describeError(err)}${why === undefined ? '' : ` (${why})`}`;
  return new CliError(`${message}${keptNote(file)}`, exitCodeFor(err), err);
}

const WHY: Readonly<Record<string, string>> = {
  ERR_UPDATE_CONFLICT: 'the key was written since it was opened',
  ERR_RESOURCE_DOES_NOT_EXIST: 'the key was deleted since it was opened',
};

function keptNote(file: string): string {
  return `\nkvdir: the edited text is kept in ${file}`;
}

/** kubectl edit creates nothing either: say how to create the key. */
function notFoundHint(err: unknown): unknown {
  if (!(err instanceof KvdirError) || err.code !== 'ERR_RESOURCE_DOES_NOT_EXIST') return err;
  return new CliError(
    `${err.message} (edit opens a key that exists: create it with kvdir create or kvdir put)`,
    ExitCode.NotFound,
    err,
  );
}
