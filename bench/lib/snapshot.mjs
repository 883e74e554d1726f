/**
 * A private copy of the kvdir build being measured. Other people rebuild dist/ while a long
 * run is going (npm test builds it), and the syncer's child processes import kvdir when they
 * start: without a copy, one run could measure two builds.
 */
import { cpSync, existsSync, symlinkSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Copies the package around `impl` (package.json and the build folder) into `dir`; returns the copied `impl`. */
export function snapshotBuild(impl, dir) {
  let root = dirname(impl);
  while (!existsSync(join(root, 'package.json'))) {
    const up = dirname(root);
    if (up === root) return impl;
    root = up;
  }
  const inside = relative(root, impl);
  const top = inside.split(sep)[0];
  cpSync(join(root, 'package.json'), join(dir, 'package.json'));
  cpSync(join(root, top), join(dir, top), { recursive: true });
  if (existsSync(join(root, 'node_modules')))
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return join(dir, inside);
}
