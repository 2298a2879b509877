import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWorkbenchStore } from '@/lib/client/store';
import { SetupSchema } from '@/lib/sessions/schema';
import { toClientSession } from '@/lib/sessions/view';
import { generatedSession } from '../../helpers/generated-session';

/**
 * A fake server for the store: answers PUT /api/sessions/:id like the real route (revision check, bump), POST
 * /api/sessions/:id/copy with a new id, and lets a test play "another tab" saving Setup in between.
 */
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
    if (url.endsWith('/copy')) {
      const body = JSON.parse(String(init?.body));
      const copy = { ...stored, session_id: COPY_ID, revision: 0, step_1_setup: body.step_1_setup ?? stored.step_1_setup };
      return Response.json({ session: toClientSession(copy) }, { status: 201 });
    }
    return Response.json({ session: toClientSession(stored) });
  });
  /** Another tab saves Setup: the stored revision moves on behind the store's back. */
  const otherTabSaves = (lora_filename: string) => {
    stored = { ...stored, revision: stored.revision + 1, step_1_setup: { ...stored.step_1_setup, lora_filename } };
  };
  return { fetchMock, puts, get: () => stored, otherTabSaves };
}

const COPY_ID = '20240115_150000';

/** Awaits a store call while fake timers run (the fake server answers a PUT after a 5 ms timer). */
async function settle<T>(call: Promise<T>): Promise<T> {
  await vi.runAllTimersAsync();
  return call;
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

describe('workbench store: a session saved in another tab', () => {
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

  /** A store on the session, with an edit made after another tab saved, autosaved into the 409. */
  async function inConflict() {
    const store = createWorkbenchStore({ autosaveMs: 2000 });
    await store.getState().loadSession('20240115_143022');
    const setup = SetupSchema.parse(store.getState().session!.step_1_setup);
    server.otherTabSaves('theirs.safetensors');
    store.getState().editSetup({ ...setup, lora_filename: 'mine.safetensors' });
    await vi.advanceTimersByTimeAsync(2100);
    return { store, setup };
  }

  it('a stale autosave sets the conflict, keeps the edits and changes nothing on the server', async () => {
    const { store } = await inConflict();
    expect(server.puts).toEqual([{ base_revision: 0, notes: undefined, lora: 'mine.safetensors' }]);
    expect(store.getState()).toMatchObject({ conflict: true, saveState: 'error', error: null });
    expect(store.getState().draft?.lora_filename).toBe('mine.safetensors');
    expect(server.get()).toMatchObject({ revision: 1, step_1_setup: { lora_filename: 'theirs.safetensors' } });
  });

  it('pauses autosave and manual Save while the conflict is open (no 409 loop)', async () => {
    const { store, setup } = await inConflict();
    store.getState().editSetup({ ...setup, lora_filename: 'mine2.safetensors' });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await store.getState().save()).toBe(false);
    await store.getState().startGeneration();
    expect(server.puts).toHaveLength(1);
    expect(store.getState().conflict).toBe(true);
    expect(store.getState().draft?.lora_filename).toBe('mine2.safetensors');
  });

  it('Reload drops the edits, shows the stored Setup on the same tab, clears the conflict; saving works again', async () => {
    const { store, setup } = await inConflict();
    store.getState().setTab(1);
    await store.getState().discardEdits();
    expect(store.getState()).toMatchObject({ conflict: false, draft: null, tab: 1, saveState: 'idle' });
    expect(store.getState().session).toMatchObject({ revision: 1, step_1_setup: { lora_filename: 'theirs.safetensors' } });
    store.getState().editSetup({ ...setup, lora_filename: 'after.safetensors' });
    expect(await settle(store.getState().save())).toBe(true);
    expect(server.puts.at(-1)).toEqual({ base_revision: 1, notes: undefined, lora: 'after.safetensors' });
    expect(server.get()).toMatchObject({ revision: 2, step_1_setup: { lora_filename: 'after.safetensors' } });
  });

  it("Save mine as new keeps the edits in a new session and leaves the other tab's save alone", async () => {
    const { store } = await inConflict();
    await store.getState().saveAsNew();
    expect(store.getState()).toMatchObject({ conflict: false, draft: null });
    expect(store.getState().session).toMatchObject({ session_id: COPY_ID, step_1_setup: { lora_filename: 'mine.safetensors' } });
    expect(server.get().step_1_setup.lora_filename).toBe('theirs.safetensors');
  });

  it('a notes save does not take a revision another tab made in between, so a later Setup save meets the conflict', async () => {
    const store = createWorkbenchStore({ autosaveMs: 2000 });
    await store.getState().loadSession('20240115_143022');
    const setup = SetupSchema.parse(store.getState().session!.step_1_setup);
    store.getState().editSetup({ ...setup, lora_filename: 'mine.safetensors' });
    server.otherTabSaves('theirs.safetensors');
    await settle(store.getState().saveNotes('hello'));
    expect(store.getState().session).toMatchObject({ revision: 0, notes: 'hello' });
    expect(await store.getState().save()).toBe(false);
    expect(store.getState().conflict).toBe(true);
    expect(server.get().step_1_setup.lora_filename).toBe('theirs.safetensors');
  });
});
