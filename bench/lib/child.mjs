/** Bench child processes: each measurement that needs its own RSS or a fresh JIT runs in one. */
import { fork } from 'node:child_process';

/** Runs a child script with one JSON argument; resolves with its one IPC message or { error }. */
export function child(script, input, timeoutMs) {
  return new Promise((resolve) => {
    const proc = fork(script, [JSON.stringify(input)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: [],
    });
    let stderr = '';
    let message;
    proc.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    proc.on('message', (m) => (message = m));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (message !== undefined) resolve(message);
      else
        resolve({
          error: `child ${signal ?? `exit ${code}`}: ${stderr.trim().split('\n').slice(-3).join(' / ') || 'no output'}`,
        });
    });
  });
}
