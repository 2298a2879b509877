'use client';

import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { messageOf } from '@/lib/api/errors';
import { lookedMutation } from '@/lib/client/evaluation-mutations';
import { useOpenSession } from './session-context';

/**
 * Holds back labelled images or results (`what`: "The Generation grid", "The report") while the owner is rating
 * blind: a rater on the owner's screens has not finished, or owner blind mode (Setup) waits for the owner's rating.
 * Looking anyway records a `looked` event (POST …/looked) that ends those blind ratings, judgments kept and flagged.
 */
export function LookGate({ what, children }: { what: string; children: ReactNode }) {
  const session = useOpenSession();
  const { blind_pending: pending, hide_images: hidden } = session.step_3_evaluation;
  const looked = useMutation(lookedMutation());
  if (pending.length === 0 && !hidden) return children;
  return (
    <div className="look-gate" role="region" aria-label="Hidden while you rate blind" data-testid="look-gate">
      {pending.length > 0 ? (
        <p>
          <strong>{pending.join(', ')}</strong> {pending.length > 1 ? 'are' : 'is'} rating this session blind on this screen. {what} shows
          labelled images and results, and looking ends that blind rating: the judgments so far are kept and marked in the report as made
          before looking.
        </p>
      ) : (
        <p>
          You said you will rate this session yourself (Setup: &quot;I will rate this myself&quot;), so its images stay hidden until you
          have rated it. If you look now, your rating will not be blind.
        </p>
      )}
      <button onClick={() => looked.mutate({ id: session.session_id })} disabled={looked.isPending}>
        Show anyway{pending.length > 0 ? ' and end the blind rating' : ''}
      </button>
      {looked.error && <div className="field-error">{messageOf(looked.error)}</div>}
    </div>
  );
}
