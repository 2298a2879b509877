'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { messageOf } from '@/lib/api/errors';
import { api, apiErrorCode } from '@/lib/client/api';
import { evaluationQuery } from '@/lib/client/queries';
import { Judging } from './judging';
import { WorkbenchProvider } from './workbench-provider';

/**
 * The screen behind a rater link: the rater's blind pairs, one at a time, and nothing else of the session (their
 * browser may call only /api/rate/<link>/…). A link that no longer works says so; "Leave" forgets the link in this
 * browser (for a shared one).
 */
export function RaterScreen({ link }: { link: string }) {
  return (
    <WorkbenchProvider>
      <main className="rater-page">
        <RaterBody link={link} />
      </main>
    </WorkbenchProvider>
  );
}

function RaterBody({ link }: { link: string }) {
  const source = { kind: 'link', link } as const;
  const { data: view, error } = useQuery(evaluationQuery(source));
  const [left, setLeft] = useState(false);
  if (left) {
    return (
      <p data-testid="rater-left">
        This browser no longer holds the rater link. <Link href="/">Open LoRA Bench</Link>
      </p>
    );
  }
  if (!view) {
    const code = apiErrorCode(error);
    return (
      <div className="evaluation">
        <h1>Blind rating</h1>
        <p className={error ? 'field-error' : 'muted'} data-testid="rater-link-error">
          {!error
            ? 'Loading…'
            : code === 'not_found' || code === 'bad_request'
              ? 'This rater link does not work: it was revoked or replaced. Ask for a new one.'
              : messageOf(error)}
        </p>
      </div>
    );
  }
  return (
    <>
      <header className="rater-head">
        <h1>Blind rating</h1>
        <span className="muted">
          Rating as <strong>{view.rater}</strong>. Which side is which is hidden, and differs from pair to pair.{' '}
          <button className="link" onClick={() => void api.rate.leave().then(() => setLeft(true))}>
            Leave
          </button>
        </span>
      </header>
      <Judging
        source={source}
        rater={view.rater}
        finished={<span className="muted">Thank you: every pair is judged. You can close this page.</span>}
      />
    </>
  );
}
