#!/usr/bin/env node
// The kvdir command line: src/cli/main.ts does the work; this wires the process to it.
import { main } from '../dist/src/cli/main.js';

// The first SIGINT/SIGTERM stops `watch` cleanly (any other command exits 130); a second one exits at once.
const interrupt = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => (interrupt.signal.aborted ? process.exit(130) : interrupt.abort()));
}
process.stdout.on('error', (err) => process.exit(err.code === 'EPIPE' ? 0 : 1)); // e.g. `kvdir list | head`

const { stdin, stdout, stderr, env } = process;
const code = await main(process.argv.slice(2), {
  stdin,
  stdout,
  stderr,
  env,
  cwd: process.cwd(),
  signal: interrupt.signal,
});
// An abandoned operation may still hold a timer (a lock retry): do not wait for it.
if (code === 130) process.exit(code);
process.exitCode = code;
