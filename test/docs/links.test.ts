/**
 * The links of the README and of docs/ lead somewhere: each relative link names a file that
 * exists, and each `#anchor` a heading of that file (as GitHub makes anchors of headings); each
 * repository path they name in code (`src/...`, `test/...`) exists.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as `-`. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file's headings (outside code blocks). */
function anchors(text: string): Set<string> {
  const found = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6} (.+)$/.exec(line);
    if (heading) found.add(anchor(heading[1] ?? ''));
  }
  return found;
}

/** `[text](target)` links outside code, but for absolute URLs. */
function links(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z]+:/.test(target));
}

const files = [
  'README.md',
  ...readdirSync(join(REPO, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

describe('the documentation', () => {
  it.each(files)('%s: every relative link and anchor resolves', (file) => {
    const text = readFileSync(join(REPO, file), 'utf8');
    const targets = links(text);
    expect(targets.length).toBeGreaterThan(0);
    const broken = targets.filter((target) => {
      const [path = '', hash] = target.split('#');
      const into = path === '' ? join(REPO, file) : join(REPO, dirname(file), path);
      if (!existsSync(into)) return true;
      return hash !== undefined && !anchors(readFileSync(into, 'utf8')).has(hash);
    });
    expect(broken, `broken links in ${relative(REPO, join(REPO, file))}`).toEqual([]);
  });

  it('names only repository paths that exist (`src/...`, `test/...`, `docs/...`)', () => {
    const named = files.flatMap((file) =>
      [
        ...readFileSync(join(REPO, file), 'utf8').matchAll(
          /`((?:src|test|bench|fixtures|docs|scripts)\/[\w./-]+)`/g,
        ),
      ].map((m) => ({ file, path: m[1] ?? '' })),
    );
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter(({ path }) => !existsSync(join(REPO, path)))).toEqual([]);
  });
});
