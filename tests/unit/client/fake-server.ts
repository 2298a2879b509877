import { vi } from 'vitest';
import { toClientSession } from '@/lib/sessions/view';
import { generatedSession } from '../../helpers/generated-session';

export const SESSION_ID = '20240115_143022';
export const COPY_ID = '20240115_150000';

/**
 * A fake API for the client's mutations and queries: answers PUT /api/sessions/:id like the real route (revision
 * check, bump), POST …/copy with a new id, GET with the stored session (or 409 needs_migration until POST …/migrate
 * when `legacy`), and lets a test play "another tab" saving Setup in between. Every PUT answers after a 5 ms timer.
 */
export function fakeServer(opts: { legacy?: boolean } = {}) {
  const base = generatedSession(SESSION_ID);
  let stored = { ...base, revision: 0, step_2_generation: { ...base.step_2_generation, generation_started: false } };
  let legacy = opts.legacy ?? false;
  const puts: Array<{ base_revision?: number; notes?: string; lora?: string }> = [];
  const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
    if (init?.method === 'PUT') {
      const body = JSON.parse(String(init.body));
      puts.push({ base_revision: body.base_revision, notes: body.notes, lora: body.step_1_setup?.lora_filename });
      if (body.base_revision !== undefined && body.base_revision !== stored.revision) {
        return Response.json({ error: { code: 'conflict', message: 'stale' } }, { status: 409 });
      }
      await new Promise((r) => setTimeout(r, 5));
      stored = {
        ...stored,
        revision: stored.revision + 1,
        notes: body.notes ?? stored.notes,
        step_1_setup: body.step_1_setup ?? stored.step_1_setup,
      };
      return Response.json({ session: toClientSession(stored) });
    }
    if (url === '/api/sessions') return Response.json({ sessions: [] });
    if (url.endsWith('/copy')) {
      const body = JSON.parse(String(init?.body));
      const copy = { ...stored, session_id: COPY_ID, revision: 0, step_1_setup: body.step_1_setup ?? stored.step_1_setup };
      return Response.json({ session: toClientSession(copy) }, { status: 201 });
    }
    if (url.endsWith('/migrate')) {
      legacy = false;
      stored = { ...stored, revision: stored.revision + 1 };
      return Response.json({ session: toClientSession(stored) });
    }
    if (legacy) return Response.json({ error: { code: 'needs_migration', message: 'original tool' } }, { status: 409 });
    return Response.json({ session: toClientSession(stored) });
  });
  /** Another tab saves Setup: the stored revision moves on behind the client's back. */
  const otherTabSaves = (lora_filename: string) => {
    stored = { ...stored, revision: stored.revision + 1, step_1_setup: { ...stored.step_1_setup, lora_filename } };
  };
  /** The requests made to `url` (any method). */
  const calls = (url: string) => fetchMock.mock.calls.filter(([u]) => u === url);
  return { fetchMock, puts, get: () => stored, otherTabSaves, calls, client: () => toClientSession(stored) };
}
