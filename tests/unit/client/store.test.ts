import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWorkbenchStore } from '@/lib/client/store';
import { SetupSchema } from '@/lib/sessions/schema';
import { toClientSession } from '@/lib/sessions/view';
import { generatedSession } from '../../helpers/generated-session';

/** A fake server for the store: answers PUT /api/sessions/:id like the real route (revision check, bump). */
function fakeServer() {
  const base = generatedSession();
  let stored = { ...base, revision: 0, step_2_generation: { ...base.step_2_generation, generation_started: false } };
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
    return Response.json({ session: toClientSession(stored) });
  });
  return { fetchMock, puts, get: () => stored };
}

describe('workbench store', () => {
  let server: ReturnType<typeof fakeServer>;
  beforeEach(() => {
    vi.useFakeTimers();
    server = fakeServer();
    vi.stubGlobal('fetch', server.fetchMock);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('autosaves Setup edits once, after the idle interval since the last edit', async () => {
    const store = createWorkbenchStore({ autosaveMs: 2000 });
    await store.getState().loadSession('20240115_143022');
    const setup = SetupSchema.parse(store.getState().session!.step_1_setup);
    store.getState().editSetup({ ...setup, lora_filename: 'a.safetensors' });
    await vi.advanceTimersByTimeAsync(1500);
    store.getState().editSetup({ ...setup, lora_filename: 'b.safetensors' });
    await vi.advanceTimersByTimeAsync(1500);
    expect(server.puts).toHaveLength(0);
    expect(store.getState().draft).not.toBeNull();
    await vi.advanceTimersByTimeAsync(600);
    await vi.runOnlyPendingTimersAsync();
    expect(server.puts).toEqual([{ base_revision: 0, notes: undefined, lora: 'b.safetensors' }]);
    expect(store.getState().draft).toBeNull();
    expect(store.getState().saveState).toBe('saved');
    expect(server.get().step_1_setup.lora_filename).toBe('b.safetensors');
  });

  it('queues notes and Setup saves so the second uses the revision the first left (no 409)', async () => {
    const store = createWorkbenchStore({ autosaveMs: 2000 });
    await store.getState().loadSession('20240115_143022');
    const setup = SetupSchema.parse(store.getState().session!.step_1_setup);
    store.getState().editSetup({ ...setup, lora_filename: 'c.safetensors' });
    const notes = store.getState().saveNotes('hello');
    const save = store.getState().save();
    await vi.runAllTimersAsync();
    await Promise.all([notes, save]);
    expect(server.puts.map((p) => p.base_revision)).toEqual([undefined, 1]);
    expect(store.getState().error).toBeNull();
    expect(server.get()).toMatchObject({ revision: 2, notes: 'hello' });
  });

  it('reloads the session when the events stream opens at another revision, and only then', async () => {
    const store = createWorkbenchStore({ autosaveMs: 2000 });
    await store.getState().loadSession('20240115_143022');
    const gets = () => server.fetchMock.mock.calls.filter(([url]) => url === '/api/sessions/20240115_143022').length;
    const before = gets();
    store.getState().onStreamOpen(0);
    await vi.runAllTimersAsync();
    expect(gets()).toBe(before);
    store.getState().onStreamOpen(1);
    await vi.runAllTimersAsync();
    expect(gets()).toBe(before + 1);
  });
});
