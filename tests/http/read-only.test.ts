// Issue 11: GET never writes. Listing sessions and reading one (with a session left `running` by a crash and a folder
// of the original tool among them) must leave every file as it was, inode and mtime included, and must work on a
// data directory that cannot be written at all (a read-only mount, where this machine allows mounting).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBuiltApp } from '../helpers/built-app';
import { generatedSession } from '../helpers/generated-session';
import { writeSession } from '../helpers/security-fs';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/legacy-v2/20240115_143022');
const DONE = '20240301_100000';
const CUT_OFF = '20240301_110000';
const LEGACY = '20240115_143022';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'lorabench-ro-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Relative path → inode, mtime, size and SHA-256 of every file under `dir`, and every folder. */
async function identities(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const rel of (await readdir(dir, { recursive: true })).map(String)) {
    const st = await stat(path.join(dir, rel));
    // A folder's mtime changes when the thumbnail cache is made in it; its entries are listed on their own.
    out[rel] = st.isDirectory()
      ? `dir ${st.ino}`
      : `${st.ino} ${st.mtimeMs} ${st.size} ${createHash('sha256')
          .update(await readFile(path.join(dir, rel)))
          .digest('hex')}`;
  }
  return out;
}

/** A data directory with a completed session, one stored `running` (cut off by a crash) and an original-tool folder. */
async function seed(dir: string): Promise<void> {
  await writeSession(dir, generatedSession(DONE));
  const cut = generatedSession(CUT_OFF);
  cut.status = 'running';
  cut.step_2_generation.generation_complete = false;
  cut.step_2_generation.results[1]!.status = 'running';
  await writeSession(dir, cut);
  await cp(FIXTURE, path.join(dir, LEGACY), { recursive: true });
}

/** Every read a client makes; returns `what status` lines. */
async function readEverything(base: string): Promise<string[]> {
  const session = generatedSession(DONE);
  const file = session.step_2_generation.results[0]!.filename;
  const urls = [
    '/api/sessions',
    `/api/sessions/${DONE}`,
    `/api/sessions/${CUT_OFF}`,
    `/api/sessions/${LEGACY}`,
    `/api/sessions/${DONE}/report`,
    `/api/sessions/${DONE}/images/${file}`,
    `/api/sessions/${DONE}/thumbs/${file}?size=128`,
    `/api/sessions/${DONE}/thumbnail`,
    `/api/sessions/${DONE}/grid/0`,
    `/api/sessions/${DONE}/export/zip`,
    '/api/trash',
    '/api/sessions/cleanup',
  ];
  const seen: string[] = [];
  for (const url of urls) seen.push(`${url} ${(await fetch(`${base}${url}`)).status}`);
  return seen;
}

const EXPECTED = [200, 200, 200, 409, 200, 200, 200, 200, 200, 200, 200, 200];

describe('GET never writes', () => {
  it('reads every view of a session, one cut off by a crash and an original-tool folder, leaving every file as it was', async () => {
    const dir = path.join(root, 'plain');
    await mkdir(dir);
    await seed(dir);
    // The app takes its lock and marks the cut-off session interrupted at start (instrumentation.ts): an event, folded
    // into session_meta.json once the session is idle (lib/sessions/writer.ts), which can be after /api/health first
    // answers. What matters is what reads do after that, so the snapshot is taken once the fold is on disk.
    const app = await startBuiltApp({ sessionsDir: dir });
    try {
      const cutMeta = path.join(dir, CUT_OFF, 'session_meta.json');
      for (let i = 0; i < 150 && JSON.parse(await readFile(cutMeta, 'utf8')).status !== 'interrupted'; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const before = await identities(dir);
      const seen = await readEverything(app.base);
      expect(seen.map((l) => Number(l.split(' ').pop()))).toEqual(EXPECTED);
      const cut = await (await fetch(`${app.base}/api/sessions/${CUT_OFF}`)).json();
      expect(cut.session.status).toBe('interrupted');
      const after = await identities(dir);
      const changed = Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k] && !k.includes('.thumbs'));
      console.log(`read-only: ${seen.length + 1} GETs, ${changed.length} files written (thumbnail cache aside)`);
      expect(changed).toEqual([]);
    } finally {
      await app.stop();
    }
  }, 120_000);

  it('serves the same reads from a read-only mount of the data directory', async (ctx) => {
    const dir = path.join(root, 'mount');
    await mkdir(dir);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', dir], { stdio: 'pipe' });
    } catch (err) {
      // Mounting needs root with CAP_SYS_ADMIN; the test above checks the same reads by file identity everywhere.
      console.log(`read-only mount: not possible here (${String(err).split('\n')[0]}); covered by the identity check`);
      ctx.skip();
    }
    try {
      await seed(dir);
      execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe' });
      const app = await startBuiltApp({ sessionsDir: dir });
      try {
        const seen = await readEverything(app.base);
        expect(seen.map((l) => Number(l.split(' ').pop()))).toEqual(EXPECTED);
        expect(app.logs.join('\n')).toMatch(/is read-only: sessions can be viewed, not changed/);
        console.log(`read-only mount: ${seen.length} GETs on a read-only SESSIONS_DIR, all answered as on a writable one`);
      } finally {
        await app.stop();
      }
    } finally {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    }
  }, 120_000);
});
