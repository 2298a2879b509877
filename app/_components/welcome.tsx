'use client';

import Link from 'next/link';
import { SESSIONS_PATH } from '@/lib/client/routes';
import { MainArea } from './main-area';
import { useSessionActions } from './use-session-actions';

/** The page with no session open: what the workbench is for, Create a new session, and the way to the others. */
export function Welcome() {
  const { newSession } = useSessionActions();
  return (
    <MainArea empty>
      <h1>LoRA Bench</h1>
      <p>Does your LoRA help, and at which strength? Create a session to generate a grid and judge it blind.</p>
      <div className="row">
        <button className="primary" onClick={newSession}>
          Create a new session
        </button>
        <Link className="button-like" href={SESSIONS_PATH}>
          All sessions
        </Link>
      </div>
    </MainArea>
  );
}
