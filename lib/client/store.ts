import { createStore } from 'zustand/vanilla';
import type { GenerationEvent } from '@/lib/generation/jobs';
import type { SessionSummary, Setup, Step } from '@/lib/sessions/schema';
import type { ClientSession } from '@/lib/sessions/view';
import { api, ApiClientError } from './api';

export type SaveState = 'idle' | 'saving' | 'saved' | 'error';

export interface StepProgress {
  image_id: string;
  value: number;
  max: number;
}

export interface WorkbenchState {
  session: ClientSession | null;
  sessions: SessionSummary[];
  /** Unsaved Setup edits; null when Setup matches the server. */
  draft: Setup | null;
  tab: Step;
  saveState: SaveState;
  /** The last failure to show in the UI, or null. */
  error: string | null;
  step: StepProgress | null;

  refreshList(): Promise<void>;
  newSession(): Promise<void>;
  loadSession(id: string): Promise<void>;
  reloadSession(): Promise<void>;
  editSetup(setup: Setup): void;
  save(): Promise<boolean>;
  startGeneration(): Promise<void>;
  onGenerationEvent(ev: GenerationEvent): void;
  setTab(tab: Step): void;
  setError(message: string | null): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The client store of one browser tab (zustand vanilla store, created per provider as zustand's App Router guide
 * says). It mirrors the server's session and holds only unsaved Setup edits and UI state; the server stays the
 * source of truth.
 */
export function createWorkbenchStore() {
  return createStore<WorkbenchState>()((set, get) => ({
    session: null,
    sessions: [],
    draft: null,
    tab: 1,
    saveState: 'idle',
    error: null,
    step: null,

    async refreshList() {
      try {
        set({ sessions: (await api.listSessions()).sessions });
      } catch (err) {
        set({ error: message(err) });
      }
    },

    async newSession() {
      try {
        const { session } = await api.createSession();
        set({ session, draft: null, tab: 1, saveState: 'idle', error: null, step: null });
        await get().refreshList();
      } catch (err) {
        set({ error: message(err) });
      }
    },

    async loadSession(id) {
      try {
        const { session } = await api.getSession(id);
        set({ session, draft: null, tab: session.step, saveState: 'idle', error: null, step: null });
      } catch (err) {
        set({ error: message(err) });
      }
    },

    async reloadSession() {
      const current = get().session;
      if (!current) return;
      try {
        set({ session: (await api.getSession(current.session_id)).session });
      } catch (err) {
        set({ error: message(err) });
      }
    },

    editSetup(setup) {
      set({ draft: setup, saveState: 'idle' });
    },

    async save() {
      const { session, draft } = get();
      if (!session) return false;
      if (!draft) {
        set({ saveState: 'saved' });
        return true;
      }
      set({ saveState: 'saving', error: null });
      try {
        const saved = await api.saveSession(session.session_id, session.revision, draft);
        // Keep edits made while the request was in flight.
        set({ session: saved.session, draft: get().draft === draft ? null : get().draft, saveState: 'saved' });
        void get().refreshList();
        return true;
      } catch (err) {
        const conflict = err instanceof ApiClientError && err.code === 'conflict';
        set({
          saveState: 'error',
          error: conflict ? `${message(err)} Your edits are kept; load the session again to see the saved version.` : message(err),
        });
        return false;
      }
    },

    async startGeneration() {
      if (!(await get().save())) return;
      const session = get().session;
      if (!session) return;
      try {
        const started = await api.startGeneration(session.session_id);
        set({ session: started.session, tab: 2, error: null });
        void get().refreshList();
      } catch (err) {
        set({ error: message(err) });
      }
    },

    onGenerationEvent(ev) {
      const session = get().session;
      if (!session) return;
      if (ev.type === 'step') {
        set({ step: { image_id: ev.image_id, value: ev.value, max: ev.max } });
      } else if (ev.type === 'image') {
        const results = session.step_2_generation.results.map((r) => (r.image_id === ev.result.image_id ? ev.result : r));
        set({ session: { ...session, step_2_generation: { ...session.step_2_generation, results } } });
      } else {
        set({ step: null });
        void get().reloadSession();
        void get().refreshList();
      }
    },

    setTab(tab) {
      set({ tab });
    },

    setError(error) {
      set({ error });
    },
  }));
}

export type WorkbenchStore = ReturnType<typeof createWorkbenchStore>;
