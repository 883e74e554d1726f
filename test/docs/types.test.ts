/**
 * The types a TypeScript user gets, checked as a user checks them: a project whose
 * node_modules/kvdir is this package (built by `npm test` before the tests), compiled by tsc
 * under `strict` with `module`/`moduleResolution` `nodenext`. It compiles the README's first
 * examples and every README block marked `<!-- tsc -->`, and a consumer whose `@ts-expect-error`
 * lines prove that wrong values do not compile (tsc fails on a directive with no error).
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';
import { examples } from '../helpers/readme.js';
import { tempDir } from '../helpers/temp-dir.js';

const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

/** The README's code blocks to compile: the first examples, and each block after `<!-- tsc -->`. */
function readmeExamples(readme: string): string[] {
  const blocks = examples(readme, '## A first example').map((example) => example.code);
  for (const match of readme.matchAll(/<!-- tsc -->\n```ts\n([\s\S]*?)\n```\n/g))
    blocks.push(`${match[1] ?? ''}\n`);
  return blocks;
}

async function consumerProject(files: Record<string, string>): Promise<string> {
  const project = await tempDir();
  await mkdir(join(project, 'node_modules'));
  await symlink(REPO, join(project, 'node_modules', 'kvdir'), 'dir');
  await writeFile(join(project, 'package.json'), '{ "type": "module" }\n');
  const compilerOptions = {
    strict: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    noEmit: true,
    // As `tsc --init` sets it. With false, tsc also checks TypeBox's declarations (a type-level
    // TypeScript parser): 20 s more on a busy 2-core machine, for nothing about kvdir's types. A
    // declaration of kvdir's that failed to resolve would not pass unnoticed: it would turn a
    // value `any`, and the consumer's @ts-expect-error lines would then fail as unused.
    skipLibCheck: true,
    noUncheckedIndexedAccess: true,
    // A Node project has @types/node; take this repository's.
    typeRoots: [join(REPO, 'node_modules', '@types')],
    types: ['node'],
  };
  await writeFile(
    join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions, include: Object.keys(files) }, null, 2),
  );
  for (const [name, text] of Object.entries(files)) await writeFile(join(project, name), text);
  return project;
}

/** tsc's output for the project (its errors, one a line), '' when it compiles. */
async function tsc(project: string): Promise<string> {
  try {
    await promisify(execFile)(process.execPath, [TSC, '-p', project, '--pretty', 'false']);
    return '';
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err);
  }
}

/** One wrong write, whose errors must be at the value and name the type. */
const WRONG = [
  "import { FileBackend, PolicyKey } from 'kvdir';",
  "const client = new FileBackend({ root: '.' });",
  "await client.create({ key: new PolicyKey({ name: 'p' }), value: 'x' });",
  "await client.create({ key: new PolicyKey({ name: 'p' }), value: { selector: '', order: 'high' } });",
  '',
].join('\n');

describe('types for a TypeScript user (strict, nodenext)', () => {
  // One tsc run (tsc over the package's declarations takes seconds): everything must compile
  // but wrong.mts, whose two errors must be exactly these.
  it("compile the README's examples and a consumer whose wrong values are compile errors, reported at the value", async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8');
    const examples = readmeExamples(readme);
    expect(examples.length).toBeGreaterThanOrEqual(4);
    const project = await consumerProject({
      ...Object.fromEntries(
        examples.map((code, index) => [`readme-${index}.mts`, `${code}export {};\n`]),
      ),
      'consumer.mts': await readFile(join(REPO, 'test/docs/consumer-types.ts.txt'), 'utf8'),
      'wrong.mts': WRONG,
    });
    const errors = (await tsc(project))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.replace(/^.*[/\\]/, ''));
    expect(errors).toEqual([
      "wrong.mts(3,58): error TS2322: Type 'string' is not assignable to type 'Policy'.",
      "wrong.mts(4,81): error TS2322: Type 'string' is not assignable to type 'number'.",
    ]);
  }, 180_000); // tsc in a child process: seconds, more on a busy machine
});
