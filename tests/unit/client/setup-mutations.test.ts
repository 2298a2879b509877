import { MutationObserver, type MutationOptions, type QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startAutosave } from '@/lib/client/autosave';
import { queryKeys, sessionQuery } from '@/lib/client/queries';
import { createQueryClient } from '@/lib/client/query-client';
import { openSessionMutation } from '@/lib/client/session-mutations';
import {
  discardEditsMutation,
  saveAsNewMutation,
  saveNotesMutation,
  saveSetupMutation,
  type SaveResult,
} from '@/lib/client/setup-mutations';
import { createWorkbenchStore } from '@/lib/client/store';
import type { Setup } from '@/lib/sessions/schema';
import type { ClientSession } from '@/lib/sessions/view';
import { COPY_ID, fakeServer, SESSION_ID } from './fake-server';

/** Runs a mutation as useMutation does, outside React; resolves to its data, or to the error it failed with. */
function run<TData, TVariables>(client: QueryClient, options: MutationOptions<TData, Error, TVariables>, variables: TVariables) {
  return new MutationObserver(client, options).mutate(variables).catch((err: unknown) => err);
}

/** A tab: its store, its query client with the session loaded, and its Save. */
async function openTab() {
  const store = createWorkbenchStore();
  const client = createQueryClient(store);
  const session = await client.fetchQuery(sessionQuery(SESSION_ID));
  const save = () => run(client, saveSetupMutation(store), undefined) as Promise<SaveResult | Error>;
  /** An edit of Setup as the Setup tab makes it: on the cached session's revision. */
  const edit = (lora_filename: string) => {
    const cached = client.getQueryData<ClientSession>(queryKeys.session(SESSION_ID))!;
    const shown: Setup = store.getState().draft?.setup ?? cached.step_1_setup;
    store.getState().editSetup(SESSION_ID, cached.revision, { ...shown, lora_filename });
  };
  return { store, client, session, save, edit };
}

const cachedSession = (client: QueryClient) => client.getQueryData<ClientSession>(queryKeys.session(SESSION_ID));

