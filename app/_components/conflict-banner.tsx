'use client';

import { useWorkbench } from './workbench-provider';

/**
 * Shown when a Setup save was refused because another tab or window saved the session first. Offers the two ways out
 * that lose nothing saved: Reload (the stored session; this tab's unsaved edits are dropped, as the text says) or
 * Save mine as new (this tab's edits under a new session id, the other tab's save untouched).
 */
export function ConflictBanner() {
  const conflict = useWorkbench((s) => s.conflict);
  const discardEdits = useWorkbench((s) => s.discardEdits);
  const saveAsNew = useWorkbench((s) => s.saveAsNew);
  if (!conflict) return null;
  return (
    <div role="alert" className="banner warning" data-testid="save-conflict">
      <span>
        <strong>Not saved: this session was changed in another tab or window.</strong> Reload shows the saved version and drops this
        tab&apos;s unsaved Setup edits; Save mine as new keeps them in a new session. Saving here is paused until you choose.
      </span>
      <span className="banner-actions">
        <button className="primary" onClick={() => void discardEdits()}>
          Reload
        </button>
        <button onClick={() => void saveAsNew()}>Save mine as new</button>
      </span>
    </div>
  );
}
