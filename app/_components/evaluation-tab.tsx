'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { messageOf } from '@/lib/api/errors';
import { startRaterMutation } from '@/lib/client/evaluation-mutations';
import { sessionPath } from '@/lib/client/routes';
import { Judging } from './judging';
import { raterProgressWords } from './rater-progress';
import { RatersPanel } from './raters-panel';
import { useOpenSession } from './session-context';

/**
 * Step 3: blind A/B. The owner invites raters by link (raters-panel.tsx) and may rate too, as one of the raters, from
 * these screens (judging.tsx and pair-screen.tsx: one pair at a time by opaque URLs, every metric, keys, undo).
 */
export function EvaluationTab() {
  const [rater, setRater] = useState<string | null>(null);
  return rater === null ? (
    <div className="evaluation-start">
      <RaterPicker onStart={setRater} />
      <RatersPanel />
    </div>
  ) : (
    <OwnerJudging rater={rater} onSwitch={() => setRater(null)} />
  );
}

function OwnerJudging({ rater, onSwitch }: { rater: string; onSwitch: () => void }) {
  const session = useOpenSession();
  const router = useRouter();
  const id = session.session_id;
  return (
    <Judging
      source={{ kind: 'owner', id, rater }}
      rater={rater}
      onSwitch={onSwitch}
      finished={
        <button className="primary" onClick={() => router.push(sessionPath(id, 4))}>
          {session.step === 4 ? 'See the report' : 'See the interim report'}
        </button>
      }
    />
  );
}

const RATER_KEY = 'lorabench.rater';

/** Rating on the owner's screens: who is rating. Each rater gets an order and sides of their own. */
function RaterPicker({ onStart }: { onStart: (name: string) => void }) {
  const session = useOpenSession();
  const own = session.step_3_evaluation.raters.filter((r) => !r.invited && !r.removed_at);
  const startRater = useMutation(startRaterMutation());
  const [name, setName] = useState(() => (typeof window === 'undefined' ? '' : (localStorage.getItem(RATER_KEY) ?? 'default')));
  const start = (n: string) => {
    const trimmed = n.trim();
    if (!trimmed) return;
    localStorage.setItem(RATER_KEY, trimmed);
    startRater.mutate({ id: session.session_id, rater: trimmed }, { onSuccess: () => onStart(trimmed) });
  };
  return (
    <section className="rater-picker" aria-labelledby="rate-yourself">
      <h2 id="rate-yourself">Rate on this screen</h2>
      <p className="muted">
        Every rater sees the pairs in an order and with sides of their own, shuffled with a secret the server keeps. While you rate here,
        opening the Generation grid or the report ends your blind rating.
      </p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          start(name);
        }}
      >
        <div className="field">
          <label htmlFor="rater-name">Rater name</label>
          <input id="rater-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={60} autoFocus />
        </div>
        <button className="primary" type="submit" disabled={!name.trim() || startRater.isPending}>
          Start evaluating
        </button>
      </form>
      {startRater.error && <div className="field-error">{messageOf(startRater.error)}</div>}
      <ul className="rater-list">
        {own.map((r) => (
          <li key={r.name}>
            <button className="link" onClick={() => start(r.name)}>
              {r.name}
            </button>{' '}
            {raterProgressWords(r)}
          </li>
        ))}
      </ul>
    </section>
  );
}
