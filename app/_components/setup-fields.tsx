'use client';

import { useState } from 'react';
import { parseNumberList } from '@/lib/client/lists';
import type { PromptPair, Setup } from '@/lib/sessions/schema';
import { FieldMessage } from './field-message';
import { useFieldIssue } from './use-setup-validation';

// Setup's typed fields (setup-tab.tsx): lists typed as text, the prompts and the sampler settings. Each message sits
// under its field, tied to it, and appears once the field was left or a start was tried (use-setup-validation.ts).

/**
 * A text input for a list (strengths, seeds, metrics) that writes into Setup only when the text parses, and says why
 * not. Text that no longer matches Setup (random seeds drawn, another session loaded) gives way to Setup's values.
 */
export function ListField<T extends string | number>(props: {
  label: string;
  values: T[];
  parse: (text: string) => { ok: true; values: T[] } | { ok: false; error: string };
  disabled: boolean;
  hint: string;
  /** The Setup field it sets (for its message: lib/setup/issues.ts). */
  field: string;
  onChange: (values: T[]) => void;
}) {
  const { issue, touch } = useFieldIssue();
  const [text, setText] = useState(props.values.join(', '));
  const parsed = props.parse(text);
  const inSync = !parsed.ok || parsed.values.join('\u0000') === props.values.join('\u0000');
  const shown = inSync ? text : props.values.join(', ');
  const error = parsed.ok || !inSync ? null : parsed.error;
  const id = `list-${props.label.toLowerCase().replace(/\W+/g, '-')}`;
  const message = error ?? issue(props.field);
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        value={shown}
        disabled={props.disabled}
        aria-invalid={message !== undefined}
        aria-describedby={`${id}-message`}
        onBlur={() => touch(props.field)}
        onChange={(e) => {
          setText(e.target.value);
          const next = props.parse(e.target.value);
          if (next.ok) props.onChange(next.values);
        }}
      />
      <FieldMessage id={`${id}-message`} error={message} hint={props.hint} />
    </div>
  );
}

/** Strengths are kept in ascending order, as the grid's columns and the report's x axis read. */
export const parseStrengths = (text: string) => {
  const parsed = parseNumberList(text);
  return parsed.ok ? { ok: true as const, values: [...parsed.values].sort((a, b) => a - b) } : parsed;
};
export const parseSeeds = (text: string) => parseNumberList(text, { integers: true });

/** The prompts: positive and negative text and "append trigger words" for each, Add and Remove. */
export function PromptsField({ setup, disabled, onChange }: { setup: Setup; disabled: boolean; onChange: (s: Setup) => void }) {
  const { issue, touch } = useFieldIssue();
  const update = (i: number, patch: Partial<PromptPair>) =>
    onChange({ ...setup, prompt_pairs: setup.prompt_pairs.map((p, j) => (i === j ? { ...p, ...patch } : p)) });
  const listIssue = issue('prompt_pairs');
  return (
    <fieldset>
      <legend>Prompts</legend>
      {setup.prompt_pairs.length === 0 && <p className="muted">No prompts yet.</p>}
      {setup.prompt_pairs.map((p, i) => (
        <div className="prompt" key={i}>
          <div className="field grow">
            <label htmlFor={`positive-${i}`}>Prompt {i + 1} positive</label>
            <textarea
              id={`positive-${i}`}
              rows={2}
              value={p.positive}
              disabled={disabled}
              aria-invalid={issue(`prompt_pairs.${i}.positive`) !== undefined}
              aria-describedby={`positive-${i}-message`}
              onBlur={() => touch(`prompt_pairs.${i}.positive`)}
              onChange={(e) => update(i, { positive: e.target.value })}
            />
            <FieldMessage id={`positive-${i}-message`} error={issue(`prompt_pairs.${i}.positive`)} />
          </div>
          <div className="field grow">
            <label htmlFor={`negative-${i}`}>Prompt {i + 1} negative</label>
            <input id={`negative-${i}`} value={p.negative} disabled={disabled} onChange={(e) => update(i, { negative: e.target.value })} />
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={p.append_trigger}
              disabled={disabled}
              onChange={(e) => update(i, { append_trigger: e.target.checked })}
            />
            Append trigger words
          </label>
          <button
            className="link"
            disabled={disabled}
            aria-label={`Remove prompt ${i + 1}`}
            onClick={() => onChange({ ...setup, prompt_pairs: setup.prompt_pairs.filter((_, j) => j !== i) })}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        id="add-prompt"
        disabled={disabled}
        aria-describedby="prompts-message"
        onClick={() => onChange({ ...setup, prompt_pairs: [...setup.prompt_pairs, { positive: '', negative: '', append_trigger: true }] })}
      >
        Add prompt
      </button>
      <FieldMessage id="prompts-message" error={listIssue} />
    </fieldset>
  );
}

/** KSampler's settings: steps, CFG, sampler, scheduler, width and height. */
export function SamplerField(props: {
  setup: Setup;
  disabled: boolean;
  onChange: (s: Setup) => void;
  samplers: string[];
  schedulers: string[];
}) {
  const { setup, disabled, onChange } = props;
  const { issue, touch } = useFieldIssue();
  const num = (key: 'steps' | 'cfg' | 'width' | 'height', label: string, step = 1) => (
    <div className="field">
      <label htmlFor={`sampler-${key}`}>{label}</label>
      <input
        id={`sampler-${key}`}
        type="number"
        step={step}
        value={setup.sampler[key]}
        disabled={disabled}
        aria-invalid={issue(`sampler.${key}`) !== undefined}
        aria-describedby={`sampler-${key}-message`}
        onBlur={() => touch(`sampler.${key}`)}
        onChange={(e) => onChange({ ...setup, sampler: { ...setup.sampler, [key]: Number(e.target.value) } })}
      />
      <FieldMessage id={`sampler-${key}-message`} error={issue(`sampler.${key}`)} />
    </div>
  );
  // Choices from the server's `GET /object_info/KSampler`; the saved value stays selectable when the list lacks it.
  const choice = (key: 'sampler_name' | 'scheduler', label: string, list: string[]) => (
    <div className="field">
      <label htmlFor={`sampler-${key}`}>{label}</label>
      <select
        id={`sampler-${key}`}
        value={setup.sampler[key]}
        disabled={disabled}
        onChange={(e) => onChange({ ...setup, sampler: { ...setup.sampler, [key]: e.target.value } })}
      >
        {(list.includes(setup.sampler[key]) ? list : [setup.sampler[key], ...list]).map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
    </div>
  );
  return (
    <fieldset>
      <legend>Sampler (KSampler)</legend>
      <div className="row">
        {num('steps', 'Steps')}
        {num('cfg', 'CFG', 0.5)}
        {choice('sampler_name', 'Sampler', props.samplers)}
        {choice('scheduler', 'Scheduler', props.schedulers)}
        {num('width', 'Width', 8)}
        {num('height', 'Height', 8)}
      </div>
    </fieldset>
  );
}
