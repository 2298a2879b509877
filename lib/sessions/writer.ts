import 'server-only';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError, isApiError, messageOf } from '@/lib/api/errors';
import { appendEvents, EVENT_LOG_FILE, eventLogPath, LEGACY_JOURNAL_FILE, type LogEntry, readEventLog, readLegacyJournal } from './event-log';
import { applyEvent, type SessionEvent, SessionEventSchema } from './events';
import { META_FILE, sessionPath } from './paths';
import { SessionSchema, type Session } from './schema';
import { damagedError, metaIdentity, parseMeta, readMetaText, snapshotText, validateSnapshot, writeSnapshot } from './snapshot';

/*
 * The session writer: the one write path of a session after it was created. One writer per session (kept on
 * globalThis, since Next.js bundles each route separately) owns the session in memory and changes it only by
 * appending events (lib/sessions/events.ts) to `events.jsonl`. Its invariants:
 *
 * 1. Durable before answered: a commit resolves only after its event's line is appended to the log and fsynced, so
 *    whatever a caller announces afterwards (an HTTP answer, an SSE event) is on disk.
 * 2. The session in memory is always the snapshot (`session_meta.json` at revision R, which holds the first
 *    `log_offset` bytes of the log) plus every log entry after revision R, in order, each one revision after the last.
 * 3. One writer per session folder: this process holds the data directory (lib/sessions/process-lock.ts), and within
 *    it commits of one session run one batch at a time, in arrival order.
 * 4. Commits that arrive while a batch is being written share the next append (group commit: one fsync), yet each
 *    lands or fails as if it ran alone: a stale `baseRevision` or an event whose apply refuses fails only that call.
 * 5. On any failure to append (e.g. ENOSPC) the whole batch is refused and the session in memory is dropped; the next
 *    access reads the files, which hold exactly the acknowledged events. The log is cut back to its last complete line.
 * 6. Folding: `session_meta.json` is rewritten atomically (temp file, fsync, rename) from the session in memory, with
 *    `log_offset` set to the log's length, after FOLD_AFTER_EVENTS events, after FOLD_IDLE_MS without one, and at
 *    process exit. A crash before the rename leaves the previous snapshot, and the next load replays more of the log.
 *    Once folded, `session_meta.json` alone is the complete session (the original tool and the zip export read only it).
 *    The log is never shortened: it is the session's history.
 * 7. A torn last line (a crash during an append, never acknowledged) is ignored when read and overwritten by the next
 *    append.
 * 8. The files are the truth: before each read or batch the writer checks that `session_meta.json` and the log are as
 *    it last saw them (identity and length); a file changed by anyone else (a restore from the trash, an edit by hand)
 *    is read again.
 * 9. Reads get copies: nothing outside this module holds the session the writer changes.
 */

/**
 * A snapshot is written once this many events came since the last one and their log lines add up to half the
 * snapshot's size: folding then costs at most about twice the bytes of the log, whatever the session's size.
 */
const FOLD_AFTER_EVENTS = 1000;
/** …or after this long without an event. */
const FOLD_IDLE_MS = 1000;
/** A session without events for this long is dropped from memory (after folding); the next access reads the files. */
const EVICT_IDLE_MS = 60_000;
/** How long a batch queued behind another one waits for more commits, in ms (their callers are about to send). */
const GATHER_MS = 5;

/** What a commit makes from the session as it stands: an event, several, or none (nothing to change). */
export type MakeEvents = (session: Session) => SessionEvent | SessionEvent[] | null;

