import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** Points SESSIONS_DIR at a fresh temp folder for each test and removes it afterwards. Returns a getter. */
export function tempSessionsDir(): () => string {
  let dir = '';
  const previous = process.env.SESSIONS_DIR;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lorabench-test-'));
    process.env.SESSIONS_DIR = dir;
  });
  afterEach(async () => {
    if (previous === undefined) delete process.env.SESSIONS_DIR;
    else process.env.SESSIONS_DIR = previous;
    await rm(dir, { recursive: true, force: true });
  });
  return () => dir;
}
