// What npm runs around `npm pack` and `npm publish` (package.json "scripts"):
//
// - strip (prepack, after the build) takes `prepare` out of the package.json that goes into
//   the tarball, so that installing the tarball runs no script and npm 11 asks nobody to
//   approve one (it lists `prepare` for every package installed from a file or from git). The
//   package.json as it was is kept in .package.json.prepack ...
// - restore (postpack) ... and put back, byte for byte.
//
// `prepare` itself stays in the repository's package.json for installs from git: npm clones
// kvdir, installs its dev dependencies and runs `prepare`, which builds dist/. It builds only
// where src/ is (a clone: also after `npm ci`); a copy installed from git has the script but
// no src/ (this file is not shipped either), so there it does nothing, approved or not.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const manifest = new URL('package.json', root);
const kept = new URL('.package.json.prepack', root);

switch (process.argv[2]) {
  case 'strip': {
    const text = readFileSync(manifest, 'utf8');
    const pkg = JSON.parse(text);
    delete pkg.scripts.prepare;
    writeFileSync(kept, text);
    writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
    break;
  }
  case 'restore':
    if (existsSync(kept)) renameSync(kept, manifest);
    break;
  default:
    throw new Error(`usage: node scripts/lifecycle.mjs strip|restore`);
}
