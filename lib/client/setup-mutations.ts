import { mutationOptions } from '@tanstack/react-query';
import { messageOf } from '@/lib/api/errors';
import type { ClientSession } from '@/lib/sessions/view';
import { api, apiErrorCode } from './api';
import { queryKeys, sessionQuery } from './queries';
import { draftOf, type Draft, type WorkbenchStore } from './store';

/**
 * Setup saves, notes saves and copies run one after another in this scope, each reading the draft and its revision
 * as the one before left them, so they never race each other into a 409.
 */
export const WRITES = { id: 'session-writes' };

/** What a Setup save did: saved the draft, found none, or held back because a conflict is open. */
export type SaveResult = { kind: 'saved'; sent: Draft; session: ClientSession } | { kind: 'clean' } | { kind: 'blocked' };

/**
 * Saves the draft (whichever session it belongs to) on the revision it was made on. Its outcome lands in the store:
 * saved (the cache gets the stored session), a conflict (409: the banner, saving paused), or a failure message.
 */
export function saveSetupMutation(store: WorkbenchStore) {
  return mutationOptions({
    mutationKey: ['save-setup'],
    scope: WRITES,
    meta: { ownErrors: true },
    // The draft is read when the save runs, not when it was asked for: a queued save sends the latest edits.
    mutationFn: async (): Promise<SaveResult> => {
      const { draft, conflict } = store.getState();
      if (conflict) return { kind: 'blocked' };
      if (!draft) return { kind: 'clean' };
      store.getState().saveStarted();
      const { session } = await api.saveSession(draft.sessionId, draft.baseRevision, draft.setup);
      return { kind: 'saved', sent: draft, session };
    },
    onSuccess: (result, _variables, _context, { client }) => {
      if (result.kind === 'clean') store.getState().nothingToSave();
      if (result.kind !== 'saved') return;
      client.setQueryData(queryKeys.session(result.session.session_id), result.session);
      store.getState().saveSucceeded(result.sent, result.session.revision);
      void client.invalidateQueries({ queryKey: queryKeys.sessions() });
    },
    onError: (err) => {
      if (apiErrorCode(err) === 'conflict') store.getState().saveConflicted();
      else store.getState().saveFailed(messageOf(err));
    },
  });
}

/** Saves session `id`'s notes (no revision check on the server); the cache takes the stored session. */
export function saveNotesMutation(store: WorkbenchStore) {
  return mutationOptions({
    scope: WRITES,
    mutationFn: async ({ id, notes }: { id: string; notes: string }) => (await api.saveNotes(id, notes)).session,
    onSuccess: (session, { id }, _context, { client }) => {
      client.setQueryData(queryKeys.session(id), session);
      store.getState().notesSaved(id, session.revision);
      void client.invalidateQueries({ queryKey: queryKeys.sessions() });
    },
  });
}

/** Save as new: session `id` copied under a new id, with this tab's unsaved Setup edits; the draft then goes. Answers the copy. */
export function saveAsNewMutation(store: WorkbenchStore) {
  return mutationOptions({
    scope: WRITES,
    mutationFn: async (id: string) => (await api.copy(id, draftOf(id)(store.getState())?.setup)).session,
    onSuccess: (copy, id, _context, { client }) => {
      if (draftOf(id)(store.getState())) store.getState().dropDraft();
      client.setQueryData(queryKeys.session(copy.session_id), copy);
      void client.invalidateQueries({ queryKey: queryKeys.sessions() });
    },
  });
}

/**
 * Reload (the conflict banner's choice): session `id` fetched afresh, then the draft and its conflict dropped, so the
 * stored Setup shows without a flash of the old copy. A mutation of this tab's state rather than the server's.
 */
export function discardEditsMutation(store: WorkbenchStore) {
  return mutationOptions({
    mutationFn: async (id: string, { client }) => {
      await client.fetchQuery({ ...sessionQuery(id), staleTime: 0 });
      store.getState().dropDraft();
    },
  });
}
