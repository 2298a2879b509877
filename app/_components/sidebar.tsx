'use client';

import { useState } from 'react';
import { confirmDropEdits } from '@/lib/client/confirm';
import { filterSessions, NO_FILTER, type SessionFilter } from '@/lib/client/filter';
import { sessionLabel } from '@/lib/client/labels';
import type { ComfyConfig } from '@/lib/comfy/config';
import { SessionStatusSchema, STEP_NAMES, type Step } from '@/lib/sessions/schema';
import { useWorkbench } from './workbench-provider';

const SAVE_LABEL = { idle: 'Save', saving: 'Saving…', saved: 'Saved', error: 'Save' } as const;

function NotesField() {
  const session = useWorkbench((s) => s.session)!;
  const saveNotes = useWorkbench((s) => s.saveNotes);
  const [text, setText] = useState(session.notes);
  return (
    <div className="notes">
      <label className="label" htmlFor="session-notes">
        Notes
      </label>
      <textarea
        id="session-notes"
        rows={3}
        value={text}
        placeholder="What is this run about?"
        onChange={(e) => setText(e.target.value)}
        onBlur={() => text !== session.notes && void saveNotes(text)}
      />
    </div>
  );
}

/** Current session, its step and notes; New / Save / Save as new / Relaunch; the filterable Load dropdown. */
export function Sidebar({ comfy }: { comfy: ComfyConfig }) {
  const session = useWorkbench((s) => s.session);
  const sessions = useWorkbench((s) => s.sessions);
  const dirty = useWorkbench((s) => s.draft !== null);
  const saveState = useWorkbench((s) => s.saveState);
  const conflict = useWorkbench((s) => s.conflict);
  const newSession = useWorkbench((s) => s.newSession);
  const loadSession = useWorkbench((s) => s.loadSession);
  const save = useWorkbench((s) => s.save);
  const saveAsNew = useWorkbench((s) => s.saveAsNew);
  const relaunch = useWorkbench((s) => s.relaunch);
  const setView = useWorkbench((s) => s.setView);
  const [selected, setSelected] = useState('');
  const [filter, setFilter] = useState<SessionFilter>(NO_FILTER);

  const confirmDrop = () => confirmDropEdits(dirty);

  const shown = filterSessions(sessions, filter);
  const loadable = shown.filter((s) => !s.damaged);
  const choice = loadable.some((s) => s.session_id === selected) ? selected : (loadable[0]?.session_id ?? '');

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
            <div className="muted" data-testid="save-status">
              {conflict
                ? 'Not saved: changed in another tab'
                : saveState === 'saving'
                  ? 'Saving…'
                  : dirty
                    ? 'Unsaved edits'
                    : 'All changes saved'}
            </div>
            <NotesField key={session.session_id} />
          </>
        ) : (
          <div className="muted">None</div>
        )}
      </div>

      <div className="buttons">
        <button onClick={() => confirmDrop() && void newSession()}>New</button>
        <button
          onClick={() => void save()}
          disabled={!session || saveState === 'saving' || conflict}
          title={conflict ? 'Reload or save as new first (see the message above the tabs)' : undefined}
        >
          {SAVE_LABEL[saveState]}
        </button>
      </div>
      <div className="buttons">
        <button onClick={() => void saveAsNew()} disabled={!session} title="Save the current state under a new id">
          Save as new
        </button>
        <button
          onClick={() => session && confirmDrop() && void relaunch(session.session_id)}
          disabled={!session}
          title="A new session with the same Setup"
        >
          Relaunch
        </button>
      </div>

      <div className="label">Load</div>
      <input
        aria-label="Filter sessions"
        placeholder="Filter by LoRA, id or notes"
        value={filter.text}
        onChange={(e) => setFilter({ ...filter, text: e.target.value })}
      />
      <select aria-label="Filter by status" value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value })}>
        <option value="">Any status</option>
        {SessionStatusSchema.options.map((st) => (
          <option key={st}>{st}</option>
        ))}
      </select>
      <select id="load-select" aria-label="Load" value={choice} onChange={(e) => setSelected(e.target.value)}>
        {shown.length === 0 && <option value="">{sessions.length ? 'No session matches' : 'No sessions yet'}</option>}
        {shown.map((s) => (
          <option key={s.session_id} value={s.session_id} disabled={s.damaged}>
            {sessionLabel(s)}
            {s.damaged ? '' : ` · step ${s.step}, ${s.status}`}
          </option>
        ))}
      </select>
      <button onClick={() => choice && confirmDrop() && void loadSession(choice)} disabled={!choice}>
        Load selected
      </button>
      <button className="link light-link" onClick={() => setView('history')}>
        All sessions, import, compare, trash…
      </button>
    </aside>
  );
}
