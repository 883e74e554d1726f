/**
 * Child process: a syncer's baseline over a directory. `crawl + read + parse` of every value
 * file below it (crawlReadParse), or with `deep`, B of the deep layout (crawlDirsReadParseSync).
 * Input: one JSON argument { dir, deep? }; output: one IPC message with the time, CPU time, the
 * count parsed and the peak RSS.
 */
import { crawlDirsReadParseSync, crawlReadParse } from '../baselines.mjs';
import { round } from '../lib/measure.mjs';

const { dir, deep } = JSON.parse(process.argv[2]);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const parsed = deep === true ? crawlDirsReadParseSync(dir) : await crawlReadParse(dir);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const peakRssMB = (process.resourceUsage().maxRSS * 1024) / 2 ** 20;
process.send(
  {
    ms: round(ms, 1),
    cpuMs: round((cpu.user + cpu.system) / 1000, 0),
    parsed,
    peakRssMB: round(peakRssMB, 1),
  },
  () => process.exit(0),
);
