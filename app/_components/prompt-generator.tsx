'use client';
// A compact panel for Setup: turns a short brief into prompt ideas and metric suggestions through
// POST /api/prompts/generate and POST /api/prompts/metrics (LLM when configured, else the offline generator).
import { useId, useState } from 'react';
import { messageOf } from '@/lib/api/errors';

type Pair = { positive: string; negative: string };
type Source = 'llm' | 'offline';

/** POSTs `body` as JSON and returns the answer, or throws an Error with the server's `{error: {message}}`. */
async function post<T>(url: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new Error('The LoRA Bench server cannot be reached.');
  }
  const json = (await res.json().catch(() => null)) as ({ error?: { message?: string } } & T) | null;
  if (!res.ok || !json) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
  return json;
}

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
  const [busy, setBusy] = useState<'' | 'prompts' | 'metrics'>('');
  const [error, setError] = useState('');
  const [prompts, setPrompts] = useState<Pair[] | null>(null);
  const [promptSource, setPromptSource] = useState<Source | null>(null);
  const [metrics, setMetrics] = useState<string[] | null>(null);
  const [metricSource, setMetricSource] = useState<Source | null>(null);

  const query = offline ? '?offline=1' : '';
  const canAsk = !disabled && !busy && brief.trim().length > 0;

  async function generate() {
    setBusy('prompts');
    setError('');
    try {
      const n = Math.min(20, Math.max(1, Math.round(count) || 1));
      const seed = Math.floor(Math.random() * 2 ** 31);
      const r = await post<{ source: Source; prompts: Pair[] }>(`/api/prompts/generate${query}`, {
        brief: brief.trim(),
        trigger_words: triggerWords,
        n,
        seed,
      });
      setPrompts(r.prompts);
      setPromptSource(r.source);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy('');
    }
  }

  async function suggest() {
    setBusy('metrics');
    setError('');
    try {
      const r = await post<{ source: Source; metrics: string[] }>(`/api/prompts/metrics${query}`, {
        brief: brief.trim(),
        trigger_words: triggerWords,
      });
      setMetrics(r.metrics);
      setMetricSource(r.source);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy('');
    }
  }

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
          <button type="button" className="primary" disabled={!canAsk} onClick={generate}>
            {busy === 'prompts' ? 'Generating...' : 'Generate prompts'}
          </button>
        </div>
        <div className="field">
          <button type="button" disabled={!canAsk} onClick={suggest}>
            {busy === 'metrics' ? 'Suggesting...' : 'Suggest metrics'}
          </button>
        </div>
      </div>
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}

      {prompts && (
        <div>
          <div className="hint">
            {prompts.length} prompt{prompts.length === 1 ? '' : 's'} from {sourceLabel(promptSource ?? 'offline')}
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
          <div className="hint">Metrics from {sourceLabel(metricSource ?? 'offline')}</div>
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
