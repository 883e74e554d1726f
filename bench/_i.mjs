import { readFileSync } from 'node:fs';
import { loadIndex, rootIdOf } from '../dist/src/backends/file/sync/index-file.js';
import { nodeFsLike } from '../dist/src/backends/file/fs-like.js';
import { statSync } from 'node:fs';
const root = process.argv[2];
for (let r = 0; r < 3; r++) {
  let t = performance.now();
  const text = readFileSync(root + '/.kvdir-index', 'utf8');
  const a = performance.now() - t;
  t = performance.now();
  const data = JSON.parse(text);
  const b = performance.now() - t;
  t = performance.now();
  const idx = loadIndex(nodeFsLike, { root, rootId: rootIdOf(statSync(root)), codec: data.codec });
  const c = performance.now() - t;
  console.log(
    'read',
    a.toFixed(0),
    'parse',
    b.toFixed(0),
    'loadIndex total',
    c.toFixed(0),
    idx?.keys.size,
    idx?.listing(root)?.stamp,
  );
}