interface Pending {
  make: MakeEvents;
  baseRevision?: number;
  project: (session: Session) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

interface Loaded {
  doc: Session;
  /** Identity of `session_meta.json` as last read or written. */
  metaId: string;
  /** Length of the log's complete lines: where the next append goes. */
  logSize: number;
  /** Length of the log file as last seen (more than `logSize` while a torn tail from a crash is still there). */
  logFileSize: number;
  /** Events appended since the snapshot. */
  sinceFold: number;
  /** The previous store's judgment journal was replayed: removed once a snapshot holds it. */
  legacyJournal: boolean;
  /** Length of `session_meta.json` as last read or written. */
  snapshotBytes: number;
}

/** Reads a session from its files: the snapshot plus the log after it (and a legacy judgment journal, if any). */
async function readFiles(id: string): Promise<Loaded> {
  const dir = sessionPath(id);
  // The log first: a fold in between then leaves a snapshot that already holds what was read.
  const logStat = await stat(eventLogPath(dir)).catch(() => null);
  const legacy = await readLegacyJournal(dir).catch((err: unknown) => {
    throw isApiError(err) ? damagedError(id, LEGACY_JOURNAL_FILE, err.message, whereOf(err)) : err;
  });
  const { text, identity } = await readMetaText(id);
  const doc = validateSnapshot(id, parseMeta(id, text));
  const log = logStat
    ? await readEventLog(dir, doc.log_offset).catch((err: unknown) => {
        throw isApiError(err) ? damagedError(id, EVENT_LOG_FILE, err.message, whereOf(err)) : err;
      })
    : { entries: [], size: 0 };
  const replayed = replay(id, doc, [...legacy, ...log.entries].sort((a, b) => a.rev - b.rev));
  return {
    doc,
    metaId: identity,
    logSize: log.size,
    logFileSize: logStat?.size ?? 0,
    sinceFold: replayed,
    legacyJournal: legacy.length > 0,
    snapshotBytes: Buffer.byteLength(text),
  };
}

const whereOf = (err: unknown) => (err as { details?: { where?: string } }).details?.where;

/**
 * Applies the entries after the snapshot's revision, in place, and returns how many; throws ApiError damaged on a
 * gap in the revisions or an event that no longer applies.
 */
function replay(id: string, doc: Session, entries: LogEntry[]): number {
  let applied = 0;
  for (const e of entries) {
    if (e.rev <= doc.revision) continue;
    if (e.rev !== doc.revision + 1) throw damagedError(id, EVENT_LOG_FILE, `skips from revision ${doc.revision} to ${e.rev}`);
    try {
      applyEvent(doc, e.event, e.at);
    } catch (err) {
      throw damagedError(id, EVENT_LOG_FILE, `does not apply at revision ${e.rev}: ${messageOf(err)}`, `revision ${e.rev}`);
    }
    doc.revision = e.rev;
    applied++;
  }
  return applied;
}

class SessionWriter {
  private loaded: Loaded | null = null;
  /** Commits waiting for the next batch. */
  private queue: Pending[] = [];
  /** A batch is waiting in `tail` or being written. */
  private scheduled = false;
  /** Batches, folds and reads of this session, one after another (invariant 3). */
  private tail: Promise<unknown> = Promise.resolve();
  private foldTimer: NodeJS.Timeout | null = null;
  private evictTimer: NodeJS.Timeout | null = null;

  constructor(readonly id: string) {}

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** The session, read from the files unless the copy in memory is still theirs (invariant 8). */
  private async current(): Promise<Loaded> {
    const l = this.loaded;
    if (l) {
      const [meta, log] = await Promise.all([metaIdentity(this.id), stat(eventLogPath(sessionPath(this.id))).catch(() => null)]);
      if (meta === l.metaId && (log?.size ?? 0) === l.logFileSize) return l;
    }
    this.loaded = null;
    this.loaded = await readFiles(this.id);
    return this.loaded;
  }

  /** A copy of the session as it stands, never ahead of the log (reads wait for a batch being written). */
  read(): Promise<Session> {
    return this.exclusive(async () => structuredClone((await this.current()).doc));
  }

