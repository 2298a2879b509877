import { mutationOptions, type QueryClient } from '@tanstack/react-query';
import type { ClientSession } from '@/lib/sessions/view';
import { api, apiErrorCode } from './api';
import { queryKeys, sessionQuery } from './queries';
import type { WorkbenchStore } from './store';

/** Caches a session the server just made or changed and marks the session list stale. */
export function cacheSession(client: QueryClient, session: ClientSession): void {
  client.setQueryData(queryKeys.session(session.session_id), session);
  void client.invalidateQueries({ queryKey: queryKeys.sessions() });
}

const onSession = (session: ClientSession, _variables: unknown, _context: unknown, { client }: { client: QueryClient }) =>
  cacheSession(client, session);

/** New: an empty session. Answers it. */
export const createSessionMutation = () =>
  mutationOptions({ mutationFn: async () => (await api.createSession()).session, onSuccess: onSession });

/** Relaunch: a new session with session `id`'s Setup and nothing generated. Answers it. */
export const relaunchMutation = () =>
  mutationOptions({ mutationFn: async (id: string) => (await api.relaunch(id)).session, onSuccess: onSession });

/** Import of a session .zip as a new session. Answers it. */
export const importMutation = () =>
  mutationOptions({ mutationFn: async (file: Blob) => (await api.importZip(file)).session, onSuccess: onSession });

/** Migration of a folder of the original tool (the original file is kept as session_meta.v1.json). Answers the session. */
export const migrateMutation = () =>
  mutationOptions({ mutationFn: async (id: string) => (await api.migrate(id)).session, onSuccess: onSession });

/**
 * Load: session `id` read afresh, so the page opens at its current step. A folder of the original tool answers
 * `needs_migration` and is migrated here, by the user's Load, never by a mere read. Answers the session.
 */
export const openSessionMutation = () =>
  mutationOptions({
    mutationFn: async (id: string, { client }): Promise<ClientSession> => {
      try {
        return await client.fetchQuery({ ...sessionQuery(id), staleTime: 0 });
      } catch (err) {
        if (apiErrorCode(err) !== 'needs_migration') throw err;
        const migrated = (await api.migrate(id)).session;
        cacheSession(client, migrated);
        return migrated;
      }
    },
  });

/** Delete: session `id` moves to the trash; its cached data, its draft and the sidebar's memory of it go. */
export const deleteSessionMutation = (store: WorkbenchStore) =>
  mutationOptions({
    mutationFn: (id: string) => api.deleteSession(id),
    onSuccess: (_answer, id, _context, { client }) => {
      store.getState().forgetSession(id);
      for (const queryKey of [queryKeys.session(id), queryKeys.reports(id), queryKeys.evaluations(id)]) client.removeQueries({ queryKey });
      void client.invalidateQueries({ queryKey: queryKeys.sessions() });
      void client.invalidateQueries({ queryKey: queryKeys.trash() });
    },
  });

/** Restore of trash entry `name`. Answers its summary row (a damaged folder stays damaged). */
export const restoreMutation = () =>
  mutationOptions({
    mutationFn: async (name: string) => (await api.restore(name)).restored,
    onSuccess: (_restored, _name, _context, { client }) => {
      void client.invalidateQueries({ queryKey: queryKeys.sessions() });
      void client.invalidateQueries({ queryKey: queryKeys.trash() });
    },
  });

/** Clean up: sessions `ids` (the empty ones the user agreed to) move to the trash. */
export const cleanUpMutation = () =>
  mutationOptions({
    mutationFn: (ids: string[]) => api.cleanUp(ids),
    onSuccess: (_answer, _ids, _context, { client }) => {
      for (const queryKey of [queryKeys.sessions(), queryKeys.trash(), queryKeys.emptySessions()])
        void client.invalidateQueries({ queryKey });
    },
  });
