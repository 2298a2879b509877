'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { messageOf } from '@/lib/api/errors';
import { apiErrorCode } from '@/lib/client/api';
import { judgeMutation, startRaterMutation, undoMutation, type Judgment } from '@/lib/client/evaluation-mutations';
import { evaluationQuery } from '@/lib/client/queries';
import { sessionPath } from '@/lib/client/routes';
import type { Choice, EvaluationView } from '@/lib/evaluation/blind';
import { useOpenSession } from './session-context';

const CHOICES: { choice: Choice; label: string; key: string }[] = [
  { choice: 'left', label: 'Left better', key: '1' },
  { choice: 'tie', label: 'Tie', key: '2' },
  { choice: 'right', label: 'Right better', key: '3' },
  { choice: 'both_bad', label: 'Both bad', key: '4' },
  { choice: 'skip', label: 'Skip', key: '5' },
];

const KEY_TO_CHOICE: Record<string, Choice> = {
  '1': 'left',
  '2': 'tie',
  '3': 'right',
  '4': 'both_bad',
  '5': 'skip',
  ArrowLeft: 'left',
  ArrowDown: 'tie',
  ArrowRight: 'right',
};

type Mode = 'side' | 'flicker' | 'swipe';
const MODES: Mode[] = ['side', 'flicker', 'swipe'];
const MODE_LABEL: Record<Mode, string> = { side: 'Side by side', flicker: 'Flicker', swipe: 'Swipe' };

/**
 * The two blind images: side by side (optionally at 100% with their scrolling in sync), flickering in one place, or
 * overlaid with a swipe divider. URLs and alt text say only which side an image is on.
 */
function PairView({ left, right, mode, zoom }: { left: string; right: string; mode: Mode; zoom: boolean }) {
  const [shown, setShown] = useState<'left' | 'right'>('left');
  const [split, setSplit] = useState(50);
  const panes = useRef<Array<HTMLDivElement | null>>([]);
  useEffect(() => {
    if (mode !== 'flicker') return;
    const t = setInterval(() => setShown((s) => (s === 'left' ? 'right' : 'left')), 700);
    return () => clearInterval(t);
  }, [mode]);
  const sync = (from: number) => {
    const a = panes.current[from];
    const b = panes.current[1 - from];
    if (a && b) {
      b.scrollLeft = a.scrollLeft;
      b.scrollTop = a.scrollTop;
    }
  };
  if (mode === 'flicker') {
    return (
      <div className="pair single">
        <figure>
          <img src={shown === 'left' ? left : right} alt={shown === 'left' ? 'Left image' : 'Right image'} />
          <figcaption>{shown === 'left' ? 'Left' : 'Right'} (flicker)</figcaption>
        </figure>
      </div>
    );
  }
  if (mode === 'swipe') {
    return (
      <div className="pair single">
        <div className="swipe">
          <img src={left} alt="Left image" />
          <img src={right} alt="Right image" style={{ clipPath: `inset(0 0 0 ${split}%)` }} />
        </div>
        <input type="range" min={0} max={100} value={split} aria-label="Swipe divider" onChange={(e) => setSplit(Number(e.target.value))} />
        <div className="muted">Left ◀ divider ▶ Right</div>
      </div>
    );
  }
  return (
    <div className={`pair${zoom ? ' zoomed' : ''}`}>
      {[left, right].map((src, i) => (
        <figure key={i}>
          <div className="pane" ref={(el) => void (panes.current[i] = el)} onScroll={() => sync(i)}>
            <img src={src} alt={i === 0 ? 'Left image' : 'Right image'} />
          </div>
          <figcaption>{i === 0 ? 'Left' : 'Right'}</figcaption>
        </figure>
      ))}
    </div>
  );
}

/**
 * Step 3: blind A/B. Shows one pair at a time by opaque URLs, asks left / tie / right / both bad / skip for every
 * metric (in an order that varies between pairs), with an optional 1–5 "how much better", and saves each screen on
 * the server at once. Keyboard: 1–5 or ←/↓/→ choose for the focused metric (then focus moves down), Shift+1–5 rates
 * the metric chosen last, ↑ moves focus up, X flags "same image", F switches side by side / flicker / swipe, Z zooms to 100%, Enter
 * submits, U undoes the last pair.
 */
export function EvaluationTab() {
  const [rater, setRater] = useState<string | null>(null);
  return rater === null ? <RaterPicker onStart={setRater} /> : <Judging rater={rater} onSwitch={() => setRater(null)} />;
}

const RATER_KEY = 'lorabench.rater';

