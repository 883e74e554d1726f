import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/cli/commands/check.js';
import {
  formatDocument,
  formatEvent,
  statusEvent,
  updateEvent,
  withoutPosition,
} from '../../src/cli/output.js';
import { PathKey, PolicyKey, UpdateType } from '../../src/index.js';

describe('watch events', () => {
  const updated = updateEvent({
    key: new PolicyKey({ name: 'p1' }),
    value: { order: 1 },
    revision: 'r2',
    updateType: UpdateType.KVUpdated,
  });
  const deleted = updateEvent({ key: new PathKey('/a/b'), updateType: UpdateType.KVDeleted });

  it('are one human line each', () => {
    expect(formatEvent(statusEvent('in-sync'), undefined)).toBe('status in-sync\n');
    expect(formatEvent(updated, undefined)).toBe(
      'updated /calico/v1/policy/tier/default/policy/p1 {"order":1}\n',
    );
    expect(formatEvent(deleted, undefined)).toBe('deleted /a/b\n');
  });

  it('are one JSON object per line with -o json', () => {
    expect(formatEvent(updated, 'json')).toBe(
      '{"type":"updated","path":"/calico/v1/policy/tier/default/policy/p1","key":"Policy(name=p1)","revision":"r2","value":{"order":1}}\n',
    );
    expect(formatEvent(deleted, 'json')).toBe(
      '{"type":"deleted","path":"/a/b","key":"PathKey(/a/b)"}\n',
    );
  });

  it('are one YAML document each with -o yaml', () => {
    expect(formatEvent(statusEvent('resync'), 'yaml')).toBe('---\ntype: status\nstatus: resync\n');
  });
});

describe('formatting', () => {
  it('does not fold long strings in YAML', () => {
    const long = 'x '.repeat(80).trim();
    expect(formatDocument({ long }, 'yaml')).toBe(`long: ${long}\n`);
  });

  it('prints a problem with the position it has', () => {
    expect(formatProblem({ file: 'a.yaml', line: 2, col: 5, message: 'bad' })).toBe(
      'a.yaml:2:5: bad',
    );
    expect(formatProblem({ file: 'a.yaml', line: 2, message: 'bad' })).toBe('a.yaml:2: bad');
    expect(formatProblem({ file: 'a.yaml', message: 'symbolic link' })).toBe(
      'a.yaml: symbolic link',
    );
  });

  it("drops YAML's own position and excerpt from its messages", () => {
    expect(withoutPosition('Map keys must be unique at line 2, column 1:\n\nk: v\nk: w\n^\n')).toBe(
      'Map keys must be unique',
    );
    expect(withoutPosition('plain message')).toBe('plain message');
  });
});
