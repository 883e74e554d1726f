// Holds the cross-process lock of one key until told to release it on stdin.
// argv: <root> <key path>
import { KeyLocks, defaultLockOptions } from '../../dist/src/backends/file/locks.js';

const [root, keyPath] = process.argv.slice(2);
const locks = new KeyLocks(root, true, defaultLockOptions);
await locks.withLock(keyPath, async () => {
  process.stdout.write('locked\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.destroy();
});
process.stdout.write('released\n');
