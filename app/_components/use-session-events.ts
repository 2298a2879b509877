'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { queryKeys } from '@/lib/client/queries';
import { streamUpdate } from '@/lib/client/stream';
import type { StreamEvent } from '@/lib/generation/jobs';
import { useWorkbenchStore } from './workbench-provider';

/**
 * Follows `GET /api/sessions/:id/events` while session `id` is open (null: not yet): image events go into the
 * cached session, sampler steps, previews and the ETA into the store, and the end of a job (or a missed write)
 * refetches the session and the list.
 */
export function useSessionEvents(id: string | null): void {
  const client = useQueryClient();
  const store = useWorkbenchStore();
  useEffect(() => {
    if (id === null) return;
    const source = new EventSource(`/api/sessions/${encodeURIComponent(id)}/events`);
    source.onmessage = (msg) => {
      const update = streamUpdate(client.getQueryData(queryKeys.session(id)), JSON.parse(msg.data as string) as StreamEvent);
      if (update.session) client.setQueryData(queryKeys.session(id), update.session);
      if (update.live) store.getState().updateLive(id, update.live);
      if (update.invalidate) {
        void client.invalidateQueries({ queryKey: queryKeys.session(id) });
        void client.invalidateQueries({ queryKey: queryKeys.sessions() });
      }
    };
    return () => {
      source.close();
      store.getState().clearLive(id);
    };
  }, [id, client, store]);
}