  commit(p: Omit<Pending, 'resolve' | 'reject'>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...p, resolve, reject });
      this.schedule(false);
    });
  }

  /** Puts the next batch in line; behind another batch it first waits GATHER_MS for more commits (invariant 4). */
  private schedule(contended: boolean): void {
    if (this.scheduled || !this.queue.length) return;
    this.scheduled = true;
    void this.exclusive(async () => {
      if (contended) await new Promise((r) => setTimeout(r, GATHER_MS));
      this.scheduled = false;
      await this.write(this.queue.splice(0));
    })
      .catch((err: unknown) => console.error(`[sessions] ${this.id}: a batch failed`, err))
      .finally(() => this.schedule(true));
  }

  /** Applies a batch of commits and appends their events with one fsync; settles every commit, never throws. */
  private async write(batch: Pending[]): Promise<void> {
    let l: Loaded;
    try {
      l = await this.current();
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const entries: LogEntry[] = [];
    const kept: Pending[] = [];
    let suspect = false;
    for (const p of batch) {
      if (p.baseRevision !== undefined && p.baseRevision !== l.doc.revision) {
        p.reject(new ApiError('conflict', `session ${this.id} was saved elsewhere (revision ${l.doc.revision}, yours ${p.baseRevision}); reload it first`));
        continue;
      }
      let events: SessionEvent[];
      try {
        const made = p.make(l.doc);
        events = (made === null ? [] : Array.isArray(made) ? made : [made]).map((e) => SessionEventSchema.parse(e));
      } catch (err) {
        p.reject(err);
        continue;
      }
      const at = new Date().toISOString();
      const from = entries.length;
      try {
        for (const ev of events) {
          applyEvent(l.doc, ev, at);
          l.doc.revision += 1;
          entries.push({ rev: l.doc.revision, at, event: ev });
        }
      } catch (err) {
        // Appliers check before they change anything (lib/sessions/events.ts). A refusal after an earlier event of the
        // same commit was applied, or an unexpected error, leaves memory ahead of the log: read the files afterwards.
        if (entries.length > from || !isApiError(err)) suspect = true;
        entries.length = from;
        p.reject(err);
        continue;
      }
      kept.push(p);
    }
    if (entries.length) {
      try {
        l.logSize = await appendEvents(sessionPath(this.id), l.logSize, entries);
        l.logFileSize = l.logSize;
        l.sinceFold += entries.length;
      } catch (err) {
        this.loaded = null;
        for (const p of kept) p.reject(err);
        return;
      }
    }
    for (const p of kept) p.resolve(p.project(l.doc));
    if (suspect) this.loaded = null;
    else if (entries.length) this.planFold(l);
  }

  /**
   * Folds at once after FOLD_AFTER_EVENTS events whose log lines add up to half the snapshot, else after FOLD_IDLE_MS
   * of quiet; evicts after EVICT_IDLE_MS.
   */
  private planFold(l: Loaded): void {
    if (this.foldTimer) clearTimeout(this.foldTimer);
    if (this.evictTimer) clearTimeout(this.evictTimer);
    this.evictTimer = setTimeout(() => void this.exclusive(() => this.evict()), EVICT_IDLE_MS);
    this.evictTimer.unref();
    this.foldTimer = null;
    if (l.sinceFold >= FOLD_AFTER_EVENTS && l.logSize - l.doc.log_offset >= l.snapshotBytes / 2) {
      void this.exclusive(() => this.fold());
      return;
    }
    this.foldTimer = setTimeout(() => void this.exclusive(() => this.fold()), FOLD_IDLE_MS);
    this.foldTimer.unref();
  }

  /** Writes the snapshot (invariant 6); a failure only leaves more of the log to replay. */
  private async fold(): Promise<void> {
    const l = this.loaded;
    if (!l?.sinceFold) return;
    try {
      // Changed on disk meanwhile (or moved away, e.g. to the trash): nothing of ours to fold.
      if ((await this.current().catch(() => null)) !== l) return;
      const snapshot = SessionSchema.parse({ ...l.doc, log_offset: l.logSize });
      const written = await writeSnapshot(snapshot);
      l.metaId = written.identity;
      l.snapshotBytes = written.bytes;
      l.doc.log_offset = l.logSize;
      l.sinceFold = 0;
      if (l.legacyJournal) {
        await rm(path.join(sessionPath(this.id), LEGACY_JOURNAL_FILE), { force: true });
        l.legacyJournal = false;
      }
    } catch (err) {
      console.error(`[sessions] ${this.id}: could not write session_meta.json; the event log still holds every change`, err);
    }
  }

  /** Drops the session from memory once it is folded and quiet. */
  private async evict(): Promise<void> {
    if (this.queue.length || this.scheduled) return;
    await this.fold();
    if (!this.loaded?.sinceFold) writers.delete(this.id);
  }

  /** Folds now, in turn with the batches (see `fold`). */
  foldNow(): Promise<void> {
    return this.exclusive(() => this.fold());
  }

  /** The session as it stands, for a summary: the copy in memory when it is current, else the files (not kept). */
  peek(): Promise<Session> {
    return this.exclusive(async () => (this.loaded ? (await this.current()).doc : (await readFiles(this.id)).doc));
  }

  /** At process exit: writes the snapshot synchronously when events are not folded yet (invariant 6). */
  foldSync(): void {
    const l = this.loaded;
    if (!l?.sinceFold) return;
    const file = path.join(sessionPath(this.id), META_FILE);
    const tmp = `${file}.${process.pid}`;
    try {
      writeFileSync(tmp, snapshotText({ ...l.doc, log_offset: l.logSize }));
      const fd = openSync(tmp, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
    } catch {
      rmSync(tmp, { force: true });
    }
  }
}

// Next.js bundles each route separately, so process-wide state lives on globalThis (one map per process).
const g = globalThis as typeof globalThis & { __loraBenchWriters?: Map<string, SessionWriter>; __loraBenchExitFold?: true };
const writers = (g.__loraBenchWriters ??= new Map());
if (!g.__loraBenchExitFold) {
  g.__loraBenchExitFold = true;
  process.once('exit', () => {
    for (const w of writers.values()) w.foldSync();
  });
}

function writerOf(id: string): SessionWriter {
  sessionPath(id); // throws ApiError bad_request for a malformed id
  let w = writers.get(id);
  if (!w) writers.set(id, (w = new SessionWriter(id)));
  return w;
}

/**
 * Changes session `id`: `make` gets the session as it stands and returns the event(s) to record (or null: nothing to
 * change; it may throw ApiError to refuse). The events are applied (lib/sessions/events.ts) and appended to the log;
 * the promise resolves, once they are on disk, with `project(session)` (computed at once from the session as it then
 * stands; default a copy of it). `baseRevision`, when given, must be the session's revision (else ApiError conflict,
 * nothing recorded). Rejects with ApiError not_found / damaged / needs_migration for a session that cannot be read,
 * with whatever `make` or an applier throws, or with the filesystem error of a failed append (nothing recorded).
 */
export async function commit<T = Session>(
  id: string,
  make: MakeEvents,
  opts: { baseRevision?: number; project?: (session: Session) => T } = {},
): Promise<T> {
  return writerOf(id).commit({
    make,
    baseRevision: opts.baseRevision,
    project: opts.project ?? ((s) => structuredClone(s)),
  }) as Promise<T>;
}

/** The session as it stands (a copy): the writer's copy in memory, or read from the files. Throws as loadSession. */
export async function readSession(id: string): Promise<Session> {
  return writerOf(id).read();
}

/**
 * The session as its files hold it (snapshot plus log), ignoring any copy in memory: what a restarted process would
 * read, for checks after a crash or a fault. Throws as readSession.
 */
export async function readStoredSession(id: string): Promise<Session> {
  sessionPath(id);
  return (await readFiles(id)).doc;
}

/** Writes the snapshot of session `id` now when it holds events not folded yet (else does nothing). */
export async function foldSession(id: string): Promise<void> {
  return writerOf(id).foldNow();
}

/**
 * The session as it stands, to read and forget at once (a list of summaries): not a copy, and a session not in memory
 * is read from its files without being kept there. Throws as readSession.
 */
export async function peekSession(id: string): Promise<Session> {
  const w = writers.get(id);
  if (w) return w.peek();
  sessionPath(id);
  return (await readFiles(id)).doc;
}
