/**
 * `kvdir completion bash|zsh|fish`. The bash script is run by bash: its function is called
 * with COMP_WORDS/COMP_CWORD set as bash sets them, and COMPREPLY is checked. zsh and fish are
 * not installed here: their scripts are checked for what the command table says they hold.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../src/cli/spec.js';
import { run } from './memory-io.js';

const hasBash = existsSync('/bin/bash');

/** What bash completes for the words typed so far (the last one is being completed). */
async function complete(...words: string[]): Promise<string[]> {
  const script = (await run(['completion', 'bash'])).stdout;
  const program = [
    script,
    `COMP_WORDS=(kvdir ${words.map((word) => `'${word}'`).join(' ')})`,
    `COMP_CWORD=${words.length}`,
    '_kvdir',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const out = execFileSync('/bin/bash', ['--norc', '--noprofile', '-c', program], {
    encoding: 'utf8',
  });
  return out.split('\n').filter((line) => line !== '');
}

describe('kvdir completion', () => {
  it.runIf(hasBash)(
    'bash: completes commands, then their options, formats and arguments',
    async () => {
      expect(await complete('')).toEqual(expect.arrayContaining([...COMMAND_NAMES, '--root']));
      expect(await complete('li')).toEqual(['list']);
      expect(await complete('d')).toEqual(['delete']);
      expect(await complete('delete', '/a', '--')).toEqual(
        expect.arrayContaining(['--prefix', '--dry-run', '--revision', '--root', '--output']),
      );
      expect(await complete('delete', '/a', '--')).not.toContain('--show-revision');
      expect(await complete('get', '/a', '--sh')).toEqual(['--show-revision']);
      // -o completes the formats the command takes; a global option before the command is skipped.
      expect((await complete('--root', 'r', 'get', '/a', '-o', '')).sort()).toEqual([
        'json',
        'raw',
        'yaml',
      ]);
      expect((await complete('list', '-o', '')).sort()).toEqual(['json', 'wide', 'yaml']);
      expect(await complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
      expect(await complete('help', 'wa')).toEqual(['watch']);
      expect(await complete('put', '/a', 'v', '--ttl', '')).toEqual([]);
    },
  );

  it('zsh and fish: every command, with its options', async () => {
    const zsh = await run(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toMatch(/^#compdef kvdir\n/);
    const fish = (await run(['completion', 'fish'])).stdout;
    for (const name of COMMAND_NAMES) {
      expect(zsh.stdout).toContain(`'${name}:`);
      expect(fish).toContain(`-n __fish_use_subcommand -a ${name} `);
    }
    expect(zsh.stdout).toContain(`'(-r --prefix)'{-r,--prefix}'[`);
    expect(fish).toContain('complete -c kvdir -n "__fish_seen_subcommand_from delete" -l dry-run');
    expect(fish).toContain('-s o -l output -x -a "yaml json raw wide"');
  });

  it('exits 2 for a shell it does not know', async () => {
    const result = await run(['completion', 'tcsh']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^kvdir: completion: unknown shell 'tcsh' \(use bash, zsh or fish\)\n/,
    );
  });
});
