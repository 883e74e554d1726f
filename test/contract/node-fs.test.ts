import nodeFs from 'node:fs';
import { join } from 'node:path';
import { FileBackend } from '../../src/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { clientContract } from './client-contract.js';

clientContract('FileBackend on the real file system', async () => {
  const root = join(await tempDir(), 'store');
  return {
    root,
    fs: nodeFs,
    open: (options) => new FileBackend({ root, fsync: false, ...options }),
  };
});
