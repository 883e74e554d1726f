import { buildDeepTree } from './lib/deep-tree.mjs';
const kvdir = await import('../dist/src/index.js');
await buildDeepTree(kvdir, process.argv[2], 0, Number(process.argv[3]));
