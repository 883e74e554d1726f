/**
 * `kvdir schema [--out DIR]`: the JSON Schema of every Calico value type, one file each, and
 * `yaml-schemas.json`, the `yaml.schemas` setting of the YAML language server that maps the
 * value files' globs to them (paths relative to the working directory, taken as the editor's
 * workspace root). Prints that setting; with -o yaml|json, what was written.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ValueJsonSchema } from '../../index.js';
import { valueJsonSchemas, yamlSchemasSetting } from '../../index.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

const DEFAULT_OUT = 'kvdir-schemas';
const SETTINGS_FILE = 'yaml-schemas.json';

export async function schema(ctx: Context): Promise<number> {
  const out = resolve(ctx.cwd, ctx.string('out') ?? DEFAULT_OUT);
  const schemas = valueJsonSchemas();
  const settings = { 'yaml.schemas': yamlSchemasSetting((s) => location(ctx.cwd, out, s)) };
  const written = [
    ...schemas.map((s) => ({ file: join(out, s.fileName), content: s.schema })),
    { file: join(out, SETTINGS_FILE), content: settings },
  ];
  try {
    await mkdir(out, { recursive: true });
    for (const { file, content } of written)
      await writeFile(file, `${JSON.stringify(content, null, 2)}\n`);
  } catch (err) {
    throw new CliError(`cannot write ${out}: ${(err as Error).message}`, ExitCode.Failure, err);
  }
  ctx.report(JSON.stringify(settings, null, 2), {
    out,
    files: written.map(({ file }) => file),
    ...settings,
  });
  const shown = relative(ctx.cwd, out) || '.';
  ctx.io.stderr.write(
    `kvdir: wrote ${schemas.length} schemas and ${join(shown, SETTINGS_FILE)}; copy its "yaml.schemas" into .vscode/settings.json\n`,
  );
  return ExitCode.Ok;
}

/**
 * Where the editor finds a schema: relative to the workspace root (the working directory)
 * when it is below it, else a file URL.
 */
function location(cwd: string, out: string, schema: ValueJsonSchema): string {
  const file = join(out, schema.fileName);
  const shown = relative(cwd, file);
  if (shown.startsWith('..') || isAbsolute(shown)) return pathToFileURL(file).href;
  return shown.split(sep).join('/');
}
