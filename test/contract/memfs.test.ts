import { Volume, createFsFromVolume } from 'memfs';
import { FileBackend } from '../../src/index.js';
import type { FsLike } from '../../src/index.js';
import { clientContract } from './client-contract.js';

clientContract('FileBackend on memfs', async () => {
  const fs = createFsFromVolume(new Volume()) as unknown as FsLike;
  const root = '/data/store';
  return { root, fs, open: (options) => new FileBackend({ root, fs, ...options }) };
});
