import 'server-only';
import { cp, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '@/lib/api/errors';
import { SESSION_ID_PATTERN, type Session, type SessionSummary, type Setup } from './schema';
import { createSession, listSessions, loadSession, sessionSummary } from './store';
import { outputPath, sessionPath, sessionsDir } from './paths';

export const TRASH_DIR = '.trash';

/** `sessions/.trash/`, where deleted sessions wait to be restored. */
export function trashPath(): string {
  return path.join(/*turbopackIgnore: true*/ sessionsDir(), TRASH_DIR);
}

/** A trashed folder is `<session_id>` or, when that name was taken in the trash, `<session_id>__<epoch ms>`. */
const TRASH_NAME_PATTERN = /^(\d{8}_\d{6}(?:_\d{1,4})?)(?:__\d+)?$/;

/**
 * A new session with the same Setup as `id` (new id, empty generation and evaluation): for reproducing a run or
 * re-testing a retrained LoRA file of the same name. Throws ApiError not_found / damaged.
 */
export async function relaunchSession(id: string, now = new Date()): Promise<Session> {
  const source = await loadSession(id);
  return createSession(now, source.step_1_setup, { notes: [source.notes, `Relaunch of ${id}.`].filter(Boolean).join('\n') });
}

/**
 * "Save as new": the whole state of `id` (Setup, optionally replaced by unsaved edits while Setup may still change,
 * images, blind order, scores) under a new session id. A job running on the source does not follow the copy, so a copy
 * of a running session is `interrupted` and can be resumed. Throws ApiError not_found / damaged.
 */
export async function copySession(id: string, setup?: Setup, now = new Date()): Promise<Session> {
  const source = await loadSession(id);
  const { session_id: _id, timestamp: _t, revision: _r, log_offset: _o, schema_version: _v, step_1_setup, ...rest } = structuredClone(source);
  for (const r of rest.step_2_generation.results) if (r.status === 'running') r.status = 'queued';
  const fresh = await createSession(now, setup && !source.step_2_generation.generation_started ? setup : step_1_setup, {
    ...rest,
    status: source.status === 'running' ? 'interrupted' : source.status,
    notes: [source.notes, `Saved as new from ${id}.`].filter(Boolean).join('\n'),
  });
  try {
    await cp(outputPath(id), outputPath(fresh.session_id), { recursive: true, errorOnExist: false });
    return fresh;
  } catch (err) {
    // No half-made copy stays behind.
    await rm(sessionPath(fresh.session_id), { recursive: true, force: true });
    throw err;
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * Moves a session folder into `sessions/.trash/` (restorable; nothing is removed). Throws ApiError not_found, or
 * conflict while `isRunning(id)`. Returns the folder's name in the trash.
 */
export async function trashSession(id: string, isRunning: (id: string) => boolean): Promise<string> {
  const from = sessionPath(id);
  if (!(await exists(from))) throw new ApiError('not_found', `session ${id} does not exist`);
  if (isRunning(id)) throw new ApiError('conflict', `session ${id} is generating; wait for it to stop first`);
  await mkdir(trashPath(), { recursive: true });
  const name = (await exists(path.join(trashPath(), id))) ? `${id}__${Date.now()}` : id;
  await rename(from, path.join(trashPath(), name));
  return name;
}

/** One folder in the trash: its name there and the session id it restores to. */
export interface TrashEntry {
  name: string;
  session_id: string;
}

/** The trash, newest session id first. */
export async function listTrash(): Promise<TrashEntry[]> {
  const names = await readdir(trashPath()).catch(() => [] as string[]);
  return names
    .map((name) => ({ name, m: TRASH_NAME_PATTERN.exec(name) }))
    .filter((e) => e.m)
    .map((e) => ({ name: e.name, session_id: e.m![1]! }))
    .sort((a, b) => b.name.localeCompare(a.name));
}

/**
 * Moves a trashed folder back to `sessions/<id>/` and returns its summary row (a damaged folder comes back as it
 * went, listed as damaged). Throws ApiError bad_request (not a trash name), not_found, or conflict when a session
 * with that id exists again.
 */
export async function restoreFromTrash(name: string): Promise<SessionSummary> {
  const m = TRASH_NAME_PATTERN.exec(name);
  if (!m) throw new ApiError('bad_request', `"${name.slice(0, 60)}" is not a trashed session`);
  const id = m[1]!;
  const from = path.join(trashPath(), name);
  if (!(await exists(from))) throw new ApiError('not_found', `${name} is not in the trash`);
  if (await exists(sessionPath(id))) throw new ApiError('conflict', `a session ${id} exists already`);
  await rename(from, sessionPath(id));
  return sessionSummary(id);
}

/** Sessions with no image rendered and no judgment, that no job is running on: what Clean up offers to trash. */
export async function findEmptySessions(isRunning: (id: string) => boolean): Promise<string[]> {
  const summaries = await listSessions();
  return summaries
    .filter((s) => !s.damaged && s.images_done === 0 && s.judgments === 0 && !isRunning(s.session_id))
    .map((s) => s.session_id)
    .filter((id) => SESSION_ID_PATTERN.test(id));
}
