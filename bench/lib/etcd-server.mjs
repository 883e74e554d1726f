/**
 * A throwaway etcd for tests and benchmarks: Debian's `etcd` (package `etcd-server`) or
 * `ETCD_BIN`, on two free loopback ports (never 2379/2380, where a distro etcd may listen),
 * with its data in a fresh tmpfs directory and flags that make it start in about 0.1 s. It is
 * stopped by its PID. Plain JavaScript so that `npm run bench` (which runs the built code, not
 * the TypeScript) and the test helpers (test/helpers/etcd-server.ts) share one implementation.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** What to tell a person whose machine has no etcd. */
export const INSTALL_HINT =
  "install Debian's etcd-server (sudo apt-get install etcd-server) or set ETCD_BIN to an etcd 3.4+ binary";

const READY_TIMEOUT_MS = 15_000;
const START_ATTEMPTS = 5;
const RESERVED_PORTS = new Set([2379, 2380]);

/**
 * The etcd binary to run: `ETCD_BIN` if set, else `etcd` on PATH. Returns `{ bin }`, or
 * `{ missing }` with a sentence saying what was looked for.
 */
export function findEtcd(env = process.env) {
  if (env.ETCD_BIN) {
    return isExecutable(env.ETCD_BIN)
      ? { bin: env.ETCD_BIN }
      : { missing: `ETCD_BIN=${env.ETCD_BIN} is not an executable file` };
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, 'etcd'))) return { bin: join(dir, 'etcd') };
  }
  return { missing: 'no etcd on PATH and no ETCD_BIN' };
}

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A free TCP port on 127.0.0.1 (the OS picks one; the listener is closed before it is used). */
export async function freePort() {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    });
    if (!RESERVED_PORTS.has(port)) return port;
  }
}

/** Every server this process started and has not stopped: killed and removed at exit. */
const live = new Set();
process.once('exit', () => {
  for (const abandon of live) abandon();
});

/**
 * A running single-member etcd. `start()` picks ports and a data dir; `kill()` + `restart()`
 * bring it back on the same ports and data (a server restart); `stop()` kills it by PID and
 * removes its directory.
 */
export class EtcdServer {
  /** Starts an etcd; retries with new ports when one was taken in the meantime. */
  static async start({ bin = findEtcd().bin, name = 'kvdir-test' } = {}) {
    if (bin === undefined) throw new Error(`etcd not found: ${INSTALL_HINT}`);
    const base = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'kvdir-etcd-'));
    const server = new EtcdServer(bin, name, base);
    live.add(server.#abandon);
    try {
      for (let attempt = 1; ; attempt++) {
        server.clientPort = await freePort();
        do server.peerPort = await freePort();
        while (server.peerPort === server.clientPort);
        try {
          await server.#launch();
          return server;
        } catch (err) {
          if (!err.portTaken || attempt === START_ATTEMPTS) throw err;
          rmSync(server.dataDir, { recursive: true, force: true });
        }
      }
    } catch (err) {
      await server.stop();
      throw err;
    }
  }

  #child;
  #exited;
  /** At exit (a test run that crashed, a bench interrupted): synchronous kill and removal. */
  #abandon = () => {
    this.#child?.kill('SIGKILL');
    rmSync(this.base, { recursive: true, force: true });
  };

  constructor(bin, name, base) {
    this.bin = bin;
    this.name = name;
    this.base = base;
    this.dataDir = join(base, 'data');
    this.logFile = join(base, 'etcd.log');
    this.clientPort = 0;
    this.peerPort = 0;
  }

  /** The client URL, e.g. `http://127.0.0.1:41234`. */
  get endpoint() {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  /** The PID of the running etcd, or undefined while it is down. */
  get pid() {
    return this.#child?.pid;
  }

  /** Kills etcd at once (SIGKILL, as a crash), keeping its data for `restart()`. */
  async kill() {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      // Referenced again while we wait, or an otherwise idle process would exit under us.
      child.ref();
      child.kill('SIGKILL');
    }
    await this.#exited;
  }

  /** Starts etcd again on the same ports and data dir (after `kill()`, or kills it first). */
  async restart() {
    await this.kill();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#launch();
      } catch (err) {
        // The old process's sockets can take a moment to be released.
        if (!err.portTaken || attempt === START_ATTEMPTS) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  /** Kills etcd by its PID and removes its data and log. Idempotent. */
  async stop() {
    await this.kill();
    rmSync(this.base, { recursive: true, force: true });
    live.delete(this.#abandon);
  }

  /** The last lines of etcd's log, for error messages. */
  logTail(lines = 20) {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async #launch() {
    const client = `http://127.0.0.1:${this.clientPort}`;
    const peer = `http://127.0.0.1:${this.peerPort}`;
    // Tmpfs data, no fsync and a 10 ms heartbeat: a throwaway server that is ready in ~0.1 s.
    // Auto-compaction stays off (the default): tests compact on purpose.
    const args = [
      `--name=${this.name}`,
      `--data-dir=${this.dataDir}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=${this.name}=${peer}`,
      '--unsafe-no-fsync',
      '--heartbeat-interval=10',
      '--election-timeout=50',
      '--logger=zap',
      `--log-outputs=${this.logFile}`,
    ];
    const child = spawn(this.bin, args, { stdio: 'ignore' });
    // The server must not keep a test runner or a bench alive; the exit hook kills it.
    child.unref();
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const spawnError = new Promise((_, reject) => child.once('error', reject));
    try {
      await Promise.race([this.#waitHealthy(child), spawnError]);
    } catch (err) {
      await this.kill();
      const log = this.logTail();
      const failure = new Error(`etcd did not start: ${err.message}\n${log}`);
      failure.portTaken = /address already in use/.test(log);
      throw failure;
    }
  }

  async #waitHealthy(child) {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`etcd exited (${child.exitCode ?? child.signalCode})`);
      if (Date.now() > deadline) throw new Error(`no healthy answer in ${READY_TIMEOUT_MS} ms`);
      if (await isHealthy(this.clientPort)) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** One `GET /health` without keep-alive (a pooled socket could keep the process alive). */
function isHealthy(port) {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: 1000 });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
    request.once('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.once('end', () => resolve(response.statusCode === 200 && body.includes('"true"')));
      response.once('error', () => resolve(false));
    });
  });
}
