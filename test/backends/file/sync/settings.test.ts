import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/index.js';
import {
  RACY_MARGIN_MS,
  fileSignature,
} from '../../../../src/backends/file/sync/file-signature.js';
import { settingsOf } from '../../../../src/backends/file/sync/settings.js';

describe('settings', () => {
  it('applies defaults', () => {
    const settings = settingsOf({});
    expect(settings).toMatchObject({
      prefixes: ['/'],
      waitForReady: false,
      quietWindowMs: 50,
      maxDelayMs: 500,
      resyncIntervalMs: 300_000,
    });
  });

  it('never lets the max delay be shorter than the quiet window', () => {
    expect(settingsOf({ quietWindowMs: 800, maxDelayMs: 100 }).maxDelayMs).toBe(800);
  });

  it('reports misuse at once, naming the option', () => {
    expect(() => settingsOf({ prefixes: [] })).toThrow(ValidationError);
    expect(() => settingsOf({ prefixes: ['calico'] })).toThrow(/prefixes/);
    expect(() => settingsOf({ quietWindowMs: -1 })).toThrow(/quietWindowMs/);
    expect(() => settingsOf({ resyncIntervalMs: Number.NaN })).toThrow(/resyncIntervalMs/);
  });
});

describe('fileSignature', () => {
  const stats = (at: number, ino = 1, size = 10) => ({ ino, size, mtimeMs: at, ctimeMs: at });

  it('changes with the inode, size, times, or the sidecar', () => {
    const now = 1_000_000;
    const old = now - 10_000;
    const base = fileSignature(stats(old), stats(old), now);
    expect(base).not.toBe('');
    expect(fileSignature(stats(old), stats(old), now + 5)).toBe(base);
    expect(fileSignature(stats(old, 2), stats(old), now)).not.toBe(base);
    expect(fileSignature(stats(old, 1, 11), stats(old), now)).not.toBe(base);
    expect(fileSignature(stats(old + 1), stats(old), now)).not.toBe(base);
    expect(fileSignature(stats(old), undefined, now)).not.toBe(base);
  });

  it('is not trusted ("") while the file or its sidecar changed less than the racy margin ago', () => {
    const now = 1_000_000;
    expect(fileSignature(stats(now - RACY_MARGIN_MS + 1), undefined, now)).toBe('');
    expect(fileSignature(stats(now - 10_000), stats(now), now)).toBe('');
    expect(fileSignature(stats(now + 50), undefined, now)).toBe('');
    expect(fileSignature(stats(now - RACY_MARGIN_MS), undefined, now)).not.toBe('');
  });
});
