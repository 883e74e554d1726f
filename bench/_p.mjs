import { decodeValue, decodeText } from '../dist/src/backends/file/yaml-codec.js';
import { parseFastYaml } from '../dist/src/backends/file/yaml-fast.js';
import { parseStoredAs } from '../dist/src/model/value-read.js';
import { fingerprint } from '../dist/src/backends/file/revision.js';
import { wepBytes } from './lib/deep-tree.mjs';
const bufs = Array.from({ length: 10000 }, (_, i) => wepBytes(i));
const texts = bufs.map((b) => b.toString());
const vals = texts.map((t) => parseFastYaml(t));
const time = (name, fn) => {
  const t = performance.now();
  for (let i = 0; i < 10000; i++) fn(i);
  console.log(name.padEnd(14), ((performance.now() - t) / 10).toFixed(2), 'us');
};
for (let r = 0; r < 3; r++) {
  time('decodeText', (i) => decodeText(bufs[i]));
  time('parseFast', (i) => parseFastYaml(texts[i]));
  time('storedAs', (i) => parseStoredAs('WorkloadEndpoint', vals[i]));
  time('decodeValue', (i) => decodeValue('structured', texts[i], 'WorkloadEndpoint'));
  time('fingerprint', (i) => fingerprint(bufs[i]));
  time('JSON.parse', (i) => JSON.parse(JSON.stringify(vals[i])));
}
