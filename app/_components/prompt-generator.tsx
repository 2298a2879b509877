'use client';
// A compact panel for Setup: turns a short brief into prompt ideas and metric suggestions through
// POST /api/prompts/generate and POST /api/prompts/metrics (LLM when configured, else the offline generator).
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { messageOf } from '@/lib/api/errors';
import { api } from '@/lib/client/api';
import type { PromptSource as Source } from '@/lib/prompts/schema';

type Pair = { positive: string; negative: string };

const sourceLabel = (s: Source) => (s === 'llm' ? 'the LLM' : 'the offline generator');

/**
 * Brief -> generated prompts (editable) -> "Use these prompts" replaces Setup's prompts via `onUse`; "Suggest
 * metrics" -> "Use these metrics" via `onUseMetrics`. Shows which generator answered and any error.
 */
export function PromptGenerator({
  triggerWords,
  disabled,
  onUse,
  onUseMetrics,
}: {
  triggerWords: string;
  disabled: boolean;
  onUse: (prompts: { positive: string; negative: string }[]) => void;
  onUseMetrics: (metrics: string[]) => void;
}) {
  const id = useId();
  const [brief, setBrief] = useState('');
  const [count, setCount] = useState(4);
  const [offline, setOffline] = useState(false);
  // The generated prompts are edited here before use, so they live in the panel, with the generator that made them.
  const [prompts, setPrompts] = useState<Pair[] | null>(null);
  const [promptSource, setPromptSource] = useState<Source>('offline');
  // Errors are shown in the panel, not in the page's banner.
  const generate = useMutation({
    meta: { ownErrors: true },
    mutationFn: () =>
      api.generatePrompts(
        {
          brief: brief.trim(),
          trigger_words: triggerWords,
          n: Math.min(20, Math.max(1, Math.round(count) || 1)),
          seed: Math.floor(Math.random() * 2 ** 31),
        },
        offline,
      ),
    onSuccess: (r) => {
      setPrompts(r.prompts);
      setPromptSource(r.source);
    },
  });
  const suggest = useMutation({
    meta: { ownErrors: true },
    mutationFn: () => api.suggestMetrics({ brief: brief.trim(), trigger_words: triggerWords }, offline),
  });
  const busy = generate.isPending || suggest.isPending;
  // The error shown is that of the request made last.
  const [asked, setAsked] = useState<'prompts' | 'metrics'>('prompts');
  const error = asked === 'prompts' ? generate.error : suggest.error;
  const metrics = suggest.data?.metrics ?? null;

  const canAsk = !disabled && !busy && brief.trim().length > 0;

  const usable = (prompts ?? []).filter((p) => p.positive.trim());

  return (
    <div className="panel prompt-generator">
      <div className="row">
        <div className="field grow">
          <label htmlFor={`${id}-brief`}>Brief</label>
          <input
            id={`${id}-brief`}
            value={brief}
            maxLength={500}
            placeholder="e.g. portraits of a knight in different places"
            disabled={disabled}
            onChange={(e) => setBrief(e.target.value)}
          />
        </div>
        <div className="field" style={{ minWidth: 90 }}>
          <label htmlFor={`${id}-n`}>How many</label>
          <input
            id={`${id}-n`}
            type="number"
            min={1}
            max={20}
            value={count}
            disabled={disabled}
            onChange={(e) => setCount(Number(e.target.value))}
          />
        </div>
        <label className="check field">
          <input type="checkbox" checked={offline} disabled={disabled} onChange={(e) => setOffline(e.target.checked)} />
          Offline generator
        </label>
        <div className="field">
          <button
            type="button"
            className="primary"
            disabled={!canAsk}
            onClick={() => {
              setAsked('prompts');
              generate.mutate();
            }}
          >
            {generate.isPending ? 'Generating...' : 'Generate prompts'}
          </button>
        </div>
        <div className="field">
          <button
            type="button"
            disabled={!canAsk}
            onClick={() => {
              setAsked('metrics');
              suggest.mutate();
            }}
          >
            {suggest.isPending ? 'Suggesting...' : 'Suggest metrics'}
          </button>
        </div>
      </div>
      {error && (
        <div className="field-error" role="alert">
          {messageOf(error)}
        </div>
      )}

      {prompts && (
        <div>
          <div className="hint">
            {prompts.length} prompt{prompts.length === 1 ? '' : 's'} from {sourceLabel(promptSource)}
          </div>
          <div data-testid="generated-prompts">
            {prompts.map((p, i) => (
              <div className="prompt" key={i}>
                <input
                  className="grow"
                  aria-label={`Generated prompt ${i + 1}`}
                  value={p.positive}
                  disabled={disabled}
                  onChange={(e) => setPrompts((cur) => (cur ?? []).map((q, j) => (j === i ? { ...q, positive: e.target.value } : q)))}
                />
              </div>
            ))}
          </div>
          <div className="actions">
            <button type="button" disabled={disabled || usable.length === 0} onClick={() => onUse(usable)}>
              Use these prompts
            </button>
          </div>
        </div>
      )}

      {metrics && (
        <div>
          <div className="hint">Metrics from {sourceLabel(suggest.data?.source ?? 'offline')}</div>
          <div data-testid="suggested-metrics">{metrics.join(', ')}</div>
          <div className="actions">
            <button type="button" disabled={disabled || metrics.length === 0} onClick={() => onUseMetrics(metrics)}>
              Use these metrics
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