/** The start of evaluation: who is rating. Each rater gets an order and sides of their own. */
function RaterPicker({ onStart }: { onStart: (name: string) => void }) {
  const session = useOpenSession();
  const { raters, current_eval_index: defaultDone } = session.step_3_evaluation;
  const total = session.step_2_generation.pairs_total;
  const startRater = useMutation(startRaterMutation());
  const [name, setName] = useState(() => (typeof window === 'undefined' ? '' : (localStorage.getItem(RATER_KEY) ?? 'default')));
  const start = (n: string) => {
    const trimmed = n.trim();
    if (!trimmed) return;
    localStorage.setItem(RATER_KEY, trimmed);
    startRater.mutate({ id: session.session_id, rater: trimmed }, { onSuccess: () => onStart(trimmed) });
  };
  return (
    <div className="rater-picker">
      <h2>Who is rating?</h2>
      <p className="muted">
        Every rater sees the pairs in an order and with sides of their own; the report shows each rater, the pooled result and how well
        raters agree.
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

/** Shown when a judgment or undo was refused because another tab or window of the same rater moved on. */
function StaleNotice({ rater, onReload }: { rater: string; onReload: () => void }) {
  return (
    <div role="alert" className="banner warning" data-testid="stale-pair">
      <span>
        <strong>This screen is out of date:</strong> {rater} judged or undid a pair in another tab or window, so your last answer here was
        not saved. Load the current pair to go on.
      </span>
      <span className="banner-actions">
        <button className="primary" onClick={onReload}>
          Load current pair
        </button>
      </span>
    </div>
  );
}

/** What one screen sends: a Judgment without the session and rater, which the evaluation knows. */
type ScreenAnswer = Omit<Judgment, 'id' | 'rater'>;

/**
 * One rater's evaluation. Where they stand comes from the server (the `['evaluation', id, rater]` query, set by each
 * answer); this component holds only the view mode and the zoom, and each pair's screen its unsent choices.
 */
function Judging({ rater, onSwitch }: { rater: string; onSwitch: () => void }) {
  const session = useOpenSession();
  const id = session.session_id;
  const router = useRouter();
  const { data: view, error, refetch } = useQuery(evaluationQuery(id, rater));
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
      judge.mutate({ id, rater, ...j });
    },
    undo: (index: number) => {
      judge.reset();
      undo.mutate({ id, rater, index });
    },
  };
  const loadCurrent = () =>
    void refetch().then(() => {
      judge.reset();
      undo.reset();
    });

  if (!view) return <div className="muted">{error ? messageOf(error) : 'Loading evaluation…'}</div>;

  if (view.complete || !view.pair) {
    return (
      <div className="evaluation done">
        {stale && <StaleNotice rater={rater} onReload={loadCurrent} />}
        <p data-testid="evaluation-status">Evaluation complete: all {view.total} pairs judged.</p>
        <p className="muted">Rater: {rater}</p>
        <div className="actions">
          <button onClick={onSwitch}>Another rater</button>
          <button onClick={() => answers.undo(view.index)} disabled={busy || stale || view.total === 0}>
            Undo last (U)
          </button>
          {session.step === 4 ? (
            <button className="primary" onClick={() => router.push(sessionPath(id, 4))}>
              See the report
            </button>
          ) : (
            <span className="muted">The report opens once every rater who started has finished.</span>
          )}
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

/**
 * The screen of one pair: its unsent verdicts, ratings, "same image" flag and focused metric row start from what the
 * server has recorded for it (`view.answered`) and are dropped with the screen when the next pair comes.
 */
function PairScreen(props: {
  view: EvaluationView;
  pair: NonNullable<EvaluationView['pair']>;
  rater: string;
  mode: Mode;
  setMode: Dispatch<SetStateAction<Mode>>;
  zoom: boolean;
  setZoom: Dispatch<SetStateAction<boolean>>;
  answers: {
    busy: boolean;
    stale: boolean;
    error: string | null;
    submit: (j: ScreenAnswer) => void;
    undo: (index: number) => void;
  };
  onSwitch: () => void;
  onReload: () => void;
}) {
  const { view, pair, rater, mode, setMode, zoom, setZoom, answers, onSwitch, onReload } = props;
  const { busy, stale } = answers;
  const [choices, setChoices] = useState<Record<string, Choice>>(view.answered);
  const [ratings, setRatings] = useState<Record<string, number>>({});
  const [sameImage, setSameImage] = useState(false);
  const [focus, setFocus] = useState(0);
  /** The metric chosen last: Shift+1–5 rates it (focus has moved on to the next row by then). */
  const [lastChosen, setLastChosen] = useState<string | null>(null);

  const complete = view.metrics.every((m) => choices[m]);

  const submit = useCallback(() => {
    if (!complete || busy || stale) return;
    answers.submit({ index: view.index, choices, ratings, same_image: sameImage });
  }, [complete, busy, stale, answers, view.index, choices, ratings, sameImage]);

  const undo = useCallback(() => {
    if (busy || stale) return;
    answers.undo(view.index);
  }, [busy, stale, answers, view.index]);

  const choose = useCallback(
    (metricIndex: number, choice: Choice) => {
      const metric = view.metrics[metricIndex];
      if (!metric) return;
      setChoices((c) => ({ ...c, [metric]: choice }));
      setLastChosen(metric);
      setFocus(Math.min(metricIndex + 1, view.metrics.length - 1));
    },
    [view],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const digit = /^Digit([1-5])$/.exec(e.code);
      if (e.shiftKey && digit) {
        e.preventDefault();
        const decisive = lastChosen && (choices[lastChosen] === 'left' || choices[lastChosen] === 'right');
        if (decisive) setRatings((r) => ({ ...r, [lastChosen]: Number(digit[1]) }));
        return;
      }
      const choice = KEY_TO_CHOICE[e.key];
      const letter = e.key.toLowerCase();
      if (letter === 'x') {
        e.preventDefault();
        setSameImage((v) => !v);
      } else if (letter === 'f') {
        e.preventDefault();
        setMode((m) => MODES[(MODES.indexOf(m) + 1) % MODES.length]!);
      } else if (letter === 'z') {
        e.preventDefault();
        setZoom((z) => !z);
      } else if (choice) {
        e.preventDefault();
        choose(focus, choice);
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        setFocus((f) => Math.max(0, f - 1));
      } else if (e.key === 'Enter') {
        e.preventDefault();
        submit();
      } else if (e.key === 'u' || e.key === 'U') {
        e.preventDefault();
        undo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [choose, focus, submit, undo, lastChosen, choices, setMode, setZoom]);

  return (
    <div className="evaluation">
      {stale && <StaleNotice rater={rater} onReload={onReload} />}
      <div className="eval-head">
        <strong data-testid="evaluation-status">
          Pair {view.index + 1} of {view.total}
        </strong>
        <div className="progress small" aria-hidden>
          <div className="bar" style={{ width: `${(view.index / Math.max(view.total, 1)) * 100}%` }} />
        </div>
        <span className="muted" data-testid="key-help">
          Keys: 1 left · 2 tie · 3 right · 4 both bad · 5 skip (or ←/↓/→) · Shift+1–5 how much better (last choice) · ↑ previous metric · X
          same image · F flicker/swipe · Z zoom 100% · Enter submit · U undo
        </span>
        <span className="muted">
          Rater: {rater}{' '}
          <button className="link" onClick={onSwitch}>
            switch
          </button>
        </span>
      </div>
      <div className="row tight view-modes">
        {MODES.map((m) => (
          <button key={m} aria-pressed={mode === m} className={mode === m ? 'chosen' : ''} onClick={() => setMode(m)}>
            {MODE_LABEL[m]}
          </button>
        ))}
        <button aria-pressed={zoom} className={zoom ? 'chosen' : ''} onClick={() => setZoom((z) => !z)} disabled={mode !== 'side'}>
          100% <kbd>Z</kbd>
        </button>
        <label className="check">
          <input type="checkbox" checked={sameImage} onChange={(e) => setSameImage(e.target.checked)} />
          Same image <kbd>X</kbd>
        </label>
      </div>
      <PairView left={pair.left_url} right={pair.right_url} mode={mode} zoom={zoom} />
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
            {(choices[metric] === 'left' || choices[metric] === 'right') && (
              <span className="rating" role="group" aria-label={`${metric}: how much better`}>
                {[1, 2, 3, 4, 5].map((n) => (
                  <button
                    key={n}
                    aria-pressed={ratings[metric] === n}
                    aria-label={`${metric}: ${n} of 5 better`}
                    className={ratings[metric] === n ? 'chosen' : ''}
                    onClick={() =>
                      setRatings((r) =>
                        r[metric] === n ? Object.fromEntries(Object.entries(r).filter(([k]) => k !== metric)) : { ...r, [metric]: n },
                      )
                    }
                  >
                    {n}
                  </button>
                ))}
              </span>
            )}
          </div>
        ))}
      </div>
      <div className="actions">
        <button onClick={undo} disabled={busy || stale || view.index === 0}>
          Undo last (U)
        </button>
        <button className="primary" onClick={submit} disabled={!complete || busy || stale}>
          Submit (Enter)
        </button>
      </div>
      {answers.error && <div className="field-error">{answers.error}</div>}
    </div>
  );
}
