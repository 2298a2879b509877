import 'server-only';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomic } from '@/lib/sessions/atomic-write';
import { ApiError } from '@/lib/api/errors';
import { describeZodError } from '@/lib/api/handler';
import { withSessionLock } from './lock';
import { isLegacyV2, migrateLegacyFolder } from './migrate';
import {
  SCHEMA_VERSION,
  SESSION_ID_PATTERN,
  SessionSchema,
  SetupSchema,
  type Session,
  summarize,
  type SessionSummary,
} from './schema';

export const META_FILE = 'session_meta.json';
export const OUTPUT_DIR = 'output';

/** The data directory: `SESSIONS_DIR`, or `./sessions` under the working directory. */
export function sessionsDir(): string {
  // turbopackIgnore: the data directory is chosen at run time and must not be traced into the build.
  return path.resolve(/*turbopackIgnore: true*/ process.env.SESSIONS_DIR || path.join(process.cwd(), 'sessions'));
}

/** Absolute folder of a session; throws ApiError bad_request for an id that is not `YYYYMMDD_HHMMSS[_N]`. */
export function sessionPath(id: string): string {
  if (!SESSION_ID_PATTERN.test(id)) throw new ApiError('bad_request', `"${id.slice(0, 40)}" is not a session id`);
  return path.join(/*turbopackIgnore: true*/ sessionsDir(), id);
}

/** Absolute `output/` folder of a session. */
export function outputPath(id: string): string {
  return path.join(sessionPath(id), OUTPUT_DIR);
}

/** `YYYYMMDD_HHMMSS` in local time. */
export function formatSessionId(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Sort key: newest first by timestamp, then by the `_N` suffix (numeric, so `_10` follows `_9`). */
function suffixOf(id: string): number {
  const m = /_(\d+)$/.exec(id.slice(15));
  return m ? Number(m[1]) : 1;
}

function newestFirst(a: { session_id: string; timestamp?: number }, b: { session_id: string; timestamp?: number }): number {
  const base = b.session_id.slice(0, 15).localeCompare(a.session_id.slice(0, 15));
  return base !== 0 ? base : suffixOf(b.session_id) - suffixOf(a.session_id);
}

/**
 * Claims a fresh, empty `sessions/<id>/` for the local time of `now`: `YYYYMMDD_HHMMSS`, then `_2`, `_3`, … when that
 * folder exists (same second). The `mkdir` without `recursive` is the atomic claim, so two concurrent claims never
 * share a folder. Returns the id; throws ApiError conflict after 9,999 sessions in one second.
 */
export async function claimSessionId(now: Date): Promise<string> {
  await mkdir(sessionsDir(), { recursive: true });
  const base = formatSessionId(now);
  for (let n = 1; n < 10_000; n++) {
    const id = n === 1 ? base : `${base}_${n}`;
    try {
      await mkdir(sessionPath(id));
      return id;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new ApiError('conflict', `too many sessions created in the second ${base}`);
}

/**
 * Creates a session folder (see claimSessionId) with `output/` and a fresh `session_meta.json`. When that fails (e.g.
 * the disk is full) the claimed folder is removed again, so no folder without a session file is left to list as damaged.
 */
export async function createSession(now: Date = new Date(), setup?: unknown): Promise<Session> {
  const id = await claimSessionId(now);
  try {
    await mkdir(outputPath(id));
    const session = SessionSchema.parse({
      schema_version: SCHEMA_VERSION,
      session_id: id,
      timestamp: now.getTime() / 1000,
      revision: 0,
      status: 'pending',
      step_1_setup: SetupSchema.parse(setup ?? {}),
      step_2_generation: {},
      step_3_evaluation: {},
      step_4_report: {},
    });
    await writeMeta(session);
    return session;
  } catch (err) {
    await rm(sessionPath(id), { recursive: true, force: true });
    throw err;
  }
}

async function writeMeta(session: Session): Promise<void> {
  await writeAtomic(path.join(sessionPath(session.session_id), META_FILE), `${JSON.stringify(session, null, 2)}\n`, {
    fsync: true,
  });
}

/** The parsed `session_meta.json` of a session; throws ApiError not_found, or damaged when it is not JSON. */
async function readMeta(id: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path.join(sessionPath(id), META_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ApiError('not_found', `session ${id} does not exist or has no ${META_FILE}`);
    }
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('damaged', `${META_FILE} of ${id} is not valid JSON`);
  }
}

function validate(id: string, json: unknown): Session {
  if (isLegacyV2(json)) throw new ApiError('damaged', `${id} was written by the original tool; load it once to migrate it`);
  const parsed = SessionSchema.safeParse(json);
  if (!parsed.success) throw new ApiError('damaged', `${META_FILE} of ${id} is invalid: ${describeZodError(parsed.error)}`);
  // A copied or edited file naming another session would make saves land in that session's folder.
  if (parsed.data.session_id !== id) {
    throw new ApiError('damaged', `${META_FILE} of ${id} names session ${parsed.data.session_id.slice(0, 40)}`);
  }
  return parsed.data;
}

/**
 * Reads and validates `session_meta.json`. A folder written by the original Python tool is migrated on the way
 * (lib/sessions/migrate.ts keeps the original as `session_meta.v1.json`). Throws ApiError not_found, or damaged
 * with the reason.
 */
export async function loadSession(id: string): Promise<Session> {
  const json = await readMeta(id);
  return isLegacyV2(json) ? migrateLegacyFolder(id) : validate(id, json);
}

/** Every session folder, newest first. A folder that cannot be read is listed as damaged with its reason. */
export async function listSessions(): Promise<SessionSummary[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(/*turbopackIgnore: true*/ sessionsDir(), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const ids = entries.filter((e) => e.isDirectory() && SESSION_ID_PATTERN.test(e.name)).map((e) => e.name);
  const rows = await Promise.all(
    ids.map(async (id): Promise<SessionSummary> => {
      try {
        return summarize(await loadSession(id));
      } catch (err) {
        return { damaged: true, session_id: id, reason: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  return rows.sort(newestFirst);
}

/**
 * Loads a session, lets `mutate` change it, validates and writes it atomically (temp file, fsync, rename) with
 * `revision` + 1. Writers of one session are serialized. When `baseRevision` is given and differs from the stored
 * revision, nothing is written and ApiError conflict (409) is thrown. Returns the saved session.
 */
export async function updateSession(
  id: string,
  mutate: (draft: Session) => void | Promise<void>,
  opts: { baseRevision?: number } = {},
): Promise<Session> {
  return withSessionLock(id, async () => {
    // No migration here: it takes this same lock.
    const current = validate(id, await readMeta(id));
    if (opts.baseRevision !== undefined && opts.baseRevision !== current.revision) {
      throw new ApiError(
        'conflict',
        `session ${id} was saved elsewhere (revision ${current.revision}, yours ${opts.baseRevision}); reload it first`,
      );
    }
    const draft = structuredClone(current);
    await mutate(draft);
    draft.revision = current.revision + 1;
    const next = SessionSchema.parse(draft);
    await writeMeta(next);
    return next;
  });
}
