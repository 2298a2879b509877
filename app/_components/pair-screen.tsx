'use client';

import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { Choice, EvaluationView } from '@/lib/evaluation/blind';
import { MODE_LABEL, MODES, PairView, type Mode } from './pair-view';
import { pairKeyHandler, useShortcutsSetting } from './use-pair-keys';

// The screen of one blind pair, the same on the owner's screens (evaluation-tab.tsx) and behind a rater link
// (rater-screen.tsx): the prompt, the two images by opaque URLs, a verdict per metric with its definition, keys, undo.

const CHOICES: { choice: Choice; label: string; key: string }[] = [
  { choice: 'left', label: 'Left better', key: '1' },
  { choice: 'tie', label: 'Tie', key: '2' },
  { choice: 'right', label: 'Right better', key: '3' },
  { choice: 'both_bad', label: 'Both bad', key: '4' },
  { choice: 'skip', label: 'Skip', key: '5' },
];

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

  const panel = useRef<HTMLDivElement>(null);
  const [shortcuts, setShortcuts] = useShortcutsSetting();
  // Each pair's screen starts with focus on the panel, where the keys act.
  useEffect(() => panel.current?.focus({ preventScroll: true }), []);
  const onKeyDown = pairKeyHandler(shortcuts, {
    choose: (choice) => choose(focus, choice),
    rate: (n) => {
      const decisive = lastChosen && (choices[lastChosen] === 'left' || choices[lastChosen] === 'right');
      if (decisive) setRatings((r) => ({ ...r, [lastChosen]: n }));
    },
    previousRow: () => setFocus((f) => Math.max(0, f - 1)),
    toggleSame: () => setSameImage((v) => !v),
    nextMode: () => setMode((m) => MODES[(MODES.indexOf(m) + 1) % MODES.length]!),
    toggleZoom: () => setZoom((z) => !z),
    submit,
    undo,
  });

  return (
    <div
      className="evaluation"
      ref={panel}
      tabIndex={0}
      role="region"
      aria-label="Rating panel"
      aria-describedby="key-help"
      onKeyDown={onKeyDown}
      onClick={(e) => {
        // A mouse click on one of the screen's buttons hands focus back to the panel, so the next key acts here.
        if (e.detail > 0 && (e.target as HTMLElement).closest('button')) panel.current?.focus({ preventScroll: true });
      }}
    >
      {stale && <StaleNotice rater={rater} onReload={onReload} />}
      <div className="eval-head">
        <strong data-testid="evaluation-status">
          Pair {view.index + 1} of {view.total}
        </strong>
        <div className="progress small" aria-hidden>
          <div className="bar" style={{ width: `${(view.index / Math.max(view.total, 1)) * 100}%` }} />
        </div>
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
      {view.prompt && (
        <p className="eval-prompt" data-testid="pair-prompt">
          <span className="muted">Prompt:</span> {view.prompt}
        </p>
      )}
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
          <div
            key={metric}
            className={`metric-row${focus === i ? ' focused' : ''}`}
            onClick={(e) => {
              // A verdict button moves the focus to the next row itself; a click elsewhere in the row focuses it.
              if (!(e.target as HTMLElement).closest('button')) setFocus(i);
            }}
          >
            <span className="metric-name">
              {metric}
              <span className="metric-def">{view.definitions[metric]}</span>
            </span>
            <span className="verdicts">
              {CHOICES.map((c) => (
                <button
                  key={c.choice}
                  aria-pressed={choices[metric] === c.choice}
                  className={choices[metric] === c.choice ? 'chosen' : ''}
                  onClick={() => choose(i, c.choice)}
                >
                  <span className="sr-only">{metric}: </span>
                  {c.label} <kbd>{c.key}</kbd>
                </button>
              ))}
            </span>
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
      {answers.error && (
        <div className="field-error" role="alert">
          {answers.error}
        </div>
      )}
      <div className="key-help muted" id="key-help" data-testid="key-help">
        <label className="check">
          <input type="checkbox" checked={shortcuts} onChange={(e) => setShortcuts(e.target.checked)} />
          Keyboard shortcuts
        </label>{' '}
        {shortcuts
          ? 'act while this panel has focus (click it or Tab to it), never on a focused button or field: 1 left · 2 tie · 3 right · 4 both bad · 5 skip (or ←/↓/→) · Shift+1–5 how much better (last choice) · ↑ previous metric · X same image · F flicker/swipe · Z zoom 100% · Enter submit · U undo'
          : 'are off: use the buttons (Tab and Space or Enter).'}
      </div>
    </div>
  );
}
