import { describe, expect, it } from 'vitest';
import {
  decodeSidecar,
  encodeSidecar,
  fingerprint,
  isExpired,
  nextSidecar,
  revisionOf,
} from '../../../src/backends/file/revision.js';

describe('revisions', () => {
  const a = fingerprint(Buffer.from('order: 1\n'));
  const b = fingerprint(Buffer.from('order: 2\n'));

  it('fingerprints content, so same-size edits differ', () => {
    expect(a).not.toBe(b);
    expect(a).toHaveLength(16);
    expect(fingerprint(Buffer.from('order: 1\n'))).toBe(a);
  });

  it('derives a stable revision without a sidecar', () => {
    expect(revisionOf(undefined, a)).toBe(`0.${a}`);
    expect(revisionOf(undefined, b)).not.toBe(revisionOf(undefined, a));
  });

  it('bumps the generation and keeps the incarnation on update', () => {
    const first = nextSidecar(undefined, false, a, undefined);
    expect(first.g).toBe(1);
    const second = nextSidecar(first, true, b, undefined);
    expect(second).toMatchObject({ i: first.i, g: 2, h: b });
    expect(revisionOf(second, b)).toBe(`${first.i}.2`);
  });

  it('starts a new incarnation at create, so a re-created key never repeats a revision', () => {
    const first = nextSidecar(undefined, false, a, undefined);
    const again = nextSidecar(first, false, a, undefined);
    expect(again.i).not.toBe(first.i);
    expect(revisionOf(again, a)).not.toBe(revisionOf(first, a));
  });

  it('marks content that changed since kvdir wrote it', () => {
    const sidecar = nextSidecar(undefined, false, a, undefined);
    expect(revisionOf(sidecar, b)).toBe(`${sidecar.i}.1.${b}`);
  });

  it('uses only hex digits and dots, never a leading - or ~', () => {
    for (let n = 0; n < 200; n++) {
      const sidecar = nextSidecar(undefined, false, a, undefined);
      for (const revision of [
        revisionOf(sidecar, a),
        revisionOf(sidecar, b),
        revisionOf(undefined, a),
      ]) {
        expect(revision).toMatch(/^[0-9a-f]+(\.[0-9a-f]+)+$/);
      }
    }
  });

  it('round-trips sidecars and treats malformed ones as absent', () => {
    const sidecar = nextSidecar(undefined, false, a, 123);
    expect(decodeSidecar(encodeSidecar(sidecar))).toEqual(sidecar);
    for (const bad of [
      '',
      '{',
      'null',
      '{"i":1,"g":1,"h":"x"}',
      '{"i":"a","g":0,"h":"x"}',
      '{"i":"a","g":1.5,"h":"x"}',
    ]) {
      expect(decodeSidecar(bad)).toBeUndefined();
    }
  });

  it('expires at the stored time', () => {
    const sidecar = nextSidecar(undefined, false, a, 1000);
    expect(isExpired(sidecar, 999)).toBe(false);
    expect(isExpired(sidecar, 1000)).toBe(true);
    expect(isExpired(undefined, 1e15)).toBe(false);
  });
});
