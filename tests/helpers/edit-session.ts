// Puts a stored session into a state a test needs (a job cut off halfway, prompts already submitted, …) by writing
// its snapshot the way a previous run of the app would have left it. The session writer sees the file change and
// reads it again; real code changes sessions only through events (lib/sessions/writer.ts `commit`).
import { stat } from 'node:fs/promises';
import { eventLogPath } from '@/lib/sessions/event-log';
import { sessionPath } from '@/lib/sessions/paths';
import { SessionSchema, type Session } from '@/lib/sessions/schema';
import { writeSnapshot } from '@/lib/sessions/snapshot';
import { loadSession } from '@/lib/sessions/store';

/** Loads session `id`, lets `mutate` change it, and stores it as its snapshot at the next revision. Returns it. */
export async function editSession(id: string, mutate: (s: Session) => void): Promise<Session> {
  const s = await loadSession(id);
  mutate(s);
  s.revision += 1;
  s.log_offset = (await stat(eventLogPath(sessionPath(id))).catch(() => null))?.size ?? 0;
  const parsed = SessionSchema.parse(s);
  await writeSnapshot(parsed);
  return parsed;
}
