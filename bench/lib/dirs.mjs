/**
 * Where the workloads' files go, and the one file-system fact that decides what a new file
 * costs here.
 *
 * ext4 without a journal (this kind of VM's root file system) will not hand out an inode freed
 * in the last 60 s (360 s while its inode table block is still dirty): each new file's
 * allocation steps over every such inode of its block group (`recently_deleted` in
 * fs/ext4/ialloc.c; with a journal the check is skipped). After a large delete nearby, from
 * `npm test` just before, the previous run's clean-up or the previous workload's updates,
 * creating a file costs 300 to 700 µs instead of about 30 µs, all of it kernel CPU time.
 * That slows every writer, and the more files a write creates, the more. So the bench
 * (1) marks its base directory as a top directory (`chattr +T`), so that ext4 spreads the
 * workloads' directories over block groups as it does for directories under `/`, and (2) gives
 * those directories names new in every run, because ext4 chooses a top directory's group from
 * its name.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Asks the file system to spread the directories made in `base`; says whether it could. */
export function spreadDirectories(base) {
  return spawnSync('chattr', ['+T', base], { stdio: 'ignore' }).status === 0;
}

/** A directory for one workload's files, named anew in every run (`base` is from mkdtemp). */
export function workloadDir(base, name) {
  const dir = join(base, `${name}-${basename(base).slice(-6)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** 'journal' or 'no journal' for an ext4 directory on Linux; undefined when it cannot tell. */
export function ext4Journal(dir) {
  try {
    const dev = statSync(dir).dev;
    const major = (dev >> 8) & 0xfff;
    const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
    const uevent = readFileSync(`/sys/dev/block/${major}:${minor}/uevent`, 'utf8');
    const device = /^DEVNAME=(.+)$/m.exec(uevent)?.[1];
    if (device === undefined) return undefined;
    return readdirSync('/proc/fs/jbd2').some((entry) => entry.startsWith(`${device}-`))
      ? 'journal'
      : 'no journal';
  } catch {
    return undefined;
  }
}
