// Swaps what a path is, as fast as it can, until killed: a co-writer of the tree racing kvdir's
// reads (P47). argv: <mode> <dir>
//   file: <dir>/x.yaml becomes in turn a regular file, a link to <dir>/../outside/secret.yaml
//         and a FIFO (each put in place by rename, which replaces the name atomically);
//   dir:  <dir>/d is in turn a directory and a link to <dir>/../outside (two renames).
import { execFileSync } from 'node:child_process';
import { linkSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [mode, dir] = process.argv.slice(2);
const outside = join(dir, '..', 'outside');
const tmp = join(dir, 'swap.tmp');

if (mode === 'file') {
  writeFileSync(join(dir, 'plain.src'), 'inside: true\n');
  execFileSync('mkfifo', [join(dir, 'fifo.src')]);
  const makers = [
    () => linkSync(join(dir, 'plain.src'), tmp),
    () => symlinkSync(join(outside, 'secret.yaml'), tmp),
    () => linkSync(join(dir, 'fifo.src'), tmp),
  ];
  for (let i = 0; ; i++) {
    try {
      unlinkSync(tmp);
    } catch {}
    makers[i % makers.length]();
    renameSync(tmp, join(dir, 'x.yaml'));
  }
} else {
  // <dir>/d is a directory to begin with; <dir>/d-link a link to the outside directory.
  symlinkSync(outside, join(dir, 'd-link'));
  for (;;) {
    renameSync(join(dir, 'd'), join(dir, 'd-real'));
    renameSync(join(dir, 'd-link'), join(dir, 'd'));
    renameSync(join(dir, 'd'), join(dir, 'd-link'));
    renameSync(join(dir, 'd-real'), join(dir, 'd'));
  }
}
