import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fixtureCopy, tempDir } from '../helpers/temp-dir.js';
import { memoryIO, run } from './memory-io.js';

const running: Array<{ stop: AbortController; exit: Promise<number> }> = [];

/** Starts `kvdir watch` in-process; stopped after the test if it has not been. */
function watch(argv: string[]) {
  const stop = new AbortController();
  const io = memoryIO({ signal: stop.signal });
  const exit = main(['watch', ...argv], io);
  running.push({ stop, exit });
  return { io, exit, stop: () => stop.abort() };
}

afterEach(async () => {
  for (const { stop, exit } of running.splice(0)) {
    stop.abort();
    await exit;
  }
});

describe('kvdir watch', () => {
  it('prints each key, the in-sync status and then each change, and exits 0 when the signal is aborted', async () => {
    const root = await fixtureCopy('calico');
    const watcher = watch(['--root', root, '/calico/v1/config']);
    await watcher.io.stdout.waitForLine(/^status in-sync$/);
    expect(watcher.io.stdout.lines).toEqual([
      'status wait-for-ready',
      'status resync',
      'new /calico/v1/config/ClusterGUID "3f9a6c2e8b1d4e7fa05c9d2b6e8f1a34"',
      'new /calico/v1/config/InterfacePrefix "cali"',
      'new /calico/v1/config/IpInIpMtu "1440"',
      'new /calico/v1/config/LogSeverityScreen "Info"',
      'new /calico/v1/config/reporting/UsageReportingEnabled "true"',
      'status in-sync',
    ]);

    expect(
      (await run(['--root', root, 'put', '/calico/v1/config/LogSeverityScreen', 'Debug'])).code,
    ).toBe(0);
    await watcher.io.stdout.waitForLine(
      /^updated \/calico\/v1\/config\/LogSeverityScreen "Debug"$/,
    );
    expect(
      (await run(['--root', root, 'delete', '--prefix', '/calico/v1/config/reporting'])).code,
    ).toBe(0);
    await watcher.io.stdout.waitForLine(
      /^deleted \/calico\/v1\/config\/reporting\/UsageReportingEnabled$/,
    );
    // Outside the prefix: not reported.
    expect((await run(['--root', root, 'put', '/calico/v1/Ready', 'false'])).code).toBe(0);

    watcher.stop();
    expect(await watcher.exit).toBe(0);
    expect(watcher.io.stdout.text).not.toContain('Ready');
    expect(watcher.io.stderr.text).toBe('');
  });

  it('prints one JSON object per line with -o json, and reports entries that do not parse', async () => {
    const root = await fixtureCopy('calico');
    const watcher = watch(['--root', root, '/calico/v1/config', '-o', 'json']);
    await watcher.io.stdout.waitForLine(/"status":"in-sync"/);
    await writeFile(join(root, 'calico/v1/config/Broken.yaml'), 'a: [\n');
    await watcher.io.stdout.waitForLine(/"type":"parse-failed"/);
    // The update of an entry that does not parse has no value (the watcher may first have seen the file empty).
    await watcher.io.stdout.waitForLine(
      /"type":"(new|updated)","path":"\/calico\/v1\/config\/Broken","key":"GlobalConfig\(name=Broken\)","revision":"[^"]+"\}$/,
    );
    watcher.stop();
    expect(await watcher.exit).toBe(0);

    const events = watcher.io.stdout.lines.map((line) => JSON.parse(line));
    expect(events.slice(0, 3)).toEqual([
      { type: 'status', status: 'wait-for-ready' },
      { type: 'status', status: 'resync' },
      {
        type: 'new',
        path: '/calico/v1/config/ClusterGUID',
        key: 'GlobalConfig(name=ClusterGUID)',
        revision: expect.any(String),
        value: '3f9a6c2e8b1d4e7fa05c9d2b6e8f1a34',
      },
    ]);
    expect(events).toContainEqual({ type: 'parse-failed', path: '/calico/v1/config/Broken' });
  });

  it('warns on stderr about a file it skips and goes on', async () => {
    const root = await fixtureCopy('calico');
    const watcher = watch(['--root', root, '/calico/v1/config']);
    await watcher.io.stdout.waitForLine(/^status in-sync$/);
    // Written aside and moved in whole: a file caught half-written could be under the limit.
    await writeFile(join(root, 'huge.tmp'), `x: ${'y'.repeat(4 * 1024 * 1024)}\n`);
    await rename(join(root, 'huge.tmp'), join(root, 'calico/v1/config/Huge.yaml'));
    await watcher.io.stderr.waitForLine(
      /^kvdir: warning: skipping \/calico\/v1\/config\/Huge\.yaml: .*Huge\.yaml is 4194308 bytes, over the limit of 4194304 bytes \(maxValueBytes\)$/,
    );
    expect(
      (await run(['--root', root, 'put', '/calico/v1/config/LogSeverityScreen', 'Debug'])).code,
    ).toBe(0);
    await watcher.io.stdout.waitForLine(
      /^updated \/calico\/v1\/config\/LogSeverityScreen "Debug"$/,
    );
    watcher.stop();
    expect(await watcher.exit).toBe(0);
    expect(watcher.io.stdout.text).not.toContain('Huge');
  });

  it('waits for a root that does not exist yet', async () => {
    const root = join(await tempDir(), 'later');
    const watcher = watch(['--root', root]);
    await watcher.io.stdout.waitForLine(/^status wait-for-ready$/);
    expect((await run(['--root', root, 'init'])).code).toBe(0);
    await watcher.io.stdout.waitForLine(/^status in-sync$/);
    await watcher.io.stdout.waitForLine(/^new \/calico\/v1\/Ready true$/);
    watcher.stop();
    expect(await watcher.exit).toBe(0);
  });

  it('exits 0 at once when the signal is already aborted', async () => {
    const root = await fixtureCopy('calico');
    const stop = new AbortController();
    stop.abort();
    expect(await run(['--root', root, 'watch'], { signal: stop.signal })).toMatchObject({
      code: 0,
      stderr: '',
    });
  });

  it('exits 8 for a prefix that cannot be a key path', async () => {
    const root = await fixtureCopy('calico');
    expect((await run(['--root', root, 'watch', '/a//b'])).code).toBe(8);
  });
});
