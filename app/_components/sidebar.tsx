'use client';

import { useState } from 'react';
import type { ComfyConfig } from '@/lib/comfy/config';
import { STEP_NAMES, type SessionSummary, type Step } from '@/lib/sessions/schema';
import { useWorkbench } from './workbench-provider';

/** `{session_id} - {lora_filename} (MM/DD HH:MM)` as DESIGN.md's Load dropdown shows a session. */
export function sessionLabel(s: SessionSummary): string {
  if (s.damaged) return `${s.session_id} - damaged: ${s.reason}`;
  const d = new Date(s.timestamp * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  const when = `${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
  return `${s.session_id} - ${s.lora_filename || 'no LoRA yet'} (${when})`;
}

const SAVE_LABEL = { idle: 'Save', saving: 'Saving…', saved: 'Saved', error: 'Save' } as const;

/** Current session, its step, and the New / Save / Load controls. */
export function Sidebar({ comfy }: { comfy: ComfyConfig }) {
  const session = useWorkbench((s) => s.session);
  const sessions = useWorkbench((s) => s.sessions);
  const dirty = useWorkbench((s) => s.draft !== null);
  const saveState = useWorkbench((s) => s.saveState);
  const newSession = useWorkbench((s) => s.newSession);
  const loadSession = useWorkbench((s) => s.loadSession);
  const save = useWorkbench((s) => s.save);
  const [selected, setSelected] = useState('');

  const confirmDrop = () =>
    !dirty || window.confirm('Setup has unsaved edits. Drop them and switch session?');

  const loadable = sessions.filter((s) => !s.damaged);
  const choice = selected || loadable[0]?.session_id || '';

  return (
    <aside className="sidebar" aria-label="Sessions">
      <div className="brand">LoRA Bench</div>
      <div className="comfy-line" data-testid="comfy-source">
        ComfyUI: {comfy.simulated ? 'built-in simulator' : 'server'} at <code>{comfy.url}</code>
      </div>

      <div className="current">
        <div className="label">Current session</div>
        {session ? (
          <>
            <div className="session-id" data-testid="current-session">
              {session.session_id}
            </div>
            <div className="step" data-testid="current-step">
              Step {session.step}: {STEP_NAMES[session.step as Step]} · {session.status}
            </div>
            <div className="muted">{dirty ? 'Unsaved edits' : 'All changes saved'}</div>
          </>
        ) : (
          <div className="muted">None</div>
        )}
      </div>

      <div className="buttons">
        <button onClick={() => confirmDrop() && void newSession()}>New</button>
        <button onClick={() => void save()} disabled={!session || saveState === 'saving'}>
          {SAVE_LABEL[saveState]}
        </button>
      </div>

      <label className="label" htmlFor="load-select">
        Load
      </label>
      <select id="load-select" value={choice} onChange={(e) => setSelected(e.target.value)}>
        {sessions.length === 0 && <option value="">No sessions yet</option>}
        {sessions.map((s) => (
          <option key={s.session_id} value={s.session_id} disabled={s.damaged}>
            {sessionLabel(s)}
            {s.damaged ? '' : ` · step ${s.step}, ${s.status}`}
          </option>
        ))}
      </select>
      <button onClick={() => choice && confirmDrop() && void loadSession(choice)} disabled={!choice}>
        Load selected
      </button>
    </aside>
  );
}
