import 'server-only';
import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { JournalOpSchema } from '@/lib/evaluation/journal-ops';

// The judgment journal: under load, judgments and undos are appended here (one fsynced append per batch) instead of
// rewriting the whole session_meta.json; a later full write folds them in and removes the file. Each line holds the
// revision the op produced, so entries the session file already contains (a crash between the fold's write and the
// removal) are skipped on replay.
export const JOURNAL_FILE = 'judgments.journal.jsonl';

const EntrySchema = z.object({ rev: z.number().int().min(1), op: JournalOpSchema });
export type JournalEntry = z.infer<typeof EntrySchema>;

export function journalPath(sessionDir: string): string {
  return path.join(sessionDir, JOURNAL_FILE);
}

/**
 * The entries of a session folder's journal ([] when there is none) and the byte length of the complete lines. A
 * last line without its newline is an append cut off by a crash before it was acknowledged, and is ignored. Throws
 * ApiError damaged (details `{where: "line N"}`) for a complete line that is not an entry.
 */
export async function readJournal(sessionDir: string): Promise<{ entries: JournalEntry[]; size: number }> {
  let text: string;
  try {
    text = await readFile(journalPath(sessionDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], size: 0 };
    throw err;
  }
  const end = text.lastIndexOf('\n') + 1;
  const entries = text
    .slice(0, end)
    .split('\n')
    .filter(Boolean)
    .map((line, i) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        json = null;
      }
      const parsed = EntrySchema.safeParse(json);
      if (!parsed.success) throw new ApiError('damaged', `has a bad line ${i + 1} (not a journal entry)`, { where: `line ${i + 1}` });
      return parsed.data;
    });
  return { entries, size: Buffer.byteLength(text.slice(0, end)) };
}

/**
 * Appends `entries` at byte `at` (the length of the complete lines, so a torn tail is overwritten) and fsyncs.
 * Returns the new length. On failure (e.g. ENOSPC) the file is cut back to `at` and the error is thrown.
 */
export async function appendJournal(sessionDir: string, at: number, entries: JournalEntry[]): Promise<number> {
  const bytes = Buffer.from(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
  const fh = await open(journalPath(sessionDir), 'a+');
  try {
    try {
      if ((await fh.stat()).size !== at) await fh.truncate(at);
      await fh.write(bytes, 0, bytes.length, at);
      await fh.datasync();
    } catch (err) {
      await fh.truncate(at).catch(() => undefined);
      throw err;
    }
  } finally {
    await fh.close();
  }
  return at + bytes.length;
}

/** Removes the journal of a session folder, once a full write holds its entries. */
export async function removeJournal(sessionDir: string): Promise<void> {
  await rm(journalPath(sessionDir), { force: true });
}
