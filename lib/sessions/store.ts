import 'server-only';
import type { Stats } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError, describeZodError, isApiError, messageOf } from '@/lib/api/errors';
import { applyJournalOp, type JournalOp } from '@/lib/evaluation/journal-ops';
import { writeAtomic } from '@/lib/sessions/atomic-write';
import { insideDataDir } from './contained';
import { appendJournal, JOURNAL_FILE, type JournalEntry, journalPath, readJournal, removeJournal } from './journal';
import { isLegacyV2, migrateLegacyV2 } from './legacy';
import { withSessionLock } from './lock';
import { META_FILE, outputPath, sessionPath, sessionsDir } from './paths';
import {
  SCHEMA_VERSION,
  SESSION_ID_PATTERN,
  SessionSchema,
  SetupSchema,
  type Session,
  summarize,
  type SessionSummary,
} from './schema';

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

// Next.js bundles each route separately, so process-wide state lives on globalThis (one map per process).
const g = globalThis as typeof globalThis & {
  __loraBenchBatches?: Map<string, PendingUpdate[]>;
  __loraBenchCommitting?: Set<string>;
  __loraBenchWritten?: Map<string, Written>;
  __loraBenchFoldTimers?: Map<string, NodeJS.Timeout>;
};
/**
 * Per session, what this process last wrote: the identity (see fileIdentity) and text of `session_meta.json`, the
 * length of the journal and how many entries it holds, and the session as it now stands (null until a journaled
 * batch needs it). Valid only while both files are as recorded.
 */
interface Written {
  identity: string;
  text: string;
  journalSize: number;
  journalEntries: number;
  session: Session | null;
}
const written = (g.__loraBenchWritten ??= new Map());

