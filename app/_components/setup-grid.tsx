'use client';

import { useState } from 'react';
import { parseNameList, randomSeeds } from '@/lib/client/lists';
import { OVERALL_METRIC } from '@/lib/evaluation/metric-definitions';
import type { Setup } from '@/lib/sessions/schema';
import { applyPreset, PRESETS, promptsMissing, type PresetId } from '@/lib/setup/presets';
import { ListField, parseSeeds, parseStrengths } from './setup-fields';

// Setup's Grid and Evaluation parts (setup-tab.tsx): presets, strengths, seeds, what raters judge, and how pairs are
// made and ordered.

const DEFAULT_METRICS = ['Quality', 'Style', 'Coherence'];

/** Whether Setup asks for one overall decision per pair (the "overall" rating mode) rather than one per metric. */
export const isOverall = (metrics: string[]): boolean => metrics.length === 1 && metrics[0] === OVERALL_METRIC;

/**
 * What raters judge: every metric of a list (one verdict per metric on each screen), or "overall", one decision per
 * screen as in arena voting (Setup's metrics are then just Overall, so the report has that one metric). Switching
 * back restores the metrics typed before.
 */
function RatingMode({ setup, disabled, editSetup }: { setup: Setup; disabled: boolean; editSetup: (s: Setup) => void }) {
  const overall = isOverall(setup.metrics);
  const [kept, setKept] = useState(overall ? DEFAULT_METRICS : setup.metrics);
  return (
    <>
      <fieldset className="inline-choice">
        <legend>What raters decide on each pair</legend>
        <label className="check">
          <input
            type="radio"
            name="rating-mode"
            checked={!overall}
            disabled={disabled}
            onChange={() => editSetup({ ...setup, metrics: kept })}
          />
          Per metric: a verdict on each metric below
        </label>
        <label className="check">
          <input
            type="radio"
            name="rating-mode"
            checked={overall}
            disabled={disabled}
            onChange={() => {
              setKept(setup.metrics);
              editSetup({ ...setup, metrics: [OVERALL_METRIC] });
            }}
          />
          Overall: one decision per pair (fastest)
        </label>
      </fieldset>
      {!overall && (
        <ListField
          label="Metrics"
          values={setup.metrics}
          parse={parseNameList}
          field="metrics"
          disabled={disabled}
          hint="comma-separated; each pair is judged on every metric"
          onChange={(metrics) => editSetup({ ...setup, metrics })}
        />
      )}
    </>
  );
}

/** The Grid fieldset: presets, strengths, seeds typed or drawn, and the rating mode with its metrics. */
export function GridFields({ setup, disabled, editSetup }: { setup: Setup; disabled: boolean; editSetup: (s: Setup) => void }) {
  const [randomCount, setRandomCount] = useState(2);
  const [preset, setPreset] = useState<PresetId | null>(null);
  return (
    <fieldset>
      <legend>Grid</legend>
      <div className="row presets" role="group" aria-label="Presets">
        {(Object.keys(PRESETS) as PresetId[]).map((id) => (
          <button
            key={id}
            disabled={disabled}
            aria-pressed={preset === id}
            className={preset === id ? 'chosen' : ''}
            title={`${PRESETS[id].prompts} prompts, ${PRESETS[id].seeds} seeds, strengths ${PRESETS[id].strengths.join(', ')}`}
            onClick={() => {
              setPreset(id);
              editSetup(applyPreset(setup, id, randomSeeds));
            }}
          >
            {PRESETS[id].label}
          </button>
        ))}
        {preset && promptsMissing(setup, preset) > 0 && (
          <span className="hint">
            {PRESETS[preset].label} wants {promptsMissing(setup, preset)} more prompt(s): write or generate them below.
          </span>
        )}
      </div>
      <div className="row">
        <ListField
          label="LoRA strengths"
          values={setup.weight_range}
          parse={parseStrengths}
          field="weight_range"
          disabled={disabled}
          hint="strength_model = strength_clip; 0 adds a placebo control"
          onChange={(weight_range) => editSetup({ ...setup, weight_range })}
        />
        <ListField
          label="Seeds"
          values={setup.seeds}
          parse={parseSeeds}
          field="seeds"
          disabled={disabled}
          hint="every strength of a prompt uses the same seeds"
          onChange={(seeds) => editSetup({ ...setup, seeds })}
        />
        <div className="field">
          <label htmlFor="random-count">Random seeds</label>
          <div className="row tight">
            <input
              id="random-count"
              type="number"
              min={1}
              max={100}
              value={randomCount}
              disabled={disabled}
              onChange={(e) => setRandomCount(Math.max(1, Math.min(100, Number(e.target.value) || 1)))}
            />
            <button disabled={disabled} onClick={() => editSetup({ ...setup, seeds: randomSeeds(randomCount) })}>
              Draw
            </button>
          </div>
        </div>
      </div>
      <RatingMode setup={setup} disabled={disabled} editSetup={editSetup} />
    </fieldset>
  );
}

/** The Evaluation fieldset: how pairs are made, repeated pairs, adaptive order and owner blind mode. */
export function EvaluationFields({ setup, disabled, editSetup }: { setup: Setup; disabled: boolean; editSetup: (s: Setup) => void }) {
  return (
    <fieldset>
      <legend>Evaluation</legend>
      <div className="row">
        <div className="field">
          <label htmlFor="pair-design">Pairs</label>
          <select
            id="pair-design"
            value={setup.design}
            disabled={disabled}
            onChange={(e) => editSetup({ ...setup, design: e.target.value === 'direct' ? 'direct' : 'balanced' })}
          >
            <option value="balanced">Balanced: every picture shown equally often (baseline and strengths in a cycle)</option>
            <option value="direct">Direct: the baseline against each strength (the baseline recurs, so a rater can spot it)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="repeat-share">Repeated pairs (self-consistency)</label>
          <select
            id="repeat-share"
            value={setup.repeat_share}
            disabled={disabled}
            onChange={(e) => editSetup({ ...setup, repeat_share: Number(e.target.value) })}
          >
            {[0, 0.05, 0.1, 0.2].map((v) => (
              <option key={v} value={v}>
                {v === 0 ? 'none' : `${v * 100}% of pairs, sides swapped`}
              </option>
            ))}
          </select>
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={setup.adaptive}
            disabled={disabled}
            onChange={(e) => editSetup({ ...setup, adaptive: e.target.checked })}
          />
          Adaptive order (off by default): show next the pairs that tell the current leaders apart
        </label>
        <label className="check" title="The Generation tab then shows progress but no images until you have rated">
          <input
            type="checkbox"
            checked={setup.owner_rates}
            disabled={disabled}
            onChange={(e) => editSetup({ ...setup, owner_rates: e.target.checked })}
          />
          I will rate this myself (hide the images until I have rated)
        </label>
      </div>
    </fieldset>
  );
}
