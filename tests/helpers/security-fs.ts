import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { Session } from '@/lib/sessions/schema';

/** A marker planted in a file NEXT TO the sessions dir: it must never appear in any response. */
export const SECRET = 'TOP-SECRET-7f3a9c1e-do-not-leak';

export interface SecurityDirs {
  /** Temp root holding `sessions/` (SESSIONS_DIR) and `secret.txt`, `session_meta.json` planted outside it. */
  root: string;
  sessions: string;
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
          out[r] = createHash('sha256')
            .update(await readFile(path.join(dir, r)))
            .digest('hex');
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
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } })
    .png()
    .toBuffer();
  for (const r of s.step_2_generation.results) await writeFile(path.join(folder, 'output', r.filename), png);
}

/** Replaces `dir`'s content with a copy of `template`'s, keeping `dir` itself and the app's lock file in it. */
export async function resetDir(dir: string, template: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) if (name !== LOCK_FILE) await rm(path.join(dir, name), { recursive: true, force: true });
  for (const name of await readdir(template))
    if (name !== LOCK_FILE) await cp(path.join(template, name), path.join(dir, name), { recursive: true });
}

/** The lock file a running app keeps in SESSIONS_DIR (lib/sessions/process-lock.ts). */
export const LOCK_FILE = '.lorabench-lock.json';

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
  return Object.keys({ ...before, ...after })
    .filter((k) => before[k] !== after[k])
    .sort();
}
