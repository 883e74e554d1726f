/** A glob as the YAML language server reads it: `**` any directories, `*` one name. */
export function globRegExp(glob: string): RegExp {
  const body = glob
    .split('/')
    .map((part) =>
      part === '**'
        ? '(?:.*/)?'
        : `${part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}/`,
    )
    .join('');
  return new RegExp(`^${body.slice(0, -1)}$`);
}
