import 'server-only';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brand } from '@/lib/api/errors';

// One app process per data directory. The session store serializes writers inside one process only (a lock map in
// memory); a second process on the same SESSIONS_DIR would read, change and write the same files unseen, losing
// updates (issue 11: 13 of 98 Setup saves and 5 of 67 judgments lost with two terminals). So the first process takes
// `SESSIONS_DIR/.lorabench-lock.json` at start, created with O_EXCL, and a second one refuses to start.
//
// 1. The lock holds the owner's pid, host and the kernel's start time of that pid (Linux /proc), so a pid reused
//    after a crash is not mistaken for the owner.
// 2. A lock whose owner is gone (SIGKILL, power loss) is stale and is taken over; takeovers are serialized by a
//    second O_EXCL file, so two processes starting at once cannot both take it.
// 3. The lock is removed at exit (also after SIGTERM/SIGINT, which end the process through `exit`), only if it is
//    still this process's.
// 4. A read-only data directory needs no lock: nothing can be written there, so nothing can be lost.

export const LOCK_FILE = '.lorabench-lock.json';
const TAKEOVER_SUFFIX = '.takeover';
/** A takeover file older than this was left by a process killed during its takeover (which takes microseconds). */
const TAKEOVER_STALE_MS = 10_000;

interface LockInfo {
  pid: number;
  host: string;
  /** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); null where there is no /proc. */
  proc_start: string | null;
  started_at: string;
}

/** Another live process holds the data directory. Its message says which, and what to do. */
export class DataDirLockedError extends Error {
  constructor(
    message: string,
    readonly holder: LockInfo | null,
  ) {
    super(message);
    this.name = 'DataDirLockedError';
    brand(this, 'data_dir_locked');
  }
}

/** The start time of process `pid` from /proc, or null (no such process, or no /proc on this system). */
function procStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function readLock(file: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    return Number.isInteger(info?.pid) ? info : null;
  } catch {
    return null;
  }
}

/** Whether the process a lock names still runs (on another host we cannot tell, so yes). */
function ownerAlive(info: LockInfo): boolean {
  if (info.host !== os.hostname()) return true;
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // The pid exists; where /proc says when it started, a different start time means the pid was reused.
  const now = procStart(info.pid);
  return now === null || info.proc_start === null || now === info.proc_start;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);

function mine(): LockInfo {
  return { pid: process.pid, host: os.hostname(), proc_start: procStart(process.pid), started_at: new Date().toISOString() };
}

const sameOwner = (a: LockInfo | null, b: LockInfo) => a?.pid === b.pid && a.host === b.host && a.proc_start === b.proc_start;

/** Removes a stale lock, unless another process is taking it over at this moment (then the caller tries again). */
function takeOver(file: string, stale: LockInfo | null): void {
  const guard = file + TAKEOVER_SUFFIX;
  let fd: number;
  try {
    fd = openSync(guard, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const age = Date.now() - (statSync(guard, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > TAKEOVER_STALE_MS) unlinkSync(guard);
    return;
  }
  try {
    // Still the same stale lock (not one a live process made meanwhile)?
    const now = readLock(file);
    if ((stale === null && now === null) || (stale !== null && sameOwner(now, stale))) unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  } finally {
    closeSync(fd);
    unlinkSync(guard);
  }
}

/**
 * Takes the data directory `dir` for this process (see the notes above) and returns the lock file's path, or null
 * when the directory is read-only. Throws DataDirLockedError naming the live owner (pid, host, since when).
 */
export function lockDataDir(dir: string): string | null {
  const file = path.join(dir, LOCK_FILE);
  const me = mine();
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    if (READ_ONLY.has((err as NodeJS.ErrnoException).code ?? '')) return null;
    throw err;
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (READ_ONLY.has(code)) return null;
      if (code !== 'EEXIST') throw err;
      const holder = readLock(file);
      if (holder && sameOwner(holder, me)) return file;
      if (holder && ownerAlive(holder)) {
        throw new DataDirLockedError(
          `${dir} is in use by another LoRA Bench (pid ${holder.pid} on ${holder.host}, since ${holder.started_at}). ` +
            `Stop that one first, or give this one its own SESSIONS_DIR. If no such process runs, delete ${file}.`,
          holder,
        );
      }
      // A lock without valid content may be one being written right now: give its writer a moment first.
      if (!holder && Date.now() - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 1000) sleep(20);
      else takeOver(file, holder);
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(me)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    process.once('exit', () => {
      if (sameOwner(readLock(file), me)) unlinkSync(file);
    });
    return file;
  }
  throw new DataDirLockedError(`could not take ${file}: other processes kept changing it`, null);
}
