'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useState } from 'react';
import { filterSessions, NO_FILTER, type SessionFilter } from '@/lib/client/filter';
import { sessionLabel } from '@/lib/client/labels';
import { sessionQuery, sessionsQuery } from '@/lib/client/queries';
import { SESSIONS_PATH, sessionLogPath } from '@/lib/client/routes';
import { saveNotesMutation } from '@/lib/client/setup-mutations';
import { conflictOf, draftOf } from '@/lib/client/store';
import type { ComfyConfig } from '@/lib/comfy/config';
import { SessionStatusSchema, STEP_NAMES } from '@/lib/sessions/schema';
import type { ClientSession } from '@/lib/sessions/view';
import { useSaveSetup } from './use-save-setup';
import { useSessionActions } from './use-session-actions';
import { useWorkbench, useWorkbenchStore } from './workbench-provider';

const SAVE_LABEL = { idle: 'Save', saving: 'Saving…', saved: 'Saved', error: 'Save' } as const;

function NotesField({ session }: { session: ClientSession }) {
  const saveNotes = useMutation(saveNotesMutation(useWorkbenchStore()));
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
        onBlur={() => text !== session.notes && saveNotes.mutate({ id: session.session_id, notes: text })}
      />
    </div>
  );
}

/**
 * Where a session stands in words: its step and what that step is doing, e.g. "Step 3: Evaluation · 2 of 3 raters
 * done" rather than the generation status "completed" that a finished grid leaves on a session still being rated.
 */
export function stepLine(s: ClientSession): string {
  const head = `Step ${s.step}: ${STEP_NAMES[s.step]}`;
  if (s.step === 1) return `${head} · not started`;
  if (s.step === 2) return `${head} · ${s.status === 'completed' ? 'done' : s.status}`;
  const raters = s.step_3_evaluation.raters.filter((r) => !r.removed_at);
  const done = raters.filter((r) => r.evaluation_complete).length;
  if (s.step === 3) return raters.length ? `${head} · ${done} of ${raters.length} raters done` : `${head} · no rater yet`;
  return `${head} · evaluation complete`;
}

/** The session the sidebar shows: the one the URL names, else the one this tab opened last. */
function useCurrentSessionId(): string | null {
  const { id } = useParams<{ id?: string }>();
  const last = useWorkbench((s) => s.lastSessionId);
  return id ?? last;
}

/** Current session, its step and notes; New / Save / Save as new / Relaunch; the filterable Load dropdown. */
export function Sidebar({ comfy }: { comfy: ComfyConfig }) {
  const id = useCurrentSessionId();
  const { data: session } = useQuery({ ...sessionQuery(id ?? ''), enabled: id !== null });
  const { data: sessions = [] } = useQuery(sessionsQuery());
  const dirty = useWorkbench((s) => draftOf(id)(s) !== null);
  const saveState = useWorkbench((s) => s.saveState);
  const conflict = useWorkbench(conflictOf(id));
  const save = useSaveSetup();
  const actions = useSessionActions();
  const [selected, setSelected] = useState('');
  const [filter, setFilter] = useState<SessionFilter>(NO_FILTER);
  const [open, setOpen] = useState(false);

  const shown = filterSessions(sessions, filter);
  const loadable = shown.filter((s) => !s.damaged);
  const choice = loadable.some((s) => s.session_id === selected) ? selected : (loadable[0]?.session_id ?? '');

  return (
    <aside className={`sidebar${open ? ' open' : ''}`} aria-label="Sessions">
      <div className="brand-row">
        <div className="brand">LoRA Bench</div>
        {/* Shown only on a narrow window (responsive.css), where the sidebar folds away above the page. */}
        <button className="sidebar-toggle" aria-expanded={open} aria-controls="sidebar-body" onClick={() => setOpen((o) => !o)}>
          {open ? 'Hide sessions menu' : 'Sessions menu'}
        </button>
      </div>
      <div className="sidebar-body" id="sidebar-body">
        <div className="comfy-line" data-testid="comfy-source">
          ComfyUI: {comfy.simulated ? 'built-in simulator' : 'server'} at <code>{comfy.url}</code>
        </div>

        <div className="current">
          <div className="label">Current session</div>
          {id ? (
            <>
              <div className="session-id" data-testid="current-session">
                {id}
              </div>
              {session && (
                <>
                  <div className="step" data-testid="current-step">
                    {stepLine(session)}
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
                  <Link className="light-link" href={sessionLogPath(session.session_id)}>
                    Log: what happened, when
                  </Link>
                  <NotesField key={session.session_id} session={session} />
                </>
              )}
            </>
          ) : (
            <div className="muted">None</div>
          )}
        </div>

        <div className="buttons">
          <button onClick={actions.newSession}>New</button>
          <button
            onClick={() => void save()}
            disabled={!session || saveState === 'saving' || conflict}
            title={conflict ? 'Reload or save as new first (see the message above the tabs)' : undefined}
          >
            {SAVE_LABEL[saveState]}
          </button>
        </div>
        <div className="buttons">
          <button
            onClick={() => session && actions.saveAsNew(session.session_id)}
            disabled={!session}
            title="Save the current state under a new id"
          >
            Save as new
          </button>
          <button
            onClick={() => session && actions.relaunch(session.session_id)}
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
        <button onClick={() => choice && actions.load(choice)} disabled={!choice}>
          Load selected
        </button>
        <Link className="light-link" href={SESSIONS_PATH}>
          All sessions, import, compare, trash…
        </Link>
      </div>
    </aside>
  );
}
