'use client';

import { loraFiles, lorasInWords } from '@/lib/generation/variants';
import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useEffect, useRef, type ReactNode } from 'react';
import { messageOf } from '@/lib/api/errors';
import { apiErrorCode } from '@/lib/client/api';
import { takeHeadingFocus } from '@/lib/client/focus-request';
import { sessionQuery } from '@/lib/client/queries';
import { reachableStep, SESSIONS_PATH, stepOfSlug } from '@/lib/client/routes';
import { migrateMutation } from '@/lib/client/session-mutations';
import { STEP_NAMES } from '@/lib/sessions/schema';
import { MainArea } from './main-area';
import { SessionIdContext } from './session-context';
import { SessionTabs, TAB_PANEL_ID, tabId } from './session-tabs';
import { useSaveSetup } from './use-save-setup';
import { useSessionEvents } from './use-session-events';
import { useWorkbenchStore } from './workbench-provider';

/** Why session `id` cannot be shown: a folder of the original tool (with Migrate), or the server's message. */
function SessionError({ id, error }: { id: string; error: unknown }) {
  const migrate = useMutation(migrateMutation());
  if (apiErrorCode(error) === 'needs_migration') {
    return (
      <div className="banner info" data-testid="needs-migration">
        <span>
          Session {id} was written by the original LoRA tool. Migrate it to open it here; the original file is kept as session_meta.v1.json.
        </span>
        <span className="banner-actions">
          <button className="primary" onClick={() => migrate.mutate(id)} disabled={migrate.isPending}>
            Migrate and open
          </button>
        </span>
      </div>
    );
  }
  return (
    <div role="alert" className="banner error">
      <span>
        Session {id} cannot be opened: {messageOf(error)}
      </span>
      <Link href={SESSIONS_PATH}>All sessions</Link>
    </div>
  );
}

/**
 * Everything of the session whose id the URL names: loads it (through the query cache), follows its events stream,
 * and shows its four tabs around the step page, or why it cannot be shown.
 */
export function SessionShell({ id, children }: { id: string; children: ReactNode }) {
  const store = useWorkbenchStore();
  const save = useSaveSetup();
  const session = useQuery(sessionQuery(id));
  const { step: slug } = useParams<{ step?: string }>();
  const step = slug === undefined ? null : stepOfSlug(slug);
  useSessionEvents(session.data ? id : null);
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = session.data !== undefined;
  useEffect(() => {
    if (shown && takeHeadingFocus()) heading.current?.focus();
  }, [shown, id, step]);

  useEffect(() => {
    // Unsaved edits of the session left by back or forward (the app's own links ask first) are saved now, not lost.
    const { draft, conflict } = store.getState();
    if (draft && draft.sessionId !== id && !conflict) void save();
    store.getState().enterSession(id);
  }, [id, store, save]);

  // A session deleted meanwhile (another tab) answers 404 to the next read: its page says so instead of a stale copy.
  if (!session.data || apiErrorCode(session.error) === 'not_found') {
    return (
      <MainArea>{session.error ? <SessionError id={id} error={session.error} /> : <p className="muted">Loading session {id}…</p>}</MainArea>
    );
  }
  return (
    <MainArea>
      <h1 className="session-title" ref={heading} tabIndex={-1}>
        {step === null ? '' : `${STEP_NAMES[step]} · `}session {id}
        {session.data.step_1_setup.lora_filename && <span className="muted"> · {lorasInWords(loraFiles(session.data.step_1_setup))}</span>}
      </h1>
      <SessionTabs id={id} reached={reachableStep(session.data.step)} current={step} />
      <SessionIdContext.Provider value={id}>
        {step === null ? (
          children
        ) : (
          <section role="tabpanel" id={TAB_PANEL_ID} aria-labelledby={tabId(step)} className="panel">
            {children}
          </section>
        )}
      </SessionIdContext.Provider>
    </MainArea>
  );
}
