import { createStore } from 'zustand/vanilla';
import type { GenerationEvent, ServerStat } from '@/lib/generation/jobs';
import type { SessionSummary, Setup, Step } from '@/lib/sessions/schema';
import type { ClientSession } from '@/lib/sessions/view';
import { messageOf } from '@/lib/api/errors';
import { api, apiErrorCode } from './api';

export type SaveState = 'idle' | 'saving' | 'saved' | 'error';

export interface StepProgress {
  image_id: string;
  value: number;
  max: number;
}

/** What the main area shows: the current session's tabs, the session history, or a comparison. */
export type View = 'session' | 'history' | 'compare';

export interface WorkbenchState {
  view: View;
  /** Sessions picked for the comparison view. */
  compareIds: string[];
  session: ClientSession | null;
  sessions: SessionSummary[];
  /** Unsaved Setup edits; null when Setup matches the server. */
  draft: Setup | null;
  tab: Step;
  saveState: SaveState;
  /** The last failure to show in the UI, or null. */
  error: string | null;
  /**
   * True after a Setup save was refused because the session was saved elsewhere (another tab or window) since this
   * tab loaded it. Saving (manual and automatic) stays off until `discardEdits` or `saveAsNew` resolves it.
   */
  conflict: boolean;
  step: StepProgress | null;
  /** The latest live preview of the image being rendered. */
  preview: { image_id: string; data_url: string } | null;
  eta: { seconds: number | null; servers: ServerStat[] } | null;

  refreshList(): Promise<void>;
  newSession(): Promise<void>;
  loadSession(id: string): Promise<void>;
  reloadSession(): Promise<void>;
  /** Drops unsaved Setup edits and shows the stored session again, on the same tab; clears a save conflict. */
  discardEdits(): Promise<void>;
  editSetup(setup: Setup): void;
  save(): Promise<boolean>;
  /** The body of `save`, run in the write queue. */
  saveNow(): Promise<boolean>;
  startGeneration(): Promise<void>;
  pauseGeneration(): Promise<void>;
  cancelGeneration(): Promise<void>;
  onGenerationEvent(ev: GenerationEvent): void;
  /** The events stream opened with the server's `revision`: reloads the session when it differs from the one shown. */
  onStreamOpen(revision: number): void;
  setTab(tab: Step): void;
  setError(message: string | null): void;
  setView(view: View): void;
  compare(ids: string[]): void;
  saveNotes(notes: string): Promise<void>;
  relaunch(id: string): Promise<void>;
  saveAsNew(): Promise<void>;
  deleteSession(id: string): Promise<boolean>;
  restore(name: string): Promise<void>;
  importZip(file: Blob): Promise<void>;
}

const message = messageOf;

/**
 * The client store of one browser tab (zustand vanilla store, created per provider as zustand's App Router guide
 * says). It mirrors the server's session and holds only unsaved Setup edits and UI state; the server stays the
 * source of truth.
 */
