/** Types of etcd-server.mjs, for the TypeScript test helpers that use it. */

export declare const INSTALL_HINT: string;

export type FoundEtcd = { bin: string; missing?: undefined } | { bin?: undefined; missing: string };

export declare function findEtcd(env?: NodeJS.ProcessEnv): FoundEtcd;

export declare function freePort(): Promise<number>;

export declare class EtcdServer {
  static start(options?: { bin?: string; name?: string }): Promise<EtcdServer>;
  readonly bin: string;
  readonly name: string;
  /** The temp dir holding `data/` and `etcd.log`. */
  readonly base: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly clientPort: number;
  readonly peerPort: number;
  /** The client URL, e.g. `http://127.0.0.1:41234`. */
  get endpoint(): string;
  /** The PID of the running etcd, or undefined while it is down. */
  get pid(): number | undefined;
  /** Kills etcd at once (SIGKILL, as a crash), keeping its data for `restart()`. */
  kill(): Promise<void>;
  /** Starts etcd again on the same ports and data dir (after `kill()`, or kills it first). */
  restart(): Promise<void>;
  /** Kills etcd by its PID and removes its data and log. Idempotent. */
  stop(): Promise<void>;
  /** The last lines of etcd's log. */
  logTail(lines?: number): string;
}
