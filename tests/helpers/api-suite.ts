// The setting an API suite runs in: where the data directory is, which ApiTarget sends its requests, and the running
// count of files changed. `inProcess()` is for the Vitest run before the build; `builtServer()` starts `next start` on
// the build for the post-build run, so the same suite checks what ships.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { type ApiTarget, httpTarget, inProcessTarget } from './api-target';
import { type BuiltApp, startBuiltApp } from './built-app';
import { diffSnapshots, LOCK_FILE, SECRET, type SecurityDirs, snapshot } from './security-fs';

export interface SuiteContext {
  kind: ApiTarget['kind'];
  target(): ApiTarget;
  dirs(): SecurityDirs;
  /** The built app (HTTP only). */
  app(): BuiltApp | null;
  /** Files changed, across all checks of the run: anywhere, and outside `sessions/` (the planted secrets). */
  changes: { files: number; outside: number };
}

/** Files the app keeps in SESSIONS_DIR for itself, which a reset between tests leaves in place. */
const KEEP = new Set([LOCK_FILE]);

/** Empties `sessions/` (but for KEEP) and plants the secrets beside it again. */
async function reset(d: SecurityDirs): Promise<void> {
  await mkdir(d.sessions, { recursive: true });
  for (const name of await readdir(d.sessions)) {
    if (!KEEP.has(name)) await rm(path.join(d.sessions, name), { recursive: true, force: true });
  }
  for (const name of await readdir(d.root)) {
    if (name !== 'sessions') await rm(path.join(d.root, name), { recursive: true, force: true });
  }
  await mkdir(path.join(d.root, 'etc'));
  await writeFile(path.join(d.root, 'secret.txt'), SECRET);
  await writeFile(path.join(d.root, 'session_meta.json'), JSON.stringify({ secret: SECRET }));
  await writeFile(path.join(d.root, 'etc', 'passwd'), SECRET);
}

/**
 * One temp root per test file holding `sessions/` (SESSIONS_DIR) and secrets planted beside it (`secret.txt`,
 * `session_meta.json`, `etc/passwd`), so a traversal that reaches them shows in a response body; `sessions/` is
 * emptied and the secrets planted anew before every test.
 */
function suiteDirs(): { dirs: () => SecurityDirs; ready: Promise<SecurityDirs> } {
  let dirs: SecurityDirs | null = null;
  let settle: (d: SecurityDirs) => void = () => {};
  const ready = new Promise<SecurityDirs>((r) => (settle = r));
  beforeAll(async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'lorabench-api-'));
    dirs = { root, sessions: path.join(root, 'sessions') };
    await reset(dirs);
    settle(dirs);
  });
  beforeEach(async () => reset(dirs!));
  afterAll(async () => {
    if (dirs) await rm(dirs.root, { recursive: true, force: true });
  });
  return {
    ready,
    dirs: () => {
      if (!dirs) throw new Error('the suite directories exist only inside tests');
      return dirs;
    },
  };
}

/** The route modules in this process, SESSIONS_DIR pointed at the suite's folder. */
export function inProcess(): SuiteContext {
  const { dirs } = suiteDirs();
  const target = inProcessTarget();
  const previous = process.env.SESSIONS_DIR;
  beforeAll(() => {
    process.env.SESSIONS_DIR = dirs().sessions;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.SESSIONS_DIR;
    else process.env.SESSIONS_DIR = previous;
  });
  return { kind: 'in-process', target: () => target, dirs, app: () => null, changes: { files: 0, outside: 0 } };
}

/** `next start` on the build, with the suite's SESSIONS_DIR and `env` (e.g. COMFYUI_URL of a simulator). */
export function builtServer(env: () => Record<string, string> = () => ({})): SuiteContext {
  const { dirs, ready } = suiteDirs();
  let app: BuiltApp | null = null;
  let target: ApiTarget | null = null;
  beforeAll(async () => {
    const d = await ready;
    const extra = env();
    app = await startBuiltApp({ sessionsDir: d.sessions, comfyUrl: extra.COMFYUI_URL, env: extra });
    target = httpTarget(app.base);
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
  });
  return {
    kind: 'http',
    target: () => {
      if (!target) throw new Error('the built app is not running');
      return target;
    },
    dirs,
    app: () => app,
    changes: { files: 0, outside: 0 },
  };
}

/**
 * The paths that changed under the root since `before` (a `snapshot(root)`), counted into `s.changes` (and those
 * outside `sessions/` separately). Returns them; the caller asserts.
 */
export async function changedSince(s: SuiteContext, before: Record<string, string>): Promise<string[]> {
  const changed = diffSnapshots(before, await snapshot(s.dirs().root));
  s.changes.files += changed.length;
  s.changes.outside += changed.filter((p) => !p.startsWith(`sessions${path.sep}`) && p !== 'sessions/').length;
  return changed;
}

/** Asserts that nothing under the root changed since `before`, counting what did. */
export async function expectUnchanged(s: SuiteContext, before: Record<string, string>, where: string): Promise<void> {
  expect(await changedSince(s, before), `${where}: files changed`).toEqual([]);
}

/** The summary line of a run: routes, requests, 5xx and files changed. */
export function summaryLine(label: string, s: SuiteContext): string {
  const t = s.target().tally;
  return (
    `${label}: ${t.routes.size} routes, ${t.requests} requests, 5xx = ${t.serverErrors}, ` +
    `files changed = ${s.changes.files}, files outside SESSIONS_DIR changed = ${s.changes.outside}`
  );
}
