'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { sessionQuery } from '@/lib/client/queries';
import { sessionPath } from '@/lib/client/routes';
import { useSessionId } from './session-context';

/** `/sessions/:id` (and an unknown step): moves on to the session's current step once a settled answer says which. */
export function SessionIndex() {
  const id = useSessionId();
  const router = useRouter();
  const { data: session, isFetching } = useQuery(sessionQuery(id));
  const step = session && !isFetching ? session.step : null;
  useEffect(() => {
    if (step !== null) router.replace(sessionPath(id, step));
  }, [router, id, step]);
  return <p className="muted">Opening the session…</p>;
}
