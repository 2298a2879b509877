import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDataDir } from '@/lib/sessions/process-lock';
import { removeOrphans } from '@/lib/sessions/startup';
import { tempSessionsDir } from '../../helpers/temp-sessions';

const dir = tempSessionsDir();

/** Field 22 of /proc/<pid>/stat, as the lock records it. */
async function procStart(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

const lockOf = (pid: number, proc_start: string | null, host = os.hostname()) =>
  `${JSON.stringify({ pid, host, proc_start, started_at: '2026-01-01T00:00:00.000Z' })}\n`;

describe('one app process per data directory', () => {
  it('takes a free directory, and again from the same process', async () => {
    const file = lockDataDir(dir());
    expect(file).toBe(path.join(dir(), LOCK_FILE));
    expect(JSON.parse(await readFile(file!, 'utf8'))).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(lockDataDir(dir())).toBe(file);
  });

  it('refuses while another live process holds it, naming its pid', async () => {
    const other = spawn('sleep', ['30']);
    try {
      await new Promise((r) => other.once('spawn', r));
      await writeFile(path.join(dir(), LOCK_FILE), lockOf(other.pid!, await procStart(other.pid!)));
      expect(() => lockDataDir(dir())).toThrow(new RegExp(`in use by another LoRA Bench \\(pid ${other.pid} on `));
      // A holder on another host cannot be checked from here: refused too.
      await writeFile(path.join(dir(), LOCK_FILE), lockOf(1, null, 'elsewhere'));
      expect(() => lockDataDir(dir())).toThrow(/pid 1 on elsewhere/);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a stale lock: the owner is gone, or its pid now belongs to another process', async () => {
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    await writeFile(path.join(dir(), LOCK_FILE), lockOf(gone.pid!, '1'));
    expect(lockDataDir(dir())).toBe(path.join(dir(), LOCK_FILE));
    expect(JSON.parse(await readFile(path.join(dir(), LOCK_FILE), 'utf8')).pid).toBe(process.pid);

    // pid reuse: the recorded pid runs, but started at another time than the lock says.
    const reused = spawn('sleep', ['30']);
    try {
      await new Promise((r) => reused.once('spawn', r));
      await writeFile(path.join(dir(), LOCK_FILE), lockOf(reused.pid!, '1'));
      expect(lockDataDir(dir())).toBe(path.join(dir(), LOCK_FILE));
      expect(await readdir(dir())).toEqual([LOCK_FILE]);
    } finally {
      reused.kill('SIGKILL');
    }
  });
});

describe('removeOrphans', () => {
  it('removes import folders and temp files of atomic writes, and nothing else', async () => {
    const id = '20240115_143022';
    await mkdir(path.join(dir(), '.import-abc123', 'output'), { recursive: true });
    await writeFile(path.join(dir(), '.import-abc123', 'upload.zip'), 'x');
    await mkdir(path.join(dir(), id, 'output', '.thumbs'), { recursive: true });
    const keep = ['session_meta.json', 'session_meta.v1.json', 'output/lora_0_0_0.png', 'output/.thumbs/lora_0_0_0.128.webp', 'notes.txt.123'];
    const orphans = ['session_meta.json.3141592653', 'session_meta.v1.json.27', 'output/lora_0_0_0.png.2718281828', 'output/.thumbs/lora_0_0_0.128.webp.1'];
    for (const f of [...keep, ...orphans]) await writeFile(path.join(dir(), id, f), 'x');
    await mkdir(path.join(dir(), '.trash', id), { recursive: true });
    await writeFile(path.join(dir(), '.trash', id, 'session_meta.json.99'), 'x');
    expect(await removeOrphans(dir())).toEqual({ imports: 1, tempFiles: orphans.length });
    const left = (await readdir(path.join(dir(), id), { recursive: true })).map(String).filter((f) => !['output', 'output/.thumbs'].includes(f));
    expect(left.sort()).toEqual(keep.sort());
    expect(await readdir(dir())).not.toContain('.import-abc123');
    // The trash is left as it is: restoring a folder brings back exactly what was deleted.
    expect(await readdir(path.join(dir(), '.trash', id))).toEqual(['session_meta.json.99']);
  });
});
