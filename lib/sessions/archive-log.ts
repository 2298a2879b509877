import 'server-only';
import { readFile } from 'node:fs/promises';
import { ApiError } from '@/lib/api/errors';
import { EVENT_LOG_FILE, eventLogPath, LogEntrySchema, readEventLog, type LogEntry } from './event-log';
import { sessionPath } from './paths';
import type { Session } from './schema';

// A session's event log in its archive (lib/sessions/archive.ts): exported as `events.jsonl`, checked and carried on
// by an import, so the imported session keeps its history.

/**
 * The lines of session `id`'s event log up to revision `revision` (what `session_meta.json` as exported holds), as
 * they are on disk; null when it has none. Throws ApiError damaged for a bad line, as readEventLog.
 */
export async function archivedLog(id: string, revision: number): Promise<Buffer | null> {
  const { entries } = await readEventLog(sessionPath(id));
  const kept = entries.filter((e) => e.rev <= revision).length;
  if (!kept) return null;
  const text = await readFile(eventLogPath(sessionPath(id)), 'utf8');
  return Buffer.from(`${text.split('\n').slice(0, kept).join('\n')}\n`);
}

const refuse = (message: string): never => {
  throw new ApiError('bad_request', message);
};

/** The entries of an archive's `events.jsonl`; throws ApiError bad_request for a line that is not one. */
function parseLog(text: string): LogEntry[] {
  if (text && !text.endsWith('\n')) refuse(`${EVENT_LOG_FILE} in the archive ends in a cut-off line`);
  return text
    .split('\n')
    .filter(Boolean)
    .map((line, i) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        json = null;
      }
      const parsed = LogEntrySchema.safeParse(json);
      return parsed.success ? parsed.data : refuse(`line ${i + 1} of ${EVENT_LOG_FILE} in the archive is not an event`);
    });
}

/**
 * The event log of a session imported from an archive of `source` at `now`: the archive's `events.jsonl` (null:
 * an archive from before logs were exported), then an `imported` event one revision past the source's (1 without
 * a log), and that revision, which the imported snapshot takes. Throws ApiError bad_request when a line is not a log
 * entry, revisions do not rise, or one is past the source's revision.
 */
export function importedLog(archived: Buffer | null, source: Session, now: Date): { log: string; revision: number } {
  const text = archived?.toString('utf8') ?? '';
  const entries = parseLog(text);
  entries.forEach((e, i) => {
    if (i > 0 && e.rev <= entries[i - 1]!.rev) refuse(`${EVENT_LOG_FILE} in the archive goes back to revision ${e.rev} at line ${i + 1}`);
  });
  const last = entries.at(-1);
  if (last && last.rev > source.revision) {
    refuse(`${EVENT_LOG_FILE} in the archive reaches revision ${last.rev}, past its session's ${source.revision}`);
  }
  const revision = (entries.length ? source.revision : 0) + 1;
  const imported: LogEntry = { rev: revision, at: now.toISOString(), event: { kind: 'imported', from: source.session_id } };
  return { log: `${text}${JSON.stringify(imported)}\n`, revision };
}
