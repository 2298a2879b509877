'use client';

import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { Choice, EvaluationView } from '@/lib/evaluation/blind';

// The screen of one blind pair, the same on the owner's screens (evaluation-tab.tsx) and behind a rater link
// (rater-screen.tsx): the two images by opaque URLs, a verdict per metric, keys, undo.

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

export type Mode = 'side' | 'flicker' | 'swipe';
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

/** What one screen sends: the pair's index and its verdicts, ratings and "same image" flag. */
export interface ScreenAnswer {
  index: number;
  choices: Record<string, Choice>;
  ratings: Record<string, number>;
  same_image: boolean;
}

/** Shown when a judgment or undo was refused because another tab or window of the same rater moved on. */
export function StaleNotice({ rater, onReload }: { rater: string; onReload: () => void }) {
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

/**
 * The screen of one pair: its unsent verdicts, ratings, "same image" flag and focused metric row start from what the
 * server has recorded for it (`view.answered`) and are dropped with the screen when the next pair comes.
 */
export function PairScreen(props: {
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
  onSwitch?: () => void;
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
          Rater: {rater}
          {onSwitch && (
            <>
              {' '}
              <button className="link" onClick={onSwitch}>
                switch
              </button>
            </>
          )}
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
