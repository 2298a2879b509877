import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A folder whose room a test can take away and give back. */
export interface SmallDisk {
  /** The folder (SESSIONS_DIR goes here). */
  dir: string;
  /** `tmpfs`: a 1 MiB tmpfs mounted on `dir`; `fsize`: this process's RLIMIT_FSIZE (no file may grow). */
  mechanism: 'tmpfs' | 'fsize';
  /** The errno a write gets while the disk is full: ENOSPC (tmpfs) or EFBIG (fsize). */
  errno: 'ENOSPC' | 'EFBIG';
  /** How the mechanism was chosen, for the test's log line. */
  note: string;
  /** Takes all room away: every later write that needs space fails with `errno`. Synchronous, so it can run inside an event. */
  fill(): void;
  /** Gives the room back. */
  free(): void;
  /** Frees, unmounts and removes the folder. Throws when the tmpfs cannot be unmounted. */
  dispose(): Promise<void>;
}

/** The filler file of the tmpfs mechanism; tests leave it out of their listings. */
export const FILLER = '.filler';

/**
 * A small disk for fault tests: a 1 MiB tmpfs when this process may mount one (root with CAP_SYS_ADMIN), else the
 * fallback: RLIMIT_FSIZE of this process, set with util-linux `prlimit` (soft limit 0 while full). Node ignores
 * SIGXFSZ, so a write beyond the limit fails with EFBIG instead of killing the process. `FAULTS_DISK=tmpfs|fsize`
 * forces one mechanism; when it cannot be set up this throws, so a test never skips silently.
 */
export async function smallDisk(): Promise<SmallDisk> {
  const forced = process.env.FAULTS_DISK;
  if (forced && forced !== 'tmpfs' && forced !== 'fsize') throw new Error(`FAULTS_DISK must be tmpfs or fsize, not ${forced}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lorabench-disk-'));
  if (forced !== 'fsize') {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', dir], { stdio: 'pipe' });
      return tmpfsDisk(dir, forced ? 'forced by FAULTS_DISK' : 'mounted');
    } catch (err) {
      if (forced) throw new Error(`FAULTS_DISK=tmpfs but mount failed: ${describe(err)}`);
      return fsizeDisk(dir, `tmpfs mount failed (${describe(err)}), falling back`);
    }
  }
  return fsizeDisk(dir, 'forced by FAULTS_DISK');
}

function describe(err: unknown): string {
  const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
  return stderr || (err instanceof Error ? err.message : String(err));
}

function tmpfsDisk(dir: string, note: string): SmallDisk {
  const filler = path.join(dir, FILLER);
  return {
    dir,
    mechanism: 'tmpfs',
    errno: 'ENOSPC',
    note,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024, 0x78);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    async dispose() {
      rmSync(filler, { force: true });
      execFileSync('umount', [dir], { stdio: 'pipe' });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function fsizeDisk(dir: string, note: string): SmallDisk {
  const pid = String(process.pid);
  const soft = execFileSync('prlimit', ['--pid', pid, '--fsize', '--raw', '--noheadings', '--output=SOFT']).toString().trim();
  const setSoft = (value: string) => execFileSync('prlimit', ['--pid', pid, `--fsize=${value}:`], { stdio: 'pipe' });
  // Proves the limit bites before any test relies on it.
  setSoft('0');
  const probe = path.join(dir, 'probe');
  const fd = openSync(probe, 'w');
  try {
    writeSync(fd, 'x');
    throw new Error('RLIMIT_FSIZE 0 did not stop a write');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EFBIG') throw err;
  } finally {
    setSoft(soft);
    closeSync(fd);
    rmSync(probe, { force: true });
  }
  return {
    dir,
    mechanism: 'fsize',
    errno: 'EFBIG',
    note,
    fill: () => setSoft('0'),
    free: () => setSoft(soft),
    async dispose() {
      setSoft(soft);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
