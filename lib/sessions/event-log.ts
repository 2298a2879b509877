import 'server-only';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { SessionEventSchema } from './events';

// A session's append-only event log, `sessions/<id>/events.jsonl`: one JSON line per change, each with the revision
// it produced and when. Lines are only ever appended (a torn last line, cut off by a crash before it was
// acknowledged, is overwritten by the next append); `session_meta.json` records how many bytes of the log it already
// holds (`log_offset`), so a load reads only the tail. The log is kept after folding: it is the session's history.
export const EVENT_LOG_FILE = 'events.jsonl';

/** The judgment journal of the previous store (one line `{rev, op}` per judgment or undo), read once and folded in. */
export const LEGACY_JOURNAL_FILE = 'judgments.journal.jsonl';

export const LogEntrySchema = z.object({ rev: z.number().int().min(1), at: z.string(), event: SessionEventSchema });
export type LogEntry = z.infer<typeof LogEntrySchema>;

const LegacyEntrySchema = z.object({
  rev: z.number().int().min(1),
  op: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('judge'), input: z.unknown(), at: z.string() }),
    z.object({ kind: z.literal('undo'), rater: z.string(), index: z.number().int().min(0).optional() }),
  ]),
});

export function eventLogPath(sessionDir: string): string {
  return path.join(sessionDir, EVENT_LOG_FILE);
}

/** The text of a file from byte `from`, or null when it does not exist. */
async function readFrom(file: string, from: number): Promise<{ text: string; size: number } | null> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const size = (await fh.stat()).size;
    const start = from <= size ? from : 0;
    const buf = Buffer.alloc(size - start);
    if (buf.length) await fh.read(buf, 0, buf.length, start);
    return { text: buf.toString('utf8'), size };
  } finally {
    await fh.close();
  }
}

/** Complete lines of `text` parsed with `parse`; a last line without its newline is ignored (never acknowledged). */
function completeLines<T>(text: string, parse: (json: unknown) => T | null, firstLine: number): { items: T[]; bytes: number } {
  const end = text.lastIndexOf('\n') + 1;
  const items = text
    .slice(0, end)
    .split('\n')
    .filter(Boolean)
    .map((line, i) => {
      let json: unknown = null;
      try {
        json = JSON.parse(line);
      } catch {
        json = null;
      }
      const item = parse(json);
      if (item === null) throw new ApiError('damaged', `has a bad line ${firstLine + i} (not an event)`, { where: `line ${firstLine + i}` });
      return item;
    });
  return { items, bytes: Buffer.byteLength(text.slice(0, end)) };
}

/**
 * The entries of a session folder's event log from byte `from` (where `session_meta.json` says its snapshot ends;
 * the whole log when the file is shorter than that, e.g. replaced by hand), and the byte length of its complete
 * lines (`size`: where the next append goes). Throws ApiError damaged (details `{where: "line N"}`, counted from
 * `from`) for a complete line that is not an entry.
 */
export async function readEventLog(sessionDir: string, from = 0): Promise<{ entries: LogEntry[]; size: number }> {
  const read = await readFrom(eventLogPath(sessionDir), from);
  if (!read) return { entries: [], size: 0 };
  const start = from <= read.size ? from : 0;
  const { items, bytes } = completeLines(read.text, (j) => {
    const p = LogEntrySchema.safeParse(j);
    return p.success ? p.data : null;
  }, 1);
  return { entries: items, size: start + bytes };
}

/** The judge/undo entries of a folder's legacy judgment journal as log entries ([] when there is none). */
export async function readLegacyJournal(sessionDir: string): Promise<LogEntry[]> {
  const read = await readFrom(path.join(sessionDir, LEGACY_JOURNAL_FILE), 0);
  if (!read) return [];
  return completeLines(
    read.text,
    (j) => {
      const p = LegacyEntrySchema.safeParse(j);
      if (!p.success) return null;
      const { rev, op } = p.data;
      const event = SessionEventSchema.safeParse(op.kind === 'judge' ? { kind: 'judge', input: op.input, at: op.at } : op);
      return event.success ? { rev, at: op.kind === 'judge' ? op.at : '', event: event.data } : null;
    },
    1,
  ).items;
}

/**
 * Appends `entries` to the log at byte `at` (the length of its complete lines, so a torn tail is overwritten) and
 * fsyncs: one fsync per batch. Returns the new length. On failure (e.g. ENOSPC) the file is cut back to `at` (removed
 * when that is 0) and the error is thrown, so nothing half-written stays.
 */
export async function appendEvents(sessionDir: string, at: number, entries: LogEntry[]): Promise<number> {
  const bytes = Buffer.from(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
  const fh = await open(eventLogPath(sessionDir), 'a+');
  try {
    try {
      if ((await fh.stat()).size !== at) await fh.truncate(at);
      // A write may be short (a disk with room for part of it); the rest goes on until it fails with ENOSPC.
      for (let done = 0; done < bytes.length; ) done += (await fh.write(bytes, done, bytes.length - done, at + done)).bytesWritten;
      await fh.datasync();
    } catch (err) {
      await fh.truncate(at).catch(() => undefined);
      // A log that held nothing goes again, so a refused first event leaves no file behind.
      if (at === 0) await rm(eventLogPath(sessionDir), { force: true }).catch(() => undefined);
      throw err;
    }
  } finally {
    await fh.close();
  }
  return at + bytes.length;
}
