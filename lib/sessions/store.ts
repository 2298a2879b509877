import 'server-only';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError, isApiError, messageOf } from '@/lib/api/errors';
import { isLegacyV2 } from './legacy';
import { META_FILE, outputPath, sessionPath, sessionsDir } from './paths';
import { schemaVersionFor, SESSION_ID_PATTERN, SessionSchema, SetupSchema, type Session, type SessionSummary } from './schema';
import { summarize } from './summary';
import { EVENT_LOG_FILE } from './event-log';
import { fileIdentity, legacyPreview, parseMeta, readMetaText, writeSnapshot } from './snapshot';
import { peekSession, readSession } from './writer';

// The sessions of the data directory: creating one, reading one, listing all. Every change to an existing session
// goes through lib/sessions/writer.ts (`commit`).

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

/** What a new session may start with besides its Setup, id and time (a copy of another: its results, scores, …). */
export type SessionStart = Partial<Omit<Session, 'session_id' | 'timestamp' | 'revision' | 'log_offset' | 'schema_version' | 'step_1_setup'>>;

/**
 * Creates a session folder (see claimSessionId) with `output/` and a fresh `session_meta.json` (revision 0, an empty
 * event log): `setup` (parsed with SetupSchema; default the empty Setup), `pending` unless `start` says otherwise.
 * When that fails (e.g. the disk is full) the claimed folder is removed again, so no folder without a session file is
 * left to list as damaged. Throws ZodError when `setup` or `start` do not fit the schema.
 */
export async function createSession(now: Date = new Date(), setup?: unknown, start: SessionStart = {}): Promise<Session> {
  const id = await claimSessionId(now);
  try {
    await mkdir(outputPath(id));
    const stepOne = SetupSchema.parse(setup ?? {});
    const session = SessionSchema.parse({
      status: 'pending',
      step_2_generation: {},
      step_3_evaluation: {},
      step_4_report: {},
      ...start,
      step_1_setup: stepOne,
      schema_version: schemaVersionFor(stepOne),
      session_id: id,
      timestamp: now.getTime() / 1000,
      revision: 0,
      log_offset: 0,
    });
    await writeSnapshot(session);
    return session;
  } catch (err) {
    await rm(sessionPath(id), { recursive: true, force: true });
    throw err;
  }
}

/**
 * The session as it stands (a copy): `session_meta.json` plus the events logged since (lib/sessions/writer.ts). Never
 * writes. Throws ApiError not_found, damaged with the reason (details: `{file, where}`), or needs_migration for a
 * folder of the original Python tool (lib/sessions/migrate.ts migrates it on request).
 */
export function loadSession(id: string): Promise<Session> {
  return readSession(id);
}

// Summaries of unchanged folders are reused: a list of a thousand sessions then costs two stats per folder.
const g = globalThis as typeof globalThis & { __loraBenchSummaries?: Map<string, { key: string; summary: SessionSummary }> };
const summaries = (g.__loraBenchSummaries ??= new Map());

/** What a folder's summary depends on: `session_meta.json` (identity) and the event log (length). */
async function summaryKey(id: string): Promise<string> {
  const dir = sessionPath(id);
  const [meta, log] = await Promise.all([
    stat(path.join(dir, META_FILE)).catch(() => null),
    stat(path.join(dir, EVENT_LOG_FILE)).catch(() => null),
  ]);
  return `${meta ? fileIdentity(meta) : '-'}|${log?.size ?? 0}`;
}

/** The summary of one folder; the original tool's folders are summarized as they will look once migrated. */
async function readSummary(id: string): Promise<SessionSummary> {
  const key = await summaryKey(id);
  const cached = summaries.get(id);
  if (cached?.key === key) return cached.summary;
  const summary = await summaryOf(id);
  summaries.set(id, { key, summary });
  return summary;
}

async function summaryOf(id: string): Promise<SessionSummary> {
  try {
    try {
      return summarize(await peekSession(id));
    } catch (err) {
      if (!isApiError(err) || err.code !== 'needs_migration') throw err;
      const json = parseMeta(id, (await readMetaText(id)).text);
      if (!isLegacyV2(json)) throw err;
      return { ...summarize(legacyPreview(id, json)), legacy: true, thumbnail: null };
    }
  } catch (err) {
    const details = isApiError(err) ? (err.details as { file?: string; where?: string | null } | undefined) : undefined;
    return { damaged: true, session_id: id, reason: messageOf(err), file: details?.file ?? META_FILE, where: details?.where ?? null };
  }
}

/**
 * Every session folder, newest first. A folder that cannot be read is listed as damaged with its reason and where;
 * one of the original tool is listed with `legacy: true`. Never writes.
 */
export async function listSessions(): Promise<SessionSummary[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(/*turbopackIgnore: true*/ sessionsDir(), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const ids = entries.filter((e) => e.isDirectory() && SESSION_ID_PATTERN.test(e.name)).map((e) => e.name);
  return (await Promise.all(ids.map(readSummary))).sort(newestFirst);
}

/** The summary row of one session folder (see listSessions); throws ApiError not_found when there is no such folder. */
export async function sessionSummary(id: string): Promise<SessionSummary> {
  if (!(await stat(sessionPath(id)).then((st) => st.isDirectory(), () => false))) throw new ApiError('not_found', `session ${id} does not exist`);
  return readSummary(id);
}
