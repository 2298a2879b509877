// Issue 11: two app processes on one SESSIONS_DIR lost updates (the write lock lives in one process). The second
// process must refuse to start, naming the first; once the first is gone (stopped, or SIGKILLed and its lock stale),
// a new one starts.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBuiltApp } from '../helpers/built-app';
import { LOCK_FILE } from '../helpers/security-fs';

let root = '';
let dir = '';
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'lorabench-two-'));
  dir = path.join(root, 'sessions');
  await mkdir(dir);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('two app processes on one SESSIONS_DIR', () => {
  it('the second refuses to start while the first runs; after SIGTERM or SIGKILL of the first, a new one starts', async () => {
    const counts = { refused: 0, startedAfterStop: 0, startedAfterKill: 0 };
    const first = await startBuiltApp({ sessionsDir: dir });
    const lock = JSON.parse(await readFile(path.join(dir, LOCK_FILE), 'utf8'));
    expect(lock.pid).toBe(first.child.pid);
    for (let i = 0; i < 2; i++) {
      const second = await startBuiltApp({ sessionsDir: dir, waitForHealth: false });
      const code = await Promise.race([second.exited, new Promise((r) => setTimeout(() => r('still running'), 60_000))]);
      if (code === 'still running') await second.kill();
      expect(code).toBe(1);
      expect(second.logs.join('\n')).toMatch(new RegExp(`in use by another LoRA Bench \\(pid ${first.child.pid} `));
      counts.refused++;
    }
    // The first one still serves, and still holds the lock.
    expect((await fetch(`${first.base}/api/sessions`)).status).toBe(200);
    expect(JSON.parse(await readFile(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(first.child.pid);

    await first.stop();
    const afterStop = await startBuiltApp({ sessionsDir: dir });
    counts.startedAfterStop++;
    await afterStop.kill();
    // SIGKILL leaves the lock behind; its owner is gone, so it is stale.
    expect(JSON.parse(await readFile(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(afterStop.child.pid);
    const afterKill = await startBuiltApp({ sessionsDir: dir });
    counts.startedAfterKill++;
    expect(JSON.parse(await readFile(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(afterKill.child.pid);
    await afterKill.stop();
    console.log(
      `two processes: ${counts.refused} second processes refused while the first ran, ` +
        `${counts.startedAfterStop} started after a stop, ${counts.startedAfterKill} after a SIGKILL (stale lock taken over)`,
    );
  }, 240_000);
});
