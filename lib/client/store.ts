import { createStore } from 'zustand/vanilla';
import type { ServerStat } from '@/lib/generation/jobs';
import type { Setup } from '@/lib/sessions/schema';

export type SaveState = 'idle' | 'saving' | 'saved' | 'error';

/**
 * Unsaved Setup edits of one session, with the revision they were made on. A save sends that revision, so edits made
 * on a copy that another tab has since saved over meet 409, however fresh the query cache's copy is by then.
 */
export interface Draft {
  sessionId: string;
  baseRevision: number;
  setup: Setup;
}

/** What only the events stream knows while a job runs: the current image's sampler step, its preview, the ETA. */
export interface LiveProgress {
  step: { image_id: string; value: number; max: number } | null;
  preview: { image_id: string; data_url: string } | null;
  eta: { seconds: number | null; servers: ServerStat[] } | null;
}

const NO_PROGRESS: LiveProgress = { step: null, preview: null, eta: null };

/**
 * What this browser tab knows that the server does not. Server state (sessions, evaluation, reports) lives in the
 * query cache; which session and tab are open is in the URL.
 */
export interface WorkbenchState {
  /** One draft at a time: editing another session's Setup replaces it (leaving a session by the app's own links asks first). */
  draft: Draft | null;
  /**
   * True after the draft's save was refused because the session was saved elsewhere (another tab or window) since the
   * draft was started. Saving (manual and automatic) stays off until the draft is dropped (Reload) or saved as new.
   */
  conflict: boolean;
  saveState: SaveState;
  /** The last failure to show in the banner, or null. */
  error: string | null;
  /** Live progress of `liveSession`'s job. */
  live: LiveProgress;
  liveSession: string | null;
  /** The session this tab opened last, which the sidebar and the history show on pages whose URL names none. */
  lastSessionId: string | null;

  /** Records an edit of session `sessionId`'s Setup, shown at `revision`; an existing draft of it keeps its base. */
  editSetup(sessionId: string, revision: number, setup: Setup): void;
  /** Forgets the draft and its conflict (the user chose to drop the edits). */
  dropDraft(): void;
  saveStarted(): void;
  /** `sent` was saved as revision `revision`: the draft goes, or, when edited meanwhile, continues from that revision. */
  saveSucceeded(sent: Draft, revision: number): void;
  /** A save found no edits to send. */
  nothingToSave(): void;
  saveConflicted(): void;
  saveFailed(message: string): void;
  /** A notes save of `sessionId` came back as `revision`; a draft based on the revision just before continues from it. */
  notesSaved(sessionId: string, revision: number): void;
  setError(message: string | null): void;
  /** Session `id`'s page is open: the sidebar remembers it; leaving another session clears its save state and error. */
  enterSession(id: string): void;
  /** A deleted session: its draft and the memory of it go. */
  forgetSession(id: string): void;
  updateLive(sessionId: string, patch: Partial<LiveProgress>): void;
  clearLive(sessionId: string): void;
}

/** The draft of session `id`, or null when there is none or it belongs to another session. */
export const draftOf =
  (id: string | null) =>
  (s: WorkbenchState): Draft | null =>
    s.draft && s.draft.sessionId === id ? s.draft : null;

/** Whether session `id` has a save conflict open. */
export const conflictOf = (id: string | null) => (s: WorkbenchState) => s.conflict && s.draft?.sessionId === id;

/**
 * The client store of one browser tab (a zustand vanilla store, created per provider as zustand's App Router guide
 * says). Plain state transitions; the requests that cause them live in the mutations.
 */
export function createWorkbenchStore() {
  return createStore<WorkbenchState>()((set, get) => ({
    draft: null,
    conflict: false,
    saveState: 'idle',
    error: null,
    live: NO_PROGRESS,
    liveSession: null,
    lastSessionId: null,

    editSetup(sessionId, revision, setup) {
      const draft = get().draft;
      const baseRevision = draft?.sessionId === sessionId ? draft.baseRevision : revision;
      set({ draft: { sessionId, baseRevision, setup }, saveState: 'idle', ...(draft?.sessionId === sessionId ? {} : { conflict: false }) });
    },

    dropDraft() {
      set({ draft: null, conflict: false, saveState: 'idle' });
    },

    saveStarted() {
      set({ saveState: 'saving', error: null });
    },

    saveSucceeded(sent, revision) {
      const draft = get().draft;
      if (draft === sent) set({ draft: null, saveState: 'saved' });
      // Edits made while the request was in flight stay, now on top of the revision just saved.
      else if (draft?.sessionId === sent.sessionId) set({ draft: { ...draft, baseRevision: revision }, saveState: 'saved' });
      else set({ saveState: 'saved' });
    },

    nothingToSave() {
      set({ saveState: 'saved' });
    },

    saveConflicted() {
      set({ saveState: 'error', conflict: true });
    },

    saveFailed(message) {
      set({ saveState: 'error', error: message });
    },

    notesSaved(sessionId, revision) {
      // Notes are saved without a revision check. Only when nothing else was written in between may the draft take the
      // new revision; otherwise its next save must meet the other tab's write as a conflict.
      const draft = get().draft;
      if (draft?.sessionId === sessionId && revision === draft.baseRevision + 1) set({ draft: { ...draft, baseRevision: revision } });
    },

    setError(error) {
      set({ error });
    },

    enterSession(id) {
      if (get().lastSessionId === id) return;
      set({ lastSessionId: id, saveState: 'idle', error: null });
    },

    forgetSession(id) {
      if (get().draft?.sessionId === id) set({ draft: null, conflict: false, saveState: 'idle' });
      if (get().lastSessionId === id) set({ lastSessionId: null });
    },

    updateLive(sessionId, patch) {
      const live = get().liveSession === sessionId ? get().live : NO_PROGRESS;
      set({ live: { ...live, ...patch }, liveSession: sessionId });
    },

    clearLive(sessionId) {
      if (get().liveSession === sessionId) set({ live: NO_PROGRESS, liveSession: null });
    },
  }));
}

export type WorkbenchStore = ReturnType<typeof createWorkbenchStore>;
