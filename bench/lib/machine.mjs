/**
 * The machine a run happened on (Node, CPU, cores, memory, the temp dir's file system) and
 * the build of kvdir measured (its git commit, and whether src/ had uncommitted changes).
 */
import { execFileSync } from 'node:child_process';
import { statSync, statfsSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { ext4Journal } from './dirs.mjs';

const FS_TYPES = {
  0xef53: 'ext4',
  0x01021994: 'tmpfs',
  0x794c7630: 'overlayfs',
  0x58465342: 'xfs',
  0x9123683e: 'btrfs',
};

export function machineInfo(dir) {
  const cpus = os.cpus();
  let fsType = 'unknown';
  try {
    const type = statfsSync(dir).type;
    fsType = FS_TYPES[type] ?? `0x${type.toString(16)}`;
  } catch {
    // statfs is best effort
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    loadavg: os.loadavg().map((v) => Math.round(v * 100) / 100),
    tmp: { dir, fs: fsType, ...(fsType === 'ext4' ? { journal: ext4Journal(dir) } : {}) },
  };
}

/** The build measured: its file's time, and the git commit of its checkout (best effort), taken when the run starts. */
export function buildInfo(impl) {
  const info = { impl, builtAt: statSync(impl).mtime.toISOString() };
  const git = (...args) =>
    execFileSync('git', args, {
      cwd: dirname(impl),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    return {
      ...info,
      commit: git('rev-parse', '--short', 'HEAD'),
      uncommittedSrc: git('status', '--porcelain', '--', ':/src').length > 0,
    };
  } catch {
    return info;
  }
}
