// A process whose only work is a syncer: prints each status, and on SIGUSR2 stops the syncer
// and closes the client, then prints "stopped". It must keep running until then, and end by
// itself after. (Nothing else may hold the event loop: no stdin, and a signal listener holds
// nothing.) argv: <root> [wait-for-ready]
import { FileBackend, syncStatusToString } from '../../dist/src/index.js';

const [root, mode] = process.argv.slice(2);
const client = new FileBackend({ root });
const syncer = client.syncer(
  {
    onStatusUpdated: (status) => process.stdout.write(`status ${syncStatusToString(status)}\n`),
    onUpdates: (updates) => process.stdout.write(`updates ${updates.length}\n`),
  },
  { waitForReady: mode === 'wait-for-ready' },
);
syncer.start();
process.once('SIGUSR2', async () => {
  await syncer.stop();
  await client.close();
  process.stdout.write('stopped\n');
});
