'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { messageOf } from '@/lib/api/errors';
import { changeRaterMutation } from '@/lib/client/evaluation-mutations';
import { sessionQuery } from '@/lib/client/queries';
import type { RaterChange } from '@/lib/evaluation/rater-admin';
import { raterProgressWords, type RaterRow } from './rater-progress';
import { RemoveRater } from './remove-rater';
import { useOpenSession } from './session-context';

/** What a change to a rater did, for the status line a screen reader announces. */
function changedWords({ name, action, drop }: RaterChange): string {
  if (action === 'remove') return `${name} removed, their judgments ${drop ? 'dropped' : 'kept'}.`;
  if (action === 'pause') return `${name} paused.`;
  if (action === 'resume') return `${name} resumed.`;
  return action === 'revoke' ? `The rater link of ${name} was revoked.` : `A rater link for ${name} is ready.`;
}

/** The full URL of a rater link path, as the rater's browser will open it. */
const fullUrl = (path: string) => (typeof window === 'undefined' ? path : `${window.location.origin}${path}`);

/**
 * The owner's raters and where each stands: invite someone by name (a rater link of their own, copied with one
 * click, also usable on this screen), a new link for a rater (the old one stops working), revoke a link, pause and
 * resume a rater, remove one with their judgments kept or dropped (remove-rater.tsx). A rater link reaches only that
 * rater's blind screens, never the session, the images or the report.
 */
export function RatersPanel() {
  const session = useOpenSession();
  const id = session.session_id;
  const change = useMutation(changeRaterMutation());
  const [name, setName] = useState('');
  const [copied, setCopied] = useState<string | null>(null);
  const raters = session.step_3_evaluation.raters.filter((r) => r.name !== 'default');
  // Raters judge elsewhere: their progress is fetched every few seconds while one of them is still at it.
  const waiting = raters.some((r) => r.invited && !r.evaluation_complete && !r.removed_at);
  useQuery({ ...sessionQuery(id), refetchInterval: waiting ? 3000 : false });
  const act = (rater: string, action: RaterChange['action'], drop?: boolean) => change.mutate({ id, name: rater, action, drop });
  const copy = async (r: RaterRow) => {
    if (!r.link) return;
    await navigator.clipboard?.writeText(fullUrl(r.link)).catch(() => undefined);
    setCopied(r.name);
  };
  return (
    <section className="raters-panel" aria-labelledby="invite-raters">
      <h2 id="invite-raters">Invite raters</h2>
      <p className="muted">
        A rater link opens only that rater&apos;s blind pairs: no Setup, Generation, report, images or session data. Send it, or open it on
        this screen for someone sitting here. Revoke it at any time.
      </p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return;
          act(name.trim(), 'link');
          setName('');
        }}
      >
        <div className="field">
          <label htmlFor="invite-name">Name of the rater to invite</label>
          <input id="invite-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={60} />
        </div>
        <button type="submit" disabled={!name.trim() || change.isPending}>
          Make a rater link
        </button>
      </form>
      {change.error && <div className="field-error">{messageOf(change.error)}</div>}
      <p className="sr-only" role="status">
        {change.isSuccess && change.variables ? changedWords(change.variables) : ''}
      </p>
      {raters.length > 0 && (
        <table className="stats raters-table" data-testid="raters-table">
          <thead>
            <tr>
              <th>Rater</th>
              <th>Progress</th>
              <th>Link</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {raters.map((r) => (
              <tr key={r.name} data-rater={r.name}>
                <th scope="row">
                  {r.name}
                  {!r.invited && <span className="muted"> (this screen)</span>}
                </th>
                <td>{raterProgressWords(r)}</td>
                <td>
                  {r.link ? (
                    <span className="link-cell">
                      <input className="link-field" readOnly value={fullUrl(r.link)} aria-label={`Rater link of ${r.name}`} />
                      <button onClick={() => void copy(r)}>{copied === r.name ? 'Copied' : 'Copy link'}</button>
                      <a href={r.link} target="_blank" rel="noreferrer">
                        Open
                      </a>
                    </span>
                  ) : (
                    <span className="muted">{r.removed_at ? '–' : 'no link'}</span>
                  )}
                </td>
                <td className="rater-actions">
                  {!r.removed_at && (
                    <>
                      <button onClick={() => act(r.name, 'link')} disabled={change.isPending}>
                        {r.link ? 'New link' : 'Make link'}
                      </button>
                      {r.link && (
                        <button onClick={() => act(r.name, 'revoke')} disabled={change.isPending}>
                          Revoke
                        </button>
                      )}
                      {!r.evaluation_complete && !r.looked_at && (
                        <button
                          onClick={() => act(r.name, r.paused_at ? 'resume' : 'pause')}
                          disabled={change.isPending}
                          aria-label={`${r.paused_at ? 'Resume' : 'Pause'} ${r.name}`}
                        >
                          {r.paused_at ? 'Resume' : 'Pause'}
                        </button>
                      )}
                      {!r.evaluation_complete && (
                        <RemoveRater name={r.name} busy={change.isPending} onRemove={(drop) => act(r.name, 'remove', drop)} />
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
