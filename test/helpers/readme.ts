/** The README's code blocks, as tests take them out of it. */
export interface Example {
  code: string;
  /** The prose between the code and the YAML block that shows the file it leaves. */
  prose: string;
  /** That YAML block: its first line is `# <file>`. */
  shown: string;
}

/** Each `js` block of the section under `heading` (up to the next `## `), with what follows it. */
export function examples(readme: string, heading: string): Example[] {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no heading ${heading}`);
  const end = readme.indexOf('\n## ', start + heading.length + 2);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```js\n([\s\S]*?)\n```\n([\s\S]*?)```yaml\n([\s\S]*?)```/g)].map(
    (m) => ({ code: `${m[1] ?? ''}\n`, prose: m[2] ?? '', shown: m[3] ?? '' }),
  );
}