let server: ReturnType<typeof fakeServer>;
beforeEach(() => {
  server = fakeServer();
  vi.stubGlobal('fetch', server.fetchMock);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('saving Setup', () => {
  it('autosave sends the last edit once, on the revision it was made on, and the cache takes the stored session', async () => {
    vi.useFakeTimers();
    const { store, client, save, edit } = await openTab();
    const stop = startAutosave(store, save, 2000);
    edit('a.safetensors');
    await vi.advanceTimersByTimeAsync(1500);
    edit('b.safetensors');
    await vi.advanceTimersByTimeAsync(1500);
    expect(server.puts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(600);
    await vi.runOnlyPendingTimersAsync();
    expect(server.puts).toEqual([{ base_revision: 0, notes: undefined, lora: 'b.safetensors' }]);
    expect(store.getState()).toMatchObject({ draft: null, saveState: 'saved' });
    expect(cachedSession(client)).toMatchObject({ revision: 1, step_1_setup: { lora_filename: 'b.safetensors' } });
    stop();
  });

  it('queues notes and Setup saves so the second uses the revision the first left (no 409)', async () => {
    const { store, client, save, edit } = await openTab();
    edit('c.safetensors');
    const notes = run(client, saveNotesMutation(store), { id: SESSION_ID, notes: 'hello' });
    const saved = save();
    await Promise.all([notes, saved]);
    expect(server.puts.map((p) => p.base_revision)).toEqual([undefined, 1]);
    expect(store.getState()).toMatchObject({ error: null, conflict: false, draft: null });
    expect(server.get()).toMatchObject({ revision: 2, notes: 'hello', step_1_setup: { lora_filename: 'c.safetensors' } });
  });

  it('edits made while a save is in flight are saved next, on the revision that save made', async () => {
    const { store, save, edit } = await openTab();
    edit('one.safetensors');
    const first = save();
    await vi.waitFor(() => expect(server.puts).toHaveLength(1));
    edit('two.safetensors');
    await first;
    expect(store.getState().draft).toMatchObject({ baseRevision: 1, setup: { lora_filename: 'two.safetensors' } });
    expect(await save()).toMatchObject({ kind: 'saved' });
    expect(server.puts.map((p) => [p.base_revision, p.lora])).toEqual([
      [0, 'one.safetensors'],
      [1, 'two.safetensors'],
    ]);
  });

  it('a save with nothing to send sends nothing and says saved', async () => {
    const { store, save } = await openTab();
    expect(await save()).toEqual({ kind: 'clean' });
    expect(server.puts).toHaveLength(0);
    expect(store.getState().saveState).toBe('saved');
  });
});

describe('saving Setup: a session saved in another tab', () => {
  /** A tab with an edit made after another tab saved, saved into the 409. */
  async function inConflict() {
    const tab = await openTab();
    server.otherTabSaves('theirs.safetensors');
    tab.edit('mine.safetensors');
    await tab.save();
    return tab;
  }

  it('a stale save sets the conflict, keeps the edits and changes nothing on the server', async () => {
    const { store } = await inConflict();
    expect(server.puts).toEqual([{ base_revision: 0, notes: undefined, lora: 'mine.safetensors' }]);
    expect(store.getState()).toMatchObject({ conflict: true, saveState: 'error', error: null });
    expect(store.getState().draft?.setup.lora_filename).toBe('mine.safetensors');
    expect(server.get()).toMatchObject({ revision: 1, step_1_setup: { lora_filename: 'theirs.safetensors' } });
  });

  it('the draft saves on its own revision even after the cache was refetched at the newer one', async () => {
    const { store, client, save, edit } = await openTab();
    edit('mine.safetensors');
    server.otherTabSaves('theirs.safetensors');
    // A window focus refetches the session: the cache is current, the draft was made on revision 0.
    await client.fetchQuery({ ...sessionQuery(SESSION_ID), staleTime: 0 });
    expect(cachedSession(client)?.revision).toBe(1);
    await save();
    expect(server.puts.at(-1)).toMatchObject({ base_revision: 0 });
    expect(store.getState().conflict).toBe(true);
    expect(server.get().step_1_setup.lora_filename).toBe('theirs.safetensors');
  });

  it('no save is sent while the conflict is open (no 409 loop)', async () => {
    const { store, save, edit } = await inConflict();
    edit('mine2.safetensors');
    expect(await save()).toEqual({ kind: 'blocked' });
    expect(server.puts).toHaveLength(1);
    expect(store.getState()).toMatchObject({ conflict: true, draft: { setup: { lora_filename: 'mine2.safetensors' } } });
  });

  it('Reload drops the edits once the stored session is in the cache, clears the conflict; saving works again', async () => {
    const { store, client, save, edit } = await inConflict();
    await run(client, discardEditsMutation(store), SESSION_ID);
    expect(store.getState()).toMatchObject({ conflict: false, draft: null, saveState: 'idle' });
    expect(cachedSession(client)).toMatchObject({ revision: 1, step_1_setup: { lora_filename: 'theirs.safetensors' } });
    edit('after.safetensors');
    expect(await save()).toMatchObject({ kind: 'saved' });
    expect(server.puts.at(-1)).toEqual({ base_revision: 1, notes: undefined, lora: 'after.safetensors' });
    expect(server.get()).toMatchObject({ revision: 2, step_1_setup: { lora_filename: 'after.safetensors' } });
  });

  it("Save mine as new keeps the edits in a new session and leaves the other tab's save alone", async () => {
    const { store, client } = await inConflict();
    const copy = await run(client, saveAsNewMutation(store), SESSION_ID);
    expect(copy).toMatchObject({ session_id: COPY_ID, step_1_setup: { lora_filename: 'mine.safetensors' } });
    expect(client.getQueryData(queryKeys.session(COPY_ID))).toMatchObject({ session_id: COPY_ID });
    expect(store.getState()).toMatchObject({ conflict: false, draft: null });
    expect(server.get().step_1_setup.lora_filename).toBe('theirs.safetensors');
  });

  it('a notes save does not carry the draft past a revision another tab made in between, so its save meets the conflict', async () => {
    const { store, client, save, edit } = await openTab();
    edit('mine.safetensors');
    server.otherTabSaves('theirs.safetensors');
    await run(client, saveNotesMutation(store), { id: SESSION_ID, notes: 'hello' });
    expect(cachedSession(client)).toMatchObject({ revision: 2, notes: 'hello' });
    expect(store.getState().draft?.baseRevision).toBe(0);
    await save();
    expect(store.getState().conflict).toBe(true);
    expect(server.get().step_1_setup.lora_filename).toBe('theirs.safetensors');
  });
});

describe('opening a session', () => {
  it('a folder of the original tool is migrated by Load, never by the read before it', async () => {
    server = fakeServer({ legacy: true });
    vi.stubGlobal('fetch', server.fetchMock);
    const store = createWorkbenchStore();
    const client = createQueryClient(store);
    await expect(client.fetchQuery(sessionQuery(SESSION_ID))).rejects.toMatchObject({ code: 'needs_migration' });
    expect(server.calls(`/api/sessions/${SESSION_ID}/migrate`)).toHaveLength(0);

    const opened = await run(client, openSessionMutation(), SESSION_ID);
    expect(opened).toMatchObject({ session_id: SESSION_ID, revision: 1 });
    expect(server.calls(`/api/sessions/${SESSION_ID}/migrate`)).toHaveLength(1);
    expect(cachedSession(client)).toMatchObject({ revision: 1 });
  });

  it('Load reads the session afresh even when the cache has a copy', async () => {
    const { client } = await openTab();
    server.otherTabSaves('theirs.safetensors');
    const opened = await run(client, openSessionMutation(), SESSION_ID);
    expect(opened).toMatchObject({ revision: 1, step_1_setup: { lora_filename: 'theirs.safetensors' } });
    expect(server.calls(`/api/sessions/${SESSION_ID}/migrate`)).toHaveLength(0);
  });
});

describe('store and cache stay apart', () => {
  it('a failed mutation without its own error handling shows its message in the banner', async () => {
    const { store, client } = await openTab();
    server.fetchMock.mockImplementationOnce(async () =>
      Response.json({ error: { code: 'disk_full', message: 'the disk is full' } }, { status: 507 }),
    );
    const err = await run(client, saveNotesMutation(store), { id: SESSION_ID, notes: 'x' });
    expect(err).toMatchObject({ code: 'disk_full' });
    expect(store.getState().error).toBe('the disk is full');
  });

  it('a failed Setup save shows its message but is no conflict', async () => {
    const { store, save, edit } = await openTab();
    edit('x.safetensors');
    server.fetchMock.mockImplementationOnce(async () =>
      Response.json({ error: { code: 'disk_full', message: 'the disk is full' } }, { status: 507 }),
    );
    await save();
    expect(store.getState()).toMatchObject({ conflict: false, saveState: 'error', error: 'the disk is full' });
    expect(store.getState().draft?.setup.lora_filename).toBe('x.safetensors');
  });
});
