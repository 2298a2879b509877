'use client';

import { useMutation } from '@tanstack/react-query';
import { useParams } from 'next/navigation';
import { discardEditsMutation } from '@/lib/client/setup-mutations';
import { conflictOf } from '@/lib/client/store';
import { useSessionActions } from './use-session-actions';
import { useWorkbench, useWorkbenchStore } from './workbench-provider';

/**
 * Shown on the open session's pages when a Setup save was refused because another tab or window saved the session
 * first. Offers the two ways out that lose nothing saved: Reload (the stored session; this tab's unsaved edits are
 * dropped, as the text says) or Save mine as new (this tab's edits under a new session id, the other tab's save
 * untouched).
 */
export function ConflictBanner() {
  const { id } = useParams<{ id?: string }>();
  const conflict = useWorkbench(conflictOf(id ?? null));
  const discard = useMutation(discardEditsMutation(useWorkbenchStore()));
  const { saveAsNew } = useSessionActions();
  if (!conflict || !id) return null;
  return (
    <div role="alert" className="banner warning" data-testid="save-conflict">
      <span>
        <strong>Not saved: this session was changed in another tab or window.</strong> Reload shows the saved version and drops this
        tab&apos;s unsaved Setup edits; Save mine as new keeps them in a new session. Saving here is paused until you choose.
      </span>
      <span className="banner-actions">
        <button className="primary" onClick={() => discard.mutate(id)} disabled={discard.isPending}>
          Reload
        </button>
        <button onClick={() => saveAsNew(id)}>Save mine as new</button>
      </span>
    </div>
  );
}
