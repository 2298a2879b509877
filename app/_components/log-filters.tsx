'use client';

import { LOG_KINDS, type LogFilter, type LogKind } from '@/lib/log/filter';

const KIND_LABELS: Record<LogKind, string> = {
  generation: 'Generation',
  errors: 'Errors',
  evaluation: 'Evaluation',
  setup: 'Setup',
  lifecycle: 'Lifecycle',
};

/** The Log view's filters: kinds, search text, time range, and errors first. Controlled: `value` and `onChange`. */
export function LogFilters({ value, onChange }: { value: LogFilter; onChange: (f: LogFilter) => void }) {
  const toggle = (kind: LogKind) =>
    onChange({ ...value, kinds: value.kinds.includes(kind) ? value.kinds.filter((k) => k !== kind) : [...value.kinds, kind] });
  return (
    <div className="history-filters log-filters" role="group" aria-label="Log filters">
      <fieldset className="log-kinds">
        <legend>Show</legend>
        {LOG_KINDS.map((kind) => (
          <label key={kind} className="check">
            <input type="checkbox" checked={value.kinds.includes(kind)} onChange={() => toggle(kind)} />
            {KIND_LABELS[kind]}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>Search</span>
        <input
          type="search"
          aria-label="Search the log"
          placeholder="words, image, prompt_id, server"
          value={value.text}
          onChange={(e) => onChange({ ...value, text: e.target.value })}
        />
      </label>
      <label className="field">
        <span>From</span>
        <input type="datetime-local" aria-label="From" value={value.from} onChange={(e) => onChange({ ...value, from: e.target.value })} />
      </label>
      <label className="field">
        <span>To</span>
        <input type="datetime-local" aria-label="To" value={value.to} onChange={(e) => onChange({ ...value, to: e.target.value })} />
      </label>
      <button
        aria-pressed={value.errorsFirst}
        className={value.errorsFirst ? 'primary' : undefined}
        title={value.errorsFirst ? 'Back to time order' : 'Failures on top, each part in time order'}
        onClick={() => onChange({ ...value, errorsFirst: !value.errorsFirst })}
      >
        Errors first
      </button>
    </div>
  );
}