export function createWorkbenchStore(opts: { autosaveMs: number }) {
  let autosave: ReturnType<typeof setTimeout> | undefined;
  const cancelAutosave = () => clearTimeout(autosave);
  // Saves run one after another, each reading the revision the previous one left, so they never race into a 409.
  let writes: Promise<unknown> = Promise.resolve();
  const queued = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = writes.then(fn, fn);
    writes = run.catch(() => undefined);
    return run;
  };

  return createStore<WorkbenchState>()((set, get) => {
    /** Shows a session that the server just made or loaded, dropping unsaved edits of the previous one. */
    const show = (session: ClientSession, tab: Step = session.step) => {
      cancelAutosave();
      set({
        session,
        draft: null,
        tab,
        view: 'session',
        saveState: 'idle',
        error: null,
        conflict: false,
        step: null,
        preview: null,
        eta: null,
      });
      void get().refreshList();
    };
    const fail = (err: unknown) => set({ error: message(err) });

    return {
      view: 'session',
      compareIds: [],
      session: null,
      sessions: [],
      draft: null,
      tab: 1,
      saveState: 'idle',
      error: null,
      conflict: false,
      step: null,
      preview: null,
      eta: null,

      async refreshList() {
        try {
          set({ sessions: (await api.listSessions()).sessions });
        } catch (err) {
          set({ error: message(err) });
        }
      },

      async newSession() {
        try {
          show((await api.createSession()).session, 1);
        } catch (err) {
          fail(err);
        }
      },

      async loadSession(id) {
        try {
          show((await api.getSession(id)).session);
        } catch (err) {
          // A folder of the original tool is migrated when the user loads it, never by a read.
          if (apiErrorCode(err) !== 'needs_migration') return fail(err);
          try {
            show((await api.migrate(id)).session);
          } catch (again) {
            fail(again);
          }
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

      async discardEdits() {
        const current = get().session;
        if (!current) return;
        try {
          show((await api.getSession(current.session_id)).session, get().tab);
        } catch (err) {
          fail(err);
        }
      },

      editSetup(setup) {
        set({ draft: setup, saveState: 'idle' });
        cancelAutosave();
        // While a conflict is open every save would be refused again: no autosave until it is resolved.
        if (get().conflict) return;
        autosave = setTimeout(function retry() {
          if (get().saveState === 'saving') autosave = setTimeout(retry, opts.autosaveMs);
          else void get().save();
        }, opts.autosaveMs);
      },

      save() {
        cancelAutosave();
        if (get().conflict) return Promise.resolve(false);
        return queued(() => get().saveNow());
      },

      async saveNow() {
        const { session, draft } = get();
        if (!session || get().conflict) return false;
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
          if (apiErrorCode(err) === 'conflict') {
            cancelAutosave();
            set({ saveState: 'error', conflict: true });
          } else {
            set({ saveState: 'error', error: message(err) });
          }
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

      async pauseGeneration() {
        const id = get().session?.session_id;
        if (id) await api.pauseGeneration(id).catch(fail);
      },

      async cancelGeneration() {
        const id = get().session?.session_id;
        if (id) await api.cancelGeneration(id).catch(fail);
      },

      onGenerationEvent(ev) {
        const session = get().session;
        if (!session) return;
        if (ev.type === 'step') {
          set({ step: { image_id: ev.image_id, value: ev.value, max: ev.max } });
        } else if (ev.type === 'preview') {
          set({ preview: { image_id: ev.image_id, data_url: ev.data_url } });
        } else if (ev.type === 'eta') {
          set({ eta: { seconds: ev.seconds, servers: ev.servers } });
        } else if (ev.type === 'image') {
          const results = session.step_2_generation.results.map((r) => (r.image_id === ev.result.image_id ? ev.result : r));
          set({ session: { ...session, step_2_generation: { ...session.step_2_generation, results } } });
        } else {
          set({ step: null, preview: null, eta: null });
          void get().reloadSession();
          void get().refreshList();
        }
      },

      onStreamOpen(revision) {
        // Events sent before the stream opened are missed; a revision that differs says something was written since
        // this copy was fetched (image events do not bump the copy's revision, so a copy they changed reloads too).
        const session = get().session;
        if (session && session.revision !== revision) void get().reloadSession();
      },

      setTab(tab) {
        set({ tab });
      },

      setError(error) {
        set({ error });
      },

      setView(view) {
        set({ view });
        if (view === 'history') void get().refreshList();
      },

      compare(ids) {
        set({ compareIds: ids, view: 'compare' });
      },

      async saveNotes(notes) {
        const id = get().session?.session_id;
        if (!id) return;
        try {
          const saved = (await queued(() => api.saveNotes(id, notes))).session;
          const session = get().session;
          if (session?.session_id !== id) return;
          // Notes are saved without a revision check. When something else saved in between (another tab, a job), the
          // new revision must not be taken with this tab's older Setup, or its next Setup save would overwrite theirs.
          const direct = saved.revision === session.revision + 1;
          set({ session: direct ? saved : { ...session, notes: saved.notes } });
          void get().refreshList();
        } catch (err) {
          fail(err);
        }
      },

      async relaunch(id) {
        try {
          show((await api.relaunch(id)).session, 1);
        } catch (err) {
          fail(err);
        }
      },

      async saveAsNew() {
        const { session, draft } = get();
        if (!session) return;
        try {
          show((await api.copy(session.session_id, draft ?? undefined)).session);
        } catch (err) {
          fail(err);
        }
      },

      async deleteSession(id) {
        try {
          await api.deleteSession(id);
          if (get().session?.session_id === id) {
            cancelAutosave();
            set({ session: null, draft: null, saveState: 'idle', conflict: false });
          }
          await get().refreshList();
          return true;
        } catch (err) {
          fail(err);
          return false;
        }
      },

      async restore(name) {
        try {
          const { restored } = await api.restore(name);
          if (restored.damaged) await get().refreshList();
          else await get().loadSession(restored.session_id);
        } catch (err) {
          fail(err);
        }
      },

      async importZip(file) {
        try {
          show((await api.importZip(file)).session);
        } catch (err) {
          fail(err);
        }
      },
    };
  });
}

export type WorkbenchStore = ReturnType<typeof createWorkbenchStore>;
