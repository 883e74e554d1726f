import { crawlDirsReadParseSync } from './baselines.mjs';
const t0 = performance.now();
const c0 = process.cpuUsage();
const n = crawlDirsReadParseSync(process.argv[2]);
const c = process.cpuUsage(c0);
console.log(
  'B',
  Math.round(performance.now() - t0),
  'ms cpu',
  Math.round((c.user + c.system) / 1000),
  n,
);
