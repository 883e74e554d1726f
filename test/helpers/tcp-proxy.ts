/**
 * A TCP proxy in the test process, between a client and etcd, to make network faults on
 * demand (as etcd-notes §3.6's `reconnect.mjs`): cut every connection, hold the traffic so that
 * etcd seems to hang, or refuse connections for an outage, and come back on the same port.
 */
import type { Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';

/** Which traffic `pause()` holds: both ways, or only etcd's replies (requests still arrive). */
export type Held = 'both' | 'replies';

interface Link {
  client: Socket;
  upstream: Socket;
}

export class TcpProxy {
  /** Starts a proxy on a free loopback port in front of `target` (`host:port` or a URL). */
  static async start(target: string): Promise<TcpProxy> {
    const { hostname, port } = new URL(target.includes('://') ? target : `tcp://${target}`);
    const proxy = new TcpProxy(hostname, Number(port));
    await proxy.up();
    return proxy;
  }

  readonly #links = new Set<Link>();
  readonly #targetHost: string;
  readonly #targetPort: number;
  #server: Server | undefined;
  #port = 0;
  #held: Held | undefined;

  private constructor(host: string, port: number) {
    this.#targetHost = host;
    this.#targetPort = port;
  }

  /** The URL clients connect to. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Connections open through the proxy now. */
  get connections(): number {
    return this.#links.size;
  }

  /** Closes every open connection (both sides); new connections are still accepted. */
  cut(): void {
    for (const link of this.#links) {
      link.client.destroy();
      link.upstream.destroy();
    }
    this.#links.clear();
  }

  /**
   * Stops forwarding, keeping connections open: with `'both'` etcd seems to hang; with
   * `'replies'` requests still reach etcd but no answer comes back (a write lands unseen).
   * Applies to new connections too, until `resume()`.
   */
  pause(held: Held = 'both'): void {
    this.#held = held;
    for (const link of this.#links) this.#hold(link);
  }

  /** Forwards again, held data first. */
  resume(): void {
    this.#held = undefined;
    for (const { client, upstream } of this.#links) {
      client.resume();
      upstream.resume();
    }
  }

  /** An outage: cuts every connection and refuses new ones, until `up()`. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.cut();
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
  }

  /** Listens again (on the same port once it has one) after `down()`. */
  async up(): Promise<void> {
    if (this.#server !== undefined) return;
    const server = createServer((client) => this.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async close(): Promise<void> {
    await this.down();
  }

  #accept(client: Socket): void {
    const upstream = connect(this.#targetPort, this.#targetHost);
    const link = { client, upstream };
    this.#links.add(link);
    const drop = () => {
      this.#links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
    forward(client, upstream, () => this.#held === 'both');
    forward(upstream, client, () => this.#held !== undefined);
    if (this.#held !== undefined) this.#hold(link);
  }

  #hold({ client, upstream }: Link): void {
    upstream.pause();
    if (this.#held === 'both') client.pause();
  }
}

/** Copies `from` to `to` with back-pressure; never resumes while `held()`. */
function forward(from: Socket, to: Socket, held: () => boolean): void {
  from.on('data', (chunk: Buffer) => {
    if (!to.write(chunk)) from.pause();
  });
  to.on('drain', () => {
    if (!held()) from.resume();
  });
}
