import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, expect } from 'vitest';
import type { Session } from '@/lib/sessions/schema';

/** A marker planted in a file NEXT TO the sessions dir: it must never appear in any response. */
export const SECRET = 'TOP-SECRET-7f3a9c1e-do-not-leak';

export interface SecurityDirs {
  /** Temp root holding `sessions/` (SESSIONS_DIR) and `secret.txt`, `session_meta.json` planted outside it. */
  root: string;
  sessions: string;
}

/**
 * Each test gets `<tmp>/sessions` as SESSIONS_DIR, with secret files planted beside it (`<tmp>/secret.txt`,
 * `<tmp>/session_meta.json`, `<tmp>/etc/passwd`) so a traversal that reaches them is visible in the response body.
 */
export function useSecurityDirs(): () => SecurityDirs {
  let dirs: SecurityDirs = { root: '', sessions: '' };
  const previous = process.env.SESSIONS_DIR;
  beforeEach(async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'lorabench-sec-'));
    dirs = { root, sessions: path.join(root, 'sessions') };
    await mkdir(dirs.sessions);
    await mkdir(path.join(root, 'etc'));
    await writeFile(path.join(root, 'secret.txt'), SECRET);
    await writeFile(path.join(root, 'session_meta.json'), JSON.stringify({ secret: SECRET }));
    await writeFile(path.join(root, 'etc', 'passwd'), SECRET);
    process.env.SESSIONS_DIR = dirs.sessions;
  });
  afterEach(async () => {
    if (previous === undefined) delete process.env.SESSIONS_DIR;
    else process.env.SESSIONS_DIR = previous;
    await rm(dirs.root, { recursive: true, force: true });
  });
  return () => dirs;
}

/** Relative path → sha256 of every file (and `dir/` entries for folders) under `dir`, recursively. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
    await Promise.all(
      entries.map(async (e) => {
        const r = path.join(rel, e.name);
        if (e.isDirectory()) {
          out[`${r}/`] = 'dir';
          await walk(r);
        } else {
          out[r] = createHash('sha256').update(await readFile(path.join(dir, r))).digest('hex');
        }
      }),
    );
  }
  await walk('');
  return out;
}

/** Writes `session` as `sessions/<id>/session_meta.json` with a tiny PNG for every result. */
export async function writeSession(sessionsDir: string, s: Session, withImages = true): Promise<void> {
  const folder = path.join(sessionsDir, s.session_id);
  await mkdir(path.join(folder, 'output'), { recursive: true });
  await writeFile(path.join(folder, 'session_meta.json'), JSON.stringify(s));
  if (!withImages) return;
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } }).png().toBuffer();
  for (const r of s.step_2_generation.results) await writeFile(path.join(folder, 'output', r.filename), png);
}

/** Replaces `dir`'s content with a copy of `template`. */
export async function resetDir(dir: string, template: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await cp(template, dir, { recursive: true });
}

export const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });

/** Asserts a 4xx answer carrying `{error: {code, message}}` (strings); returns the body text. */
export async function expectClientError(res: Response, where: string): Promise<string> {
  const text = await res.text();
  expect(res.status, `${where}: status (body ${text.slice(0, 200)})`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${where}: status (body ${text.slice(0, 200)})`).toBeLessThan(500);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${where}: error body is not JSON: ${text.slice(0, 200)}`);
  }
  const err = (body as { error?: { code?: unknown; message?: unknown } }).error;
  expect(typeof err?.code, `${where}: error.code`).toBe('string');
  expect(typeof err?.message, `${where}: error.message`).toBe('string');
  return text;
}

/** Paths added, removed or changed between two snapshots. */
export function diffSnapshots(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]).sort();
}
