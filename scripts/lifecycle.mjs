// npm's lifecycle scripts for kvdir (package.json "scripts"), one mode each:
//
// - prepare: npm runs it after `npm ci` / `npm install` in a clone, and when it installs kvdir
//   from git (in a temporary clone that has the dev dependencies). Both have src/ and build
//   dist/. A copy installed from that git fetch keeps the script but has no src/ (and no
//   compiler): there it does nothing, so approving it (npm 11's install-scripts) is harmless.
// - strip (in prepack, after the build): takes `prepare` out of the package.json that goes
//   into the tarball, so that installing the tarball runs no script and npm 11 asks nobody to
//   approve one (it lists `prepare` for every package installed from a file or git). The
//   package.json as it was is kept in .package.json.prepack ...
// - restore (postpack): ... and put back, byte for byte.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const manifest = new URL('package.json', root);
const kept = new URL('.package.json.prepack', root);

switch (process.argv[2]) {
  case 'prepare':
    if (existsSync(new URL('src', root))) execSync('npm run build', { stdio: 'inherit' });
    break;
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
    throw new Error(`usage: node scripts/lifecycle.mjs prepare|strip|restore`);
}
