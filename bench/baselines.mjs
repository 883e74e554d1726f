/**
 * The raw file-system limits kvdir is measured against: what the same work costs with nothing
 * but Node's fs and the yaml package. The goals are set against the async (promise) API, the
 * usual way to do I/O in Node; the sync variants are the lower floor of a single thread.
 */
import {
  closeSync,
  fsyncSync,
  openSync,
  promises as fsp,
  readFileSync,
  readdirSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';

let tempCounter = 0;

/** Atomic replacement without kvdir: temp file in the same directory, optional fsync, rename. */
export async function tempRename(file, bytes, fsync) {
  const temp = join(dirname(file), `.tmp-${basename(file)}-${process.pid}-${tempCounter++}`);
  const handle = await fsp.open(temp, 'wx', 0o666);
  try {
    await handle.writeFile(bytes);
    if (fsync) await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(temp, file);
}

/** One read: the whole file, then YAML parse. */
export async function readParse(file) {
  return parse(await fsp.readFile(file, 'utf8'));
}

/** Every value file (`*.yaml`, no dotfiles) below `dir`, as paths. */
export async function crawl(dir) {
  const names = await fsp.readdir(dir, { recursive: true });
  return names
    .filter((name) => name.endsWith('.yaml') && !basename(name).startsWith('.'))
    .map((name) => join(dir, name));
}

/** Crawl, read and parse every value file below `dir` (64 reads in flight); returns the count. */
export async function crawlReadParse(dir, width = 64) {
  const files = await crawl(dir);
  let next = 0;
  let parsed = 0;
  const worker = async () => {
    while (next < files.length) {
      const value = await readParse(files[next++]);
      if (value !== undefined) parsed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, files.length) }, worker));
  return parsed;
}

/** `tempRename` with the sync API. */
export function tempRenameSync(file, bytes, fsync) {
  const temp = join(dirname(file), `.tmp-${basename(file)}-${process.pid}-${tempCounter++}`);
  const fd = openSync(temp, 'wx', 0o666);
  try {
    for (let offset = 0; offset < bytes.length;)
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    if (fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

/** `readParse` with the sync API. */
export function readParseSync(file) {
  return parse(readFileSync(file, 'utf8'));
}

/** `crawlReadParse` with the sync API. */
export function crawlReadParseSync(dir) {
  const names = readdirSync(dir, { recursive: true });
  let parsed = 0;
  for (const name of names) {
    if (!name.endsWith('.yaml') || basename(name).startsWith('.')) continue;
    if (readParseSync(join(dir, name)) !== undefined) parsed++;
  }
  return parsed;
}

/**
 * B, the baseline of the deep layout (issue 19): one `readdirSync(dir, { withFileTypes: true })`
 * per directory, then `readFileSync` + `YAML.parse` of each value file (`*.yaml`, no dotfiles),
 * single thread. The same work as `crawlReadParseSync` with less of it (no relative-path
 * strings, no type guessing) and steadier. Returns the count of values parsed.
 */
export function crawlDirsReadParseSync(dir) {
  let parsed = 0;
  const pending = [dir];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const entry of readdirSync(next, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(next, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile() && entry.name.endsWith('.yaml') && readParseSync(path) !== undefined)
        parsed++;
    }
  }
  return parsed;
}
