import { describe, expect, it } from 'vitest';
import {
  decodeSidecar,
  effectiveSidecar,
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

  describe('a sidecar renamed in before its value file (an update not landed yet)', () => {
    const c = fingerprint(Buffer.from('order: 3\n'));
    const old = nextSidecar(undefined, false, a, 5000);
    const before = { fingerprint: a, sidecar: old, written: old };
    const pending = nextSidecar(old, true, b, undefined, before);

    it('reads as the state before the write while the value file holds the old content', () => {
      expect(effectiveSidecar(pending, a)).toEqual(old);
      expect(revisionOf(effectiveSidecar(pending, a), a)).toBe(revisionOf(old, a));
      // The old expiry too: an expired key does not come back while an apply is half done.
      expect(isExpired(effectiveSidecar(pending, a), 6000)).toBe(true);
    });

    it('reads as the new state once the value file holds the new content, and as an outside edit otherwise', () => {
      expect(effectiveSidecar(pending, b)).toBe(pending);
      expect(revisionOf(effectiveSidecar(pending, b), b)).toBe(`${old.i}.2`);
      expect(revisionOf(effectiveSidecar(pending, c), c)).toBe(`${old.i}.2.${c}`);
    });

    it('reproduces an outside-edit revision and a missing sidecar exactly', () => {
      const edited = nextSidecar(old, true, b, undefined, {
        fingerprint: c,
        sidecar: old,
        written: old,
      });
      expect(revisionOf(effectiveSidecar(edited, c), c)).toBe(revisionOf(old, c));
      const bare = nextSidecar(undefined, false, b, undefined, {
        fingerprint: a,
        sidecar: undefined,
        written: undefined,
      });
      expect(revisionOf(effectiveSidecar(bare, a), a)).toBe(`0.${a}`);
    });

    it('never reuses a generation written by a write that did not land', () => {
      const effective = effectiveSidecar(pending, a)!;
      const next = nextSidecar(effective, true, c, undefined, {
        fingerprint: a,
        sidecar: effective,
        written: pending,
      });
      expect(next.g).toBe(pending.g + 1);
    });

    it('round-trips, and drops a malformed record of the state before', () => {
      expect(decodeSidecar(encodeSidecar(pending))).toEqual(pending);
      expect(decodeSidecar('{"i":"a","g":2,"h":"x","p":{"f":1}}')).toEqual({
        i: 'a',
        g: 2,
        h: 'x',
      });
      expect(decodeSidecar('{"i":"a","g":2,"h":"x","p":{"f":"y","s":null}}')).toEqual({
        i: 'a',
        g: 2,
        h: 'x',
        p: { f: 'y', s: null },
      });
    });
  });
});
