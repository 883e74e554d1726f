/**
 * Processes doing compare-and-swap increments of one counter (test/children/lock-counter.mjs),
 * and the checks that no acknowledged increment was lost: the counter ends at the number of
 * increments acknowledged across all processes, and no revision was returned by two
 * acknowledged writes with different content.
 */
import { expect } from 'vitest';
import { Child, childScript } from './child.js';

export interface CounterOptions {
  stale?: number;
  wait?: number;
  fsync?: boolean;
  /** Extra writers applying sibling keys flat out. */
  writers?: number;
  /** False: only those writers, no counter increments. */
  counter?: boolean;
}

export interface Summary {
  acks: number;
  conflicts: number;
  errors: Record<string, number>;
  siblingOps: number;
  stalls: number;
}

export interface Ack {
  revision: string;
  n: number;
}

/** One counter process. */
export class Counter {
  readonly child: Child;

  constructor(root: string, keyPath: string, options: CounterOptions = {}) {
    this.child = new Child(childScript('lock-counter.mjs'), [
      root,
      keyPath,
      JSON.stringify(options),
    ]);
  }

  send(command: string): void {
    this.child.process.stdin.write(`${command}\n`);
  }

  get acks(): Ack[] {
    return this.child.lines.flatMap((line) => {
      const [tag, revision, n] = line.split(' ');
      return tag === 'ok' && revision !== undefined ? [{ revision, n: Number(n) }] : [];
    });
  }

  /** Failure lines: `<code> <message>`. */
  get errors(): string[] {
    return this.child.lines.filter((line) => line.startsWith('err ')).map((l) => l.slice(4));
  }

  /** Waits until it has acknowledged `count` increments in all. */
  async waitForAcks(count: number): Promise<void> {
    await this.child.line(() => this.acks.length >= count);
  }

  /** Asks it to stop; resolves with its summary. */
  async stop(): Promise<Summary> {
    this.send('stop');
    const code = await this.child.exited;
    expect(code, this.child.stderr).toBe(0);
    // 'exit' may come before the last output was read.
    const out = this.child.process.stdout;
    if (!out.readableEnded) await new Promise((resolve) => out.once('end', resolve));
    const done = this.child.lines.find((line) => line.startsWith('done '));
    return JSON.parse(done!.slice(5)) as Summary;
  }
}

/**
 * The final counter equals the increments acknowledged by all `counters`, and no revision was
 * returned twice for different content. Returns the number of acknowledged increments.
 */
export function expectNoLostIncrement(finalN: number, counters: Counter[]): number {
  const acks = counters.flatMap((counter) => counter.acks);
  const byRevision = new Map<string, number>();
  const reused: string[] = [];
  for (const { revision, n } of acks) {
    const seen = byRevision.get(revision);
    if (seen !== undefined && seen !== n) reused.push(`${revision}: ${seen} and ${n}`);
    byRevision.set(revision, n);
  }
  expect(reused, 'revisions returned twice for different content').toEqual([]);
  expect(finalN, 'the final counter against the acknowledged increments').toBe(acks.length);
  return acks.length;
}
