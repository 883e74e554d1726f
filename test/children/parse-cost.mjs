// A worker thread: times `get` of a small map file (best of 3, after a warm-up), posts it, then
// times one `get` of a 4 MiB map file and posts that. The parent terminates the worker if the
// big read takes far longer than linear growth allows (P27).
// workerData: { root, smallKeys, bigKeys }
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { FileBackend, PathKey } from '../../dist/src/index.js';

const { root, smallKeys, bigKeys } = workerData;
const map = (keys) => {
  const lines = [];
  for (let i = 0; i < keys; i++) lines.push(`k${i}: 1`);
  return `${lines.join('\n')}\n`;
};
const client = new FileBackend({ root });
const time = async (path) => {
  const start = performance.now();
  await client.get(new PathKey(path));
  return performance.now() - start;
};
writeFileSync(join(root, 'small.yaml'), map(smallKeys));
const big = map(bigKeys);
writeFileSync(join(root, 'big.yaml'), big);
await time('/small');
const smallMs = Math.min(await time('/small'), await time('/small'), await time('/small'));
parentPort.postMessage({ smallMs });
parentPort.postMessage({ bigMs: await time('/big'), bigBytes: Buffer.byteLength(big) });
await client.close();
