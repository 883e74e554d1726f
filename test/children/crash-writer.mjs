// Writes, rewrites and deletes keys as fast as it can, with fsync on, until it is killed.
// Every value carries its own length so a torn write would show. argv: <root> <seed>
import { FileBackend, PathKey, ResourceDoesNotExistError } from '../../dist/src/index.js';

const [root, seedText] = process.argv.slice(2);
let seed = Number(seedText) >>> 0;
const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const client = new FileBackend({ root, lock: { stale: 2000 } });
const keys = [
  '/crash/a',
  '/crash/b',
  '/crash/c',
  '/crash/dir/d',
  '/crash/dir/e',
  '/crash/dir/deep/f',
];
let ready = false;
for (let n = 0; ; n++) {
  const key = new PathKey(keys[Math.floor(random() * keys.length)]);
  const pad = 'x'.repeat(Math.floor(random() * 4000));
  try {
    if (random() < 0.15) await client.delete({ key });
    else await client.apply({ key, value: { n, len: pad.length, pad } });
  } catch (err) {
    if (!(err instanceof ResourceDoesNotExistError)) throw err;
  }
  if (!ready) {
    ready = true;
    process.stdout.write('ready\n');
  }
}
