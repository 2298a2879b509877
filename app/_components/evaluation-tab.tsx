'use client';

import { useCallback, useEffect, useState } from 'react';
import { api } from '@/lib/client/api';
import type { Choice, EvaluationView } from '@/lib/evaluation/blind';
import { useWorkbench } from './workbench-provider';

const CHOICES: { choice: Choice; label: string; key: string; arrow: string }[] = [
  { choice: 'left', label: 'Left better', key: '1', arrow: '←' },
  { choice: 'tie', label: 'Tie', key: '2', arrow: '↓' },
  { choice: 'right', label: 'Right better', key: '3', arrow: '→' },
];

const KEY_TO_CHOICE: Record<string, Choice> = {
  '1': 'left',
  '2': 'tie',
  '3': 'right',
  ArrowLeft: 'left',
  ArrowDown: 'tie',
  ArrowRight: 'right',
};

/**
 * Step 3: blind A/B. Shows one pair at a time by opaque URLs, asks left / tie / right for every metric, saves each
 * screen's verdicts on the server at once. Keyboard: 1/2/3 or ←/↓/→ choose for the focused metric (then focus moves
 * down), ↑ moves focus up, Enter submits, U undoes the last pair.
 */
export function EvaluationTab() {
  const [rater, setRater] = useState<string | null>(null);
  return rater === null ? <RaterPicker onStart={setRater} /> : <Judging rater={rater} onSwitch={() => setRater(null)} />;
}

const RATER_KEY = 'lorabench.rater';

