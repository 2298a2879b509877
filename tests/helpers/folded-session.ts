// For tests that run outside the app (Playwright): the session as its `session_meta.json` holds it once the app's
// session writer has folded its event log in (after about a second without changes), read with the file system only.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { SessionSchema, type Session } from '../../lib/sessions/schema';

/**
 * Waits until `sessions/<id>/session_meta.json` holds every event of the session's log (`log_offset` equals the
 * log's length) and returns it parsed; throws after `timeoutMs` with what it last saw.
 */
export async function foldedSession(sessionsDir: string, id: string, timeoutMs = 10_000): Promise<Session> {
  const folder = path.join(sessionsDir, id);
  const end = Date.now() + timeoutMs;
  for (;;) {
    const session = SessionSchema.parse(JSON.parse(await readFile(path.join(folder, 'session_meta.json'), 'utf8')));
    const log = (await stat(path.join(folder, 'events.jsonl')).catch(() => null))?.size ?? 0;
    if (session.log_offset === log) return session;
    if (Date.now() > end) throw new Error(`${id}: session_meta.json holds ${session.log_offset} of ${log} bytes of its event log`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
