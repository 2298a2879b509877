'use client';

import { useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { sessionQuery } from '@/lib/client/queries';
import type { ClientSession } from '@/lib/sessions/view';

/** The id of the session whose page this is (from the URL), given by SessionShell. */
export const SessionIdContext = createContext<string | null>(null);

/** The id of the open session; only inside SessionShell. */
export function useSessionId(): string {
  const id = useContext(SessionIdContext);
  if (id === null) throw new Error('useSessionId must be used inside <SessionShell>');
  return id;
}

/**
 * The open session from the query cache. SessionShell renders its tabs only once the session has loaded, and the
 * cache keeps it while the page observes it, so inside them it is always there.
 */
export function useOpenSession(): ClientSession {
  const { data } = useQuery(sessionQuery(useSessionId()));
  if (!data) throw new Error('useOpenSession must be used inside a loaded <SessionShell>');
  return data;
}
