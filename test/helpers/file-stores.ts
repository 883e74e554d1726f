/** The two places a FileBackend's tree can live in tests (a temp directory, a memfs volume). */
import * as nodeFs from 'node:fs';
import { join } from 'node:path';
import { createFsFromVolume, Volume } from 'memfs';
import { afterEach } from 'vitest';
import type { FileBackend } from '../../src/index.js';
import { tempDir } from './temp-dir.js';

export type Fs = typeof nodeFs;

export const stores: Array<[string, () => Promise<{ fs: Fs; root: string }>]> = [
  ['on disk', async () => ({ fs: nodeFs, root: join(await tempDir(), 'store') })],
  [
    'on memfs',
    async () => ({ fs: createFsFromVolume(new Volume()) as unknown as Fs, root: '/data/store' }),
  ],
];

/** A list of clients closed after each test of the calling file. */
export function closedAfterEach(): FileBackend[] {
  const clients: FileBackend[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  return clients;
}
