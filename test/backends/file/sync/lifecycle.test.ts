import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DatastoreError, PathKey, SyncStatus } from '../../../../src/index.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { openClient, openSyncer, pathKeys } from './harness.js';
import { Recorder } from '../../../../src/contract/recorder.js';
import { settled } from './settle.js';
import { REPO } from '../../../helpers/paths.js';

const DIST = join(REPO, 'dist', 'src', 'index.js');

async function storeRoot(): Promise<string> {
  const root = join(await tempDir(), 'store');
  await mkdir(root);
  return root;
}

describe('syncer: lifecycle', () => {
  it('stop() is idempotent, and no callback fires once it resolved', async () => {
    const root = await storeRoot();
    const { client, syncer, rec } = openSyncer(root, pathKeys);
    await rec.waitForStatus(SyncStatus.InSync);
    const stopping = syncer.stop();
    expect(syncer.stop()).toBe(stopping);
    await stopping;
    rec.stopped = true;
    const seen = rec.batches.length;
    syncer.start();

    // A second syncer on the same tree shows when the changes below have been looked at.
    const control = openSyncer(root, pathKeys);
    await control.rec.waitForStatus(SyncStatus.InSync);
    await client.create({ key: new PathKey('/after/stop'), value: { a: 1 } });
    await writeFile(join(root, 'outside.yaml'), 'b: 2\n');
    await settled(control.rec, control.client);
    expect(control.rec.picture.has('/after/stop')).toBe(true);
    expect(rec.batches.length).toBe(seen);
    expect(rec.statuses).toEqual([
      SyncStatus.WaitForDatastore,
      SyncStatus.ResyncInProgress,
      SyncStatus.InSync,
    ]);
    expect(rec.violations).toEqual([]);
  });

  it('stop() resolves promptly while waiting for a root that never comes, and before start()', async () => {
    const root = join(await tempDir(), 'never');
    const { syncer, rec } = openSyncer(root, { pollMs: 60_000 });
    await rec.waitForStatus(SyncStatus.WaitForDatastore);
    const before = performance.now();
    await syncer.stop();
    expect(performance.now() - before).toBeLessThan(2000);

    const client = openClient({ root });
    const idle = client.syncer(new Recorder());
    await idle.stop();
    idle.start();
    await idle.stop();
  });

  it('Client.close() stops its syncers, and a closed client makes no new one', async () => {
    const root = await storeRoot();
    const { client, rec } = openSyncer(root, pathKeys);
    await rec.waitForStatus(SyncStatus.InSync);
    await client.close();
    rec.stopped = true;
    const seen = rec.batches.length;
    expect(() => client.syncer(new Recorder())).toThrow(DatastoreError);

    const control = openSyncer(root, pathKeys);
    await control.rec.waitForStatus(SyncStatus.InSync);
    await control.client.create({ key: new PathKey('/after/close'), value: { a: 1 } });
    await settled(control.rec, control.client);
    expect(rec.batches.length).toBe(seen);
    expect(rec.violations).toEqual([]);
  });

  it.each([
    ['syncer.stop() once InSync', 'await ready;\nawait syncer.stop();'],
    ['client.close() once InSync', 'await ready;\nawait client.close();'],
    ['syncer.stop() while the watcher starts up', 'await syncer.stop();'],
  ])(
    'a process whose syncer was started and then stopped by %s exits by itself',
    async (_name, stopCode) => {
      expect(existsSync(DIST), `${DIST} is missing: run npm run build first (npm test does)`).toBe(
        true,
      );
      const dir = await tempDir();
      const script = join(dir, 'child.mjs');
      await writeFile(
        script,
        `import { FileBackend, PathKey, SyncStatus } from ${JSON.stringify(pathToFileURL(DIST).href)};
const client = new FileBackend({ root: ${JSON.stringify(join(dir, 'store'))}, fsync: false });
for (let i = 0; i < 300; i++) await client.create({ key: new PathKey(\`/a/\${i % 10}/\${i}\`), value: { n: i } });
let inSync;
const ready = new Promise((resolve) => (inSync = resolve));
const syncer = client.syncer({
  onStatusUpdated: (status) => status === SyncStatus.InSync && inSync(),
  onUpdates: () => {},
});
syncer.start();
${stopCode}
console.log('stopped');
`,
      );
      const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(null);
        }, 20_000);
        child.on('exit', (exitCode) => {
          clearTimeout(timer);
          resolve(exitCode);
        });
      });
      expect(output).toContain('stopped');
      expect(code, `the child did not exit by itself; output: ${output}`).toBe(0);
    },
  );
});