/** The start of evaluation: who is rating. Each rater gets an order and sides of their own. */
function RaterPicker({ onStart }: { onStart: (name: string) => void }) {
  const raters = useWorkbench((s) => s.session!.step_3_evaluation.raters);
  const defaultDone = useWorkbench((s) => s.session!.step_3_evaluation.current_eval_index);
  const total = useWorkbench((s) => s.session!.step_2_generation.pairs_total);
  const [name, setName] = useState(() => (typeof window === 'undefined' ? '' : (localStorage.getItem(RATER_KEY) ?? 'default')));
  const start = (n: string) => {
    const trimmed = n.trim();
    if (!trimmed) return;
    localStorage.setItem(RATER_KEY, trimmed);
    onStart(trimmed);
  };
  return (
    <div className="rater-picker">
      <h2>Who is rating?</h2>
      <p className="muted">
        Every rater sees the pairs in an order and with sides of their own; the report shows each rater, the pooled
        result and how well raters agree.
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
        <button className="primary" type="submit" disabled={!name.trim()}>
          Start evaluating
        </button>
      </form>
      <ul className="rater-list">
        {defaultDone > 0 && (
          <li>
            <button className="link" onClick={() => start('default')}>
              default
            </button>{' '}
            {defaultDone} of {total}
          </li>
        )}
        {raters.map((r) => (
          <li key={r.name}>
            <button className="link" onClick={() => start(r.name)}>
              {r.name}
            </button>{' '}
            {r.current_eval_index} of {r.total}
            {r.evaluation_complete ? ' · done' : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Judging({ rater, onSwitch }: { rater: string; onSwitch: () => void }) {
  const id = useWorkbench((s) => s.session!.session_id);
  const reloadSession = useWorkbench((s) => s.reloadSession);
  const setTab = useWorkbench((s) => s.setTab);
  const [view, setView] = useState<EvaluationView | null>(null);
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [focus, setFocus] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const show = useCallback((next: EvaluationView) => {
    setView(next);
    setChoices(next.answered);
    setFocus(0);
    setError(null);
  }, []);

  useEffect(() => {
    api.startRater(id, rater).then(show, (err: Error) => setError(err.message));
  }, [id, rater, show]);

  // Preload the next pair so the next screen appears without waiting.
  useEffect(() => {
    if (!view?.next) return;
    for (const url of [view.next.left_url, view.next.right_url]) new Image().src = url;
  }, [view?.next]);

  const complete = Boolean(view && view.metrics.every((m) => choices[m]));

  const submit = useCallback(async () => {
    if (!view || !complete || busy) return;
    setBusy(true);
    try {
      const next = await api.judge(id, rater, view.index, choices);
      show(next);
      if (next.complete) void reloadSession();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }, [view, complete, busy, id, rater, choices, show, reloadSession]);

  const undo = useCallback(async () => {
    if (busy) return;
    setBusy(true);
    try {
      show(await api.undo(id, rater));
      void reloadSession();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }, [busy, id, rater, show, reloadSession]);

  const choose = useCallback(
    (metricIndex: number, choice: Choice) => {
      const metric = view?.metrics[metricIndex];
      if (!metric) return;
      setChoices((c) => ({ ...c, [metric]: choice }));
      setFocus(Math.min(metricIndex + 1, (view?.metrics.length ?? 1) - 1));
    },
    [view],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const choice = KEY_TO_CHOICE[e.key];
      if (choice && view?.pair) {
        e.preventDefault();
        choose(focus, choice);
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        setFocus((f) => Math.max(0, f - 1));
      } else if (e.key === 'Enter') {
        e.preventDefault();
        void submit();
      } else if (e.key === 'u' || e.key === 'U') {
        e.preventDefault();
        void undo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [choose, focus, submit, undo, view]);

  if (!view) return <div className="muted">{error ?? 'Loading evaluation…'}</div>;

  if (view.complete || !view.pair) {
    return (
      <div className="evaluation done">
        <p data-testid="evaluation-status">
          Evaluation complete: all {view.total} pairs judged.
        </p>
        <p className="muted">Rater: {rater}</p>
        <div className="actions">
          <button onClick={onSwitch}>Another rater</button>
          <button onClick={() => void undo()} disabled={busy || view.total === 0}>
            Undo last (U)
          </button>
          <button className="primary" onClick={() => setTab(4)}>
            See the report
          </button>
        </div>
        {error && <div className="field-error">{error}</div>}
      </div>
    );
  }

  return (
    <div className="evaluation">
      <div className="eval-head">
        <strong data-testid="evaluation-status">
          Pair {view.index + 1} of {view.total}
        </strong>
        <div className="progress small" aria-hidden>
          <div className="bar" style={{ width: `${(view.index / Math.max(view.total, 1)) * 100}%` }} />
        </div>
        <span className="muted">Keys: 1/2/3 or ←/↓/→ choose · ↑ previous metric · Enter submit · U undo</span>
        <span className="muted">
          Rater: {rater}{' '}
          <button className="link" onClick={onSwitch}>
            switch
          </button>
        </span>
      </div>
      <div className="pair">
        <figure>
          {/* Blind images: URLs and alt text say only which side they are on. */}
          <img src={view.pair.left_url} alt="Left image" />
          <figcaption>Left</figcaption>
        </figure>
        <figure>
          <img src={view.pair.right_url} alt="Right image" />
          <figcaption>Right</figcaption>
        </figure>
      </div>
      <div className="metrics" role="group" aria-label="Verdicts">
        {view.metrics.map((metric, i) => (
          <div key={metric} className={`metric-row${focus === i ? ' focused' : ''}`} onClick={() => setFocus(i)}>
            <span className="metric-name">{metric}</span>
            {CHOICES.map((c) => (
              <button
                key={c.choice}
                aria-pressed={choices[metric] === c.choice}
                aria-label={`${metric}: ${c.label}`}
                className={choices[metric] === c.choice ? 'chosen' : ''}
                onClick={() => choose(i, c.choice)}
              >
                {c.label} <kbd>{c.key}</kbd>
              </button>
            ))}
          </div>
        ))}
      </div>
      <div className="actions">
        <button onClick={() => void undo()} disabled={busy || view.index === 0}>
          Undo last (U)
        </button>
        <button className="primary" onClick={() => void submit()} disabled={!complete || busy}>
          Submit (Enter)
        </button>
      </div>
      {error && <div className="field-error">{error}</div>}
    </div>
  );
}
