/**
 * The index's line reader: lines across its megabyte chunks, a line longer than two of them,
 * multi-byte text cut by a chunk's end, and a last line without a line break (not a line);
 * where each line is in the file, reads apart from the lines, and the lines again from the top.
 */
import fs from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineReader } from '../../../../src/backends/file/sync/index-lines.js';
import { tempDir } from '../../../helpers/temp-dir.js';

function readAll(path: string): string[] {
  const reader = LineReader.open(fs, path);
  if (reader === undefined) throw new Error(`no reader for ${path}`);
  const lines: string[] = [];
  for (let line = reader.next(); line !== undefined; line = reader.next()) lines.push(line);
  reader.close();
  return lines;
}

describe('LineReader', () => {
  it('gives every line of a file read a chunk at a time, however long', async () => {
    const lines = [
      'header',
      ...Array.from({ length: 5000 }, (_, i) => `row ${i} ${'é€'.repeat(i % 300)}`),
      'x'.repeat(2_500_000),
      '€'.repeat(900_000),
      ...Array.from({ length: 5000 }, (_, i) => `tail ${i} ${'a'.repeat(i % 700)}`),
      'end',
    ];
    const path = join(await tempDir(), 'lines');
    await writeFile(path, `${lines.join('\n')}\npartial`);
    expect(readAll(path)).toEqual(lines);
  });

  it('says where each line is in the file (bytes), reads bytes apart, and rewinds', async () => {
    const lines = [
      'header',
      ...Array.from({ length: 3000 }, (_, i) => `row ${i} ${'é'.repeat(i)}`),
    ];
    const path = join(await tempDir(), 'lines');
    await writeFile(path, `${lines.join('\n')}\n`);
    const bytes = await fs.promises.readFile(path);
    const reader = LineReader.open(fs, path);
    if (reader === undefined) throw new Error('no reader');
    expect(reader.size()).toBe(bytes.length);
    for (const line of lines) {
      expect(reader.next()).toBe(line);
      expect(bytes.toString('utf8', reader.lineStart, reader.lineEnd)).toBe(`${line}\n`);
    }
    expect(reader.next()).toBeUndefined();
    const into = Buffer.alloc(100);
    const read = reader.readAt(into, 7, 100);
    expect(into.subarray(0, read).equals(bytes.subarray(7, 107))).toBe(true);
    reader.rewind();
    expect([reader.next(), reader.next()]).toEqual(lines.slice(0, 2));
    expect(reader.lineStart).toBe(Buffer.byteLength(`${lines[0]}\n`));
    reader.close();
  });
});
