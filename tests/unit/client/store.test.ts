import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startAutosave } from '@/lib/client/autosave';
import { conflictOf, createWorkbenchStore, draftOf } from '@/lib/client/store';
import { SetupSchema } from '@/lib/sessions/schema';

const A = '20240115_143022';
const B = '20240115_150000';
const setup = SetupSchema.parse({ lora_filename: 'a.safetensors' });
const withLora = (lora_filename: string) => ({ ...setup, lora_filename });

describe('workbench store: the draft', () => {
  it('a first edit takes the revision shown; later edits of the same session keep that base', () => {
    const store = createWorkbenchStore();
    store.getState().editSetup(A, 4, withLora('one'));
    store.getState().editSetup(A, 9, withLora('two'));
    expect(store.getState().draft).toEqual({ sessionId: A, baseRevision: 4, setup: withLora('two') });
    expect(store.getState().saveState).toBe('idle');
  });

  it("editing another session's Setup replaces the draft, with that session's revision and no conflict", () => {
    const store = createWorkbenchStore();
    store.getState().editSetup(A, 4, withLora('one'));
    store.getState().saveConflicted();
    store.getState().editSetup(B, 2, withLora('other'));
    expect(store.getState()).toMatchObject({ draft: { sessionId: B, baseRevision: 2 }, conflict: false });
  });

  it('a save clears the draft it sent; edits made while it was in flight stay, based on the revision saved', () => {
    const store = createWorkbenchStore();
    store.getState().editSetup(A, 0, withLora('one'));
    const sent = store.getState().draft!;
    store.getState().saveSucceeded(sent, 1);
    expect(store.getState()).toMatchObject({ draft: null, saveState: 'saved' });

    store.getState().editSetup(A, 1, withLora('two'));
    const inFlight = store.getState().draft!;
    store.getState().editSetup(A, 1, withLora('three'));
    store.getState().saveSucceeded(inFlight, 2);
    expect(store.getState().draft).toEqual({ sessionId: A, baseRevision: 2, setup: withLora('three') });
  });

  it('a notes save moves the draft to its revision only when nothing else was written in between', () => {
    const store = createWorkbenchStore();
    store.getState().editSetup(A, 3, withLora('one'));
    store.getState().notesSaved(A, 4);
    expect(store.getState().draft?.baseRevision).toBe(4);
    // Revision 6 after 4: another tab wrote revision 5, which the draft's next save must meet as a conflict.
    store.getState().notesSaved(A, 6);
    expect(store.getState().draft?.baseRevision).toBe(4);
    store.getState().notesSaved(B, 5);
    expect(store.getState().draft?.baseRevision).toBe(4);
  });

  it('selectors see the draft and the conflict of their own session only', () => {
    const store = createWorkbenchStore();
    store.getState().editSetup(A, 0, setup);
    store.getState().saveConflicted();
    expect(draftOf(A)(store.getState())?.sessionId).toBe(A);
    expect(draftOf(B)(store.getState())).toBeNull();
    expect(conflictOf(A)(store.getState())).toBe(true);
    expect(conflictOf(B)(store.getState())).toBe(false);
    store.getState().dropDraft();
    expect(store.getState()).toMatchObject({ draft: null, conflict: false, saveState: 'idle' });
  });
});

describe('workbench store: sessions and live progress', () => {
  it('entering another session remembers it and clears the save state and error; re-entering the same keeps them', () => {
    const store = createWorkbenchStore();
    store.getState().enterSession(A);
    store.getState().saveFailed('disk full');
    store.getState().enterSession(A);
    expect(store.getState()).toMatchObject({ lastSessionId: A, saveState: 'error', error: 'disk full' });
    store.getState().enterSession(B);
    expect(store.getState()).toMatchObject({ lastSessionId: B, saveState: 'idle', error: null });
  });

  it('forgetting a deleted session drops its draft and the memory of it, and nothing of another', () => {
    const store = createWorkbenchStore();
    store.getState().enterSession(A);
    store.getState().editSetup(A, 0, setup);
    store.getState().forgetSession(B);
    expect(store.getState()).toMatchObject({ lastSessionId: A, draft: { sessionId: A } });
    store.getState().forgetSession(A);
    expect(store.getState()).toMatchObject({ lastSessionId: null, draft: null });
  });

  it("live progress merges per session; another session's starts empty, and clearing is per session", () => {
    const store = createWorkbenchStore();
    store.getState().updateLive(A, { step: { image_id: 'baseline_0_0', value: 3, max: 20 } });
    store.getState().updateLive(A, { eta: { seconds: 12, servers: [] } });
    expect(store.getState().live).toMatchObject({ step: { value: 3 }, eta: { seconds: 12 }, preview: null });
    store.getState().updateLive(B, { eta: { seconds: 5, servers: [] } });
    expect(store.getState()).toMatchObject({ liveSession: B, live: { step: null, eta: { seconds: 5 } } });
    store.getState().clearLive(A);
    expect(store.getState().liveSession).toBe(B);
    store.getState().clearLive(B);
    expect(store.getState()).toMatchObject({ liveSession: null, live: { step: null, preview: null, eta: null } });
  });
});

describe('startAutosave', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('saves once, the idle interval after the last edit', async () => {
    const store = createWorkbenchStore();
    const save = vi.fn();
    const stop = startAutosave(store, save, 2000);
    store.getState().editSetup(A, 0, withLora('a'));
    await vi.advanceTimersByTimeAsync(1500);
    store.getState().editSetup(A, 0, withLora('b'));
    await vi.advanceTimersByTimeAsync(1500);
    expect(save).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(600);
    expect(save).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(save).toHaveBeenCalledTimes(1);
    stop();
  });

  it('waits while a conflict is open, and never runs once stopped', async () => {
    const store = createWorkbenchStore();
    const save = vi.fn();
    const stop = startAutosave(store, save, 2000);
    store.getState().editSetup(A, 0, withLora('a'));
    store.getState().saveConflicted();
    store.getState().editSetup(A, 0, withLora('b'));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(save).not.toHaveBeenCalled();
    store.getState().dropDraft();
    store.getState().editSetup(A, 1, withLora('c'));
    stop();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(save).not.toHaveBeenCalled();
  });

  it('picks up a draft that exists when it starts', async () => {
    const store = createWorkbenchStore();
    store.getState().editSetup(A, 0, setup);
    const save = vi.fn();
    const stop = startAutosave(store, save, 500);
    await vi.advanceTimersByTimeAsync(600);
    expect(save).toHaveBeenCalledTimes(1);
    stop();
  });
});
