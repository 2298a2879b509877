'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { messageOf } from '@/lib/api/errors';
import { apiErrorCode } from '@/lib/client/api';
import { judgeMutation, undoMutation } from '@/lib/client/evaluation-mutations';
import { evaluationQuery, type EvaluationSource } from '@/lib/client/queries';
import type { EvaluationView } from '@/lib/evaluation/blind';
import { PairScreen, StaleNotice, type ScreenAnswer } from './pair-screen';
import type { Mode } from './pair-view';

const ENDED: Record<NonNullable<EvaluationView['ended']>, string> = {
  removed: 'The owner of this session removed this rater; the judgments made are kept.',
  looked: 'This blind rating ended when labelled images or results were opened; the judgments made before are kept and marked.',
};

/**
 * One rater's blind evaluation, from either source (the owner's screens or a rater link). Where they stand comes
 * from the server (the source's EvaluationView query, set by each answer); this component holds only the view mode
 * and the zoom, and each pair's screen its unsent choices. `finished`: what the screen offers once every pair is
 * judged (e.g. the report, for the owner).
 */
export function Judging({
  source,
  rater,
  onSwitch,
  finished,
}: {
  source: EvaluationSource;
  rater: string;
  onSwitch?: () => void;
  finished?: ReactNode;
}) {
  const { data: view, error, refetch } = useQuery(evaluationQuery(source));
  const judge = useMutation(judgeMutation());
  const undo = useMutation(undoMutation());
  const [mode, setMode] = useState<Mode>('side');
  const [zoom, setZoom] = useState(false);
  // A 409 says another tab of this rater moved on, so this screen shows an old pair.
  const failure = judge.error ?? undo.error;
  const stale = apiErrorCode(failure) === 'conflict';
  const busy = judge.isPending || undo.isPending;

  // Preload the next pair so the next screen appears without waiting.
  useEffect(() => {
    if (!view?.next) return;
    for (const url of [view.next.left_url, view.next.right_url]) new Image().src = url;
  }, [view?.next]);

  const answers = {
    busy,
    stale,
    error: failure && !stale ? messageOf(failure) : null,
    submit: (j: ScreenAnswer) => {
      undo.reset();
      judge.mutate({ source, ...j });
    },
    undo: (index: number) => {
      judge.reset();
      undo.mutate({ source, index });
    },
  };
  const loadCurrent = () =>
    void refetch().then(() => {
      judge.reset();
      undo.reset();
    });

  if (!view) return <div className="muted">{error ? messageOf(error) : 'Loading evaluation…'}</div>;

  if (view.ended) {
    return (
      <div className="evaluation done">
        <p data-testid="evaluation-status">
          Rating ended after {view.judged} of {view.total} pairs.
        </p>
        <p className="muted">{ENDED[view.ended]}</p>
        {onSwitch && (
          <div className="actions">
            <button onClick={onSwitch}>Another rater</button>
          </div>
        )}
      </div>
    );
  }

  if (view.paused) {
    return (
      <div className="evaluation done">
        <p data-testid="evaluation-status">
          Paused after {view.judged} of {view.total} pairs.
        </p>
        <p className="muted">
          The owner of this session paused this rating; the judgments made are kept, and it goes on from here once resumed.
        </p>
        <div className="actions">
          <button onClick={() => void refetch()}>Check again</button>
          {onSwitch && <button onClick={onSwitch}>Another rater</button>}
        </div>
      </div>
    );
  }

  if (view.complete || !view.pair) {
    return (
      <div className="evaluation done">
        {stale && <StaleNotice rater={rater} onReload={loadCurrent} />}
        <p data-testid="evaluation-status">Evaluation complete: all {view.total} pairs judged.</p>
        <p className="muted">Rater: {rater}</p>
        <div className="actions">
          {onSwitch && <button onClick={onSwitch}>Another rater</button>}
          <button onClick={() => answers.undo(view.index)} disabled={busy || stale || view.total === 0}>
            Undo last (U)
          </button>
          {finished}
        </div>
        {answers.error && <div className="field-error">{answers.error}</div>}
      </div>
    );
  }

  return (
    <PairScreen
      key={view.index}
      view={view}
      pair={view.pair}
      rater={rater}
      mode={mode}
      setMode={setMode}
      zoom={zoom}
      setZoom={setZoom}
      answers={answers}
      onSwitch={onSwitch}
      onReload={loadCurrent}
    />
  );
}
