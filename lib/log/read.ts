import 'server-only';
import { readEventLog, readLegacyJournal } from '@/lib/sessions/event-log';
import { sessionPath } from '@/lib/sessions/paths';
import { loadSession } from '@/lib/sessions/store';
import { describeLog } from './describe';
import type { SessionLog } from './schema';
import { summarizeLog } from './summary';
import { logTiming } from './timing';

/**
 * The log of session `id` in words (every line of its `events.jsonl`, and of a previous store's judgment journal
 * not folded yet, in revision order), with its summary and timing. Reads only. Throws ApiError bad_request (a
 * malformed id), not_found, damaged (also for a bad line of the log) or needs_migration, as loadSession.
 */
export async function readSessionLog(id: string): Promise<SessionLog> {
  const session = await loadSession(id);
  const dir = sessionPath(id);
  const [{ entries }, legacy] = await Promise.all([readEventLog(dir), readLegacyJournal(dir)]);
  const all = [...legacy.filter((l) => !entries.some((e) => e.rev === l.rev)), ...entries].sort((a, b) => a.rev - b.rev);
  return {
    session_id: session.session_id,
    lines: describeLog(all),
    summary: summarizeLog(all, {
      statuses: session.step_2_generation.results.map((r) => r.status),
      judgments: session.step_3_evaluation.scores.length,
    }),
    timing: logTiming(all),
  };
}
