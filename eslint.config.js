// Lint: the direction of imports between the folders (see README, "Project layout"), no import
// cycles, and a few TypeScript habits. Formatting is Prettier's job (npm run format:check).
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** `no-restricted-imports` patterns: what a folder may not import (a group may be a list, with `!` exceptions). */
function forbid(...groups) {
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: groups.map(([group, message]) => ({
          group: Array.isArray(group) ? group : [group],
          message,
        })),
      },
    ],
  };
}

const CLI = [['**/cli/**', 'the command line sits on top: nothing imports it']];
const CONTRACT = [['**/contract/**', 'the contract suites test backends: nothing imports them']];
const BACKENDS = [['**/backends/**', 'backends sit above the shared layers']];
const IO = [
  ['node:fs', 'pure code: no I/O'],
  ['node:fs/*', 'pure code: no I/O'],
  ['chokidar', 'pure code: no I/O'],
  ['etcd3', 'pure code: no I/O'],
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/**', 'bin/**', 'fixtures/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: false } },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver()],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      'import-x/no-cycle': 'error',
      'import-x/no-duplicates': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: ['src/model/**/*.ts'],
    rules: forbid(
      ['**/core/**', 'model/ is pure and imports nothing of ours'],
      ['**/syncer/**', 'model/ is pure and imports nothing of ours'],
      ...BACKENDS,
      ...CONTRACT,
      ...CLI,
      ...IO,
    ),
  },
  {
    files: ['src/core/**/*.ts'],
    rules: forbid(
      ['**/syncer/**', 'core/ holds what every backend shares'],
      ...BACKENDS,
      ...CONTRACT,
      ...CLI,
    ),
  },
  {
    files: ['src/syncer/**/*.ts'],
    rules: forbid(...BACKENDS, ...CONTRACT, ...CLI, ...IO),
  },
  {
    files: ['src/backends/file/**/*.ts'],
    rules: forbid(
      ['**/etcd/**', 'the file backend does not know the etcd backend'],
      ['etcd3', 'the file backend does not load the etcd client'],
      ...CONTRACT,
      ...CLI,
    ),
  },
  {
    files: ['src/backends/etcd/**/*.ts'],
    rules: forbid(
      ['**/file/**', 'the etcd backend does not know the file backend'],
      ['chokidar', 'the etcd backend does not watch files'],
      ...CONTRACT,
      ...CLI,
    ),
  },
  {
    // The mirror composes a source Client and the etcd backend's mirror target: etcd's calls
    // stay in backends/etcd (behind EtcdMirrorTarget), files are reached through the Client.
    files: ['src/mirror/**/*.ts'],
    rules: forbid(
      ['**/backends/file/**', 'the mirror reads its source through the Client interface'],
      ['etcd3', 'the mirror reaches etcd only through EtcdMirrorTarget (backends/etcd)'],
      ['chokidar', 'the mirror reads its source through the Client interface'],
      ['node:fs', 'the mirror reads its source through the Client interface'],
      ['node:fs/*', 'the mirror reads its source through the Client interface'],
      ...CONTRACT,
      ...CLI,
    ),
  },
  {
    // The mirror's rules (plan, diff, safety, txn splitting, the two pictures) are pure.
    files: [
      'src/mirror/actual.ts',
      'src/mirror/chunks.ts',
      'src/mirror/desired.ts',
      'src/mirror/plan.ts',
      'src/mirror/safety.ts',
    ],
    rules: forbid(
      [
        ['**/backends/**/*.js', '!**/backends/etcd/mirror-types.js'],
        'pure: of the backends, only the data types of the mirror target',
      ],
      ['**/core/**', 'pure: no clock, no client'],
      ['**/syncer/**', 'pure: no timers'],
      ['node:*', 'pure: no I/O'],
      ...IO,
      ...CONTRACT,
      ...CLI,
    ),
  },
  {
    files: ['src/contract/**/*.ts'],
    rules: forbid(
      ['../model/**', 'the contract suites use the public API only (../index.js)'],
      ['../core/**', 'the contract suites use the public API only (../index.js)'],
      ['../syncer/**', 'the contract suites use the public API only (../index.js)'],
      ...BACKENDS,
      ...CLI,
    ),
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: forbid(
      ['../model/**', 'the command line uses the public API only (../index.js)'],
      ['../../model/**', 'the command line uses the public API only (../../index.js)'],
      ['**/core/**', 'the command line uses the public API only'],
      ['**/syncer/**', 'the command line uses the public API only'],
      ['**/backends/file/**', 'the command line uses the public API only'],
      ...CONTRACT,
    ),
  },
);