/** Inode, size and mtime: a file replaced by anyone else (an atomic rename, an editor) gets another identity. */
function fileIdentity(st: Stats): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}`;
}

async function writeMeta(session: Session): Promise<void> {
  // The folder as it really is: a session folder linked out of the data directory is not written through.
  const file = path.join(await insideDataDir(sessionPath(session.session_id)), META_FILE);
  const text = `${JSON.stringify(session, null, 2)}\n`;
  await writeAtomic(file, text, { fsync: true });
  written.set(session.session_id, { identity: fileIdentity(await stat(file)), text, journalSize: 0, journalEntries: 0, session: null });
}

/** What this process wrote last, when both files are still as it left them; else undefined. */
async function writtenIfCurrent(id: string): Promise<Written | undefined> {
  const w = written.get(id);
  if (!w) return undefined;
  const [meta, journal] = await Promise.all([
    stat(path.join(sessionPath(id), META_FILE)).catch(() => null),
    stat(journalPath(sessionPath(id))).catch(() => null),
  ]);
  return meta && fileIdentity(meta) === w.identity && (journal?.size ?? 0) === w.journalSize ? w : undefined;
}

/**
 * ApiError damaged for a session whose `file` (relative to its folder) is unusable; `details` say which file and,
 * where known, `where` in it (a field path or a line), for the history's Details.
 */
export function damagedError(id: string, file: string, problem: string, where?: string): ApiError {
  return new ApiError('damaged', `${file} of ${id} ${problem}`, { file, where: where ?? null });
}

/**
 * The text of `session_meta.json` and the identity of the file it was read from. Throws ApiError not_found when the
 * session folder does not exist, damaged when it exists without the file.
 */
async function readMetaText(id: string): Promise<{ text: string; identity: string }> {
  let fh: FileHandle;
  try {
    fh = await open(path.join(sessionPath(id), META_FILE), 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (await stat(sessionPath(id)).then((st) => st.isDirectory(), () => false)) throw damagedError(id, META_FILE, 'is missing');
    throw new ApiError('not_found', `session ${id} does not exist`);
  }
  try {
    // fstat and read through one handle, so the identity belongs to the bytes read.
    const identity = fileIdentity(await fh.stat());
    return { text: await fh.readFile('utf8'), identity };
  } finally {
    await fh.close();
  }
}

function parseMeta(id: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw damagedError(id, META_FILE, 'is not valid JSON');
  }
}

/** The parsed `session_meta.json` of a session; throws ApiError not_found, or damaged when it is not JSON. */
async function readMeta(id: string): Promise<unknown> {
  return parseMeta(id, (await readMetaText(id)).text);
}

const PLACEHOLDER_TOKEN = () => '0'.repeat(32);

/**
 * The session the original tool's `json` becomes once migrated, computed in memory (nothing is written; the images
 * keep their old names until lib/sessions/migrate.ts copies them). Throws ApiError damaged when it cannot be migrated.
 */
function legacyPreview(id: string, json: unknown): Session {
  try {
    return migrateLegacyV2(json, id, PLACEHOLDER_TOKEN).session;
  } catch (err) {
    if (isApiError(err) && err.code === 'damaged') throw damagedError(id, META_FILE, `cannot be migrated: ${err.message}`);
    throw err;
  }
}

/** ApiError needs_migration for a folder of the original tool (or damaged when it cannot be migrated at all). */
function needsMigration(id: string, json: unknown): ApiError {
  legacyPreview(id, json);
  return new ApiError('needs_migration', `session ${id} was written by the original tool; migrate it first (Load in the app)`);
}

function validate(id: string, json: unknown): Session {
  if (isLegacyV2(json)) throw needsMigration(id, json);
  const parsed = SessionSchema.safeParse(json);
  if (!parsed.success) {
    throw damagedError(id, META_FILE, `is invalid: ${describeZodError(parsed.error)}`, parsed.error.issues[0]?.path.join('.') || undefined);
  }
  // A copied or edited file naming another session would make saves land in that session's folder.
  if (parsed.data.session_id !== id) throw damagedError(id, META_FILE, `names session ${parsed.data.session_id.slice(0, 40)}`, 'session_id');
  return parsed.data;
}

/**
 * Replays journal entries newer than `session.revision` onto it, in place (see lib/sessions/journal.ts). Throws
 * ApiError damaged when the entries skip a revision or one no longer applies.
 */
function replay(id: string, session: Session, entries: JournalEntry[]): Session {
  for (const e of entries) {
    if (e.rev <= session.revision) continue;
    if (e.rev !== session.revision + 1) throw damagedError(id, JOURNAL_FILE, `skips from revision ${session.revision} to ${e.rev}`);
    try {
      applyJournalOp(session, e.op);
    } catch (err) {
      throw damagedError(id, JOURNAL_FILE, `does not apply at revision ${e.rev}: ${messageOf(err)}`, `revision ${e.rev}`);
    }
    session.revision = e.rev;
  }
  return session;
}

/** The journal of a session; a bad line makes the session damaged, naming the line. */
async function journalOf(id: string): Promise<JournalEntry[]> {
  try {
    return (await readJournal(sessionPath(id))).entries;
  } catch (err) {
    if (isApiError(err) && err.code === 'damaged') throw damagedError(id, JOURNAL_FILE, err.message, (err.details as { where?: string })?.where);
    throw err;
  }
}

/**
 * Reads and validates `session_meta.json`, with the judgments journaled since its last full write. Never writes.
 * Throws ApiError not_found, damaged with the reason (details: `{file, where}`), or needs_migration for a folder of
 * the original Python tool (lib/sessions/migrate.ts migrates it on request).
 */
export async function loadSession(id: string): Promise<Session> {
  // The journal first: a fold in between then leaves a session file that already holds what was read.
  const entries = await journalOf(id);
  return replay(id, validate(id, await readMeta(id)), entries);
}

/** The summary of one folder; the original tool's folders are summarized as they will look once migrated. */
async function readSummary(id: string): Promise<SessionSummary> {
  try {
    const entries = await journalOf(id);
    const json = await readMeta(id);
    if (isLegacyV2(json)) return { ...summarize(legacyPreview(id, json)), legacy: true, thumbnail: null };
    return summarize(replay(id, validate(id, json), entries));
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

/** A call of updateSession / journalUpdate waiting for its batch. */
interface PendingUpdate {
  mutate: (draft: Session) => void | Promise<void>;
  baseRevision?: number;
  /** Set for a judgment or undo (journalUpdate): it may go to the journal instead of a full write. */
  journal?: JournalOp;
  /** What the caller gets, computed from the saved session before the next batch can change it. */
  project: (session: Session) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

const batches = (g.__loraBenchBatches ??= new Map());
/** Sessions whose batch is being written now. */
const committing = (g.__loraBenchCommitting ??= new Set<string>());
const foldTimers = (g.__loraBenchFoldTimers ??= new Map());
/** How long a batch queued behind another one waits for more updates, in ms. */
const GATHER_MS = 10;
/** A journal longer than this is folded into `session_meta.json` by the batch that would exceed it. */
const JOURNAL_MAX_ENTRIES = 256;
/** A journal is folded into `session_meta.json` once its session has had no update for this long, in ms. */
const FOLD_IDLE_MS = 1000;

function enqueue(id: string, update: PendingUpdate): void {
  const waiting = batches.get(id);
  if (waiting) {
    waiting.push(update);
    return;
  }
  const batch = [update];
  batches.set(id, batch);
  const contended = committing.has(id);
  void withSessionLock(id, async () => {
    // Behind another batch, the callers it just answered are about to send their next update: wait for them
    // briefly, or this batch would hold one late call and make them wait a whole write.
    if (contended) await new Promise((r) => setTimeout(r, GATHER_MS));
    // From here on, newcomers start the next batch, which runs after this one.
    batches.delete(id);
    committing.add(id);
    try {
      await commitBatch(id, batch, contended);
    } finally {
      committing.delete(id);
    }
  });
}

/**
 * Loads a session, lets `mutate` change it, validates and writes it atomically (temp file, fsync, rename) with
 * `revision` + 1. Writers of one session are serialized. When `baseRevision` is given and differs from the stored
 * revision, nothing is written and ApiError conflict (409) is thrown. Returns the saved session (which may already
 * hold later updates of the same batch, see below).
 *
 * Group commit: calls that arrive while a write of the session is under way are applied in arrival order to one
 * draft and saved by the next single write, so many concurrent updates (judgments of several raters) cost one
 * fsync. The outcome is the same as running them one after another: each call counts one revision, a stale
 * `baseRevision` or a throwing `mutate` fails only that call, and every call resolves only after its change is on
 * disk.
 */
export function updateSession(
  id: string,
  mutate: (draft: Session) => void | Promise<void>,
  opts: { baseRevision?: number } = {},
): Promise<Session> {
  return new Promise((resolve, reject) => {
    enqueue(id, { mutate, baseRevision: opts.baseRevision, project: (s) => s, resolve: resolve as (v: unknown) => void, reject });
  });
}

/**
 * A judgment or undo (see JournalOp), saved like updateSession, answering `project(session)` (computed at once from
 * the saved state; the session object itself is not handed out). Under load (several at once, or queued behind
 * another batch) a batch made only of these is appended to the session's journal with one fsync instead of rewriting the whole
 * `session_meta.json`, whose cost grows with the session; loadSession replays the journal, and it is folded into the
 * session file after JOURNAL_MAX_ENTRIES entries, on the next full write, or after FOLD_IDLE_MS without updates.
 * Errors as applyJudgment / undoLastJudgment, plus filesystem errors (nothing acknowledged is lost then).
 */
export function journalUpdate<T>(id: string, op: JournalOp, project: (session: Session) => T): Promise<T> {
  return new Promise((resolve, reject) => {
    enqueue(id, {
      mutate: (d) => applyJournalOp(d, op),
      journal: op,
      project,
      resolve: resolve as (v: unknown) => void,
      reject,
    });
  });
}

/** The stored session (file + journal), validated unless it is exactly what this process wrote. */
async function readStored(id: string): Promise<Session> {
  const entries = await journalOf(id);
  const { text, identity } = await readMetaText(id);
  // The file this process wrote was validated before it was written; validating it again would cost more than the
  // write (tens of ms for a large session).
  const trusted = written.get(id)?.identity === identity;
  const json = parseMeta(id, text);
  return replay(id, trusted ? (json as Session) : validate(id, json), entries);
}

/** Applies a batch of updates (see updateSession, journalUpdate) and settles every one of them; never throws. */
async function commitBatch(id: string, batch: PendingUpdate[], contended: boolean): Promise<void> {
  let current: Written | undefined;
  try {
    current = await writtenIfCurrent(id);
    // Under load: several updates at once, or queued behind another batch. A lone judgment is written in full, so a
    // single rater's session file is always complete.
    const busy = contended || batch.length > 1;
    if (busy && current && batch.every((u) => u.journal)) return await commitToJournal(id, batch, current);
  } catch (err) {
    for (const u of batch) u.reject(err);
    return;
  }
  await commitFull(id, batch, current);
}

/** Journal mode of commitBatch: ops applied to the session in memory, then one fsynced append (or a fold). */
async function commitToJournal(id: string, batch: PendingUpdate[], w: Written): Promise<void> {
  const session = (w.session ??= replay(id, parseMeta(id, w.text) as Session, await journalOf(id)));
  const kept: PendingUpdate[] = [];
  const entries: JournalEntry[] = [];
  for (const u of batch) {
    try {
      applyJournalOp(session, u.journal!);
    } catch (err) {
      u.reject(err);
      continue;
    }
    session.revision += 1;
    kept.push(u);
    entries.push({ rev: session.revision, op: u.journal! });
  }
  if (!kept.length) return;
  try {
    if (w.journalEntries + entries.length > JOURNAL_MAX_ENTRIES) {
      await writeMeta(SessionSchema.parse(session));
      await removeJournal(sessionPath(id));
    } else {
      w.journalSize = await appendJournal(await insideDataDir(sessionPath(id)), w.journalSize, entries);
      w.journalEntries += entries.length;
      scheduleFold(id);
    }
  } catch (err) {
    // The session in memory holds changes that are not on disk: forget it, the next batch reads the files.
    written.delete(id);
    for (const u of kept) u.reject(err);
    return;
  }
  for (const u of kept) u.resolve(u.project(session));
}

/** After FOLD_IDLE_MS without updates, folds the journal into `session_meta.json` (no revision change). */
function scheduleFold(id: string): void {
  clearTimeout(foldTimers.get(id));
  const timer = setTimeout(() => {
    foldTimers.delete(id);
    void withSessionLock(id, async () => {
      const w = await writtenIfCurrent(id);
      if (!w?.session || !w.journalEntries) return;
      await writeMeta(SessionSchema.parse(w.session));
      await removeJournal(sessionPath(id));
    }).catch((err: unknown) => console.error(`[sessions] ${id}: could not fold the judgment journal`, err));
  }, FOLD_IDLE_MS);
  timer.unref();
  foldTimers.set(id, timer);
}

/** Full mode of commitBatch: the whole session validated and rewritten; a journal is folded in and removed. */
async function commitFull(id: string, batch: PendingUpdate[], current: Written | undefined): Promise<void> {
  let draft: Session;
  try {
    // The session in memory is this batch's to change: it is dropped below whatever happens.
    draft = current?.session ?? (await readStored(id));
    written.delete(id);
  } catch (err) {
    for (const u of batch) u.reject(err);
    return;
  }
  const base = draft.revision;
  let pending = batch;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) {
      try {
        draft = await readStored(id);
      } catch (err) {
        for (const u of pending) u.reject(err);
        return;
      }
    }
    const kept: PendingUpdate[] = [];
    let failed: { update: PendingUpdate; err: unknown } | null = null;
    for (const u of pending) {
      const revision = base + kept.length;
      if (u.baseRevision !== undefined && u.baseRevision !== revision) {
        u.reject(
          new ApiError('conflict', `session ${id} was saved elsewhere (revision ${revision}, yours ${u.baseRevision}); reload it first`),
        );
        continue;
      }
      try {
        await u.mutate(draft);
        kept.push(u);
      } catch (err) {
        failed = { update: u, err };
        break;
      }
    }
    if (!failed) {
      pending = kept;
      break;
    }
    // The failed mutation may have changed the draft part-way: start again from the stored state without it.
    failed.update.reject(failed.err);
    const rest = pending.slice(pending.indexOf(failed.update) + 1);
    pending = [...kept, ...rest];
  }
  if (!pending.length) return;
  draft.revision = base + pending.length;
  const parsed = SessionSchema.safeParse(draft);
  if (!parsed.success) {
    if (pending.length === 1) pending[0]!.reject(parsed.error);
    // Which change broke the schema is found by saving them one at a time.
    else for (const u of pending) await commitFull(id, [u], undefined);
    return;
  }
  try {
    await writeMeta(parsed.data);
    await removeJournal(sessionPath(id));
  } catch (err) {
    for (const u of pending) u.reject(err);
    return;
  }
  for (const u of pending) u.resolve(u.project(parsed.data));
}
