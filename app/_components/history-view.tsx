'use client';

import { lorasInWords } from '@/lib/generation/variants';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import { messageOf } from '@/lib/api/errors';
import { filterSessions, NO_FILTER, type SessionFilter } from '@/lib/client/filter';
import { sessionLabel } from '@/lib/client/labels';
import { emptySessionsQuery, sessionsQuery, trashQuery } from '@/lib/client/queries';
import { comparePath, sessionPath } from '@/lib/client/routes';
import { cleanUpMutation, deleteSessionMutation } from '@/lib/client/session-mutations';
import { verdictWords } from '@/lib/report/count-words';
import { SessionStatusSchema, STEP_NAMES, type SessionSummary, type Step } from '@/lib/sessions/schema';
import { Details } from './history-details';
import { useSessionActions } from './use-session-actions';
import { useWorkbench, useWorkbenchStore } from './workbench-provider';

function Trash() {
  const { restore } = useSessionActions();
  const { data: entries = [] } = useQuery(trashQuery());
  return (
    <section>
      <h2>Trash</h2>
      {entries.length === 0 ? (
        <p className="muted">The trash (sessions/.trash/) is empty.</p>
      ) : (
        <ul>
          {entries.map((e) => (
            <li key={e.name}>
              {e.name}{' '}
              <button onClick={() => restore(e.name)} aria-label={`Restore ${e.name}`}>
                Restore
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * Every session, newest first, with thumbnail, status, LoRA, step and date; filters by text, status and date;
 * per-session Load, Details, Export, Relaunch, Delete; Compare of the checked sessions; Clean up of empty sessions;
 * Import of a .zip; the trash with Restore.
 */
export function HistoryView() {
  const { data: sessions = [] } = useQuery(sessionsQuery());
  const current = useWorkbench((s) => s.lastSessionId);
  const store = useWorkbenchStore();
  const client = useQueryClient();
  const router = useRouter();
  const actions = useSessionActions();
  const deleteSession = useMutation(deleteSessionMutation(store));
  const cleanUpSessions = useMutation(cleanUpMutation());
  const [filter, setFilter] = useState<SessionFilter>(NO_FILTER);
  const [open, setOpen] = useState<string | null>(null);
  const [checked, setChecked] = useState<string[]>([]);

  const shown = filterSessions(sessions, filter);
  const heading = useRef<HTMLHeadingElement>(null);
  const [announce, setAnnounce] = useState('');

  const cleanUp = async () => {
    let empty: string[];
    try {
      empty = await client.fetchQuery(emptySessionsQuery());
    } catch (err) {
      store.getState().setError(messageOf(err));
      return;
    }
    if (empty.length === 0) {
      window.alert('No empty sessions (without images and judgments) to clean up.');
      return;
    }
    if (window.confirm(`Move ${empty.length} empty session(s) to the trash?\n${empty.join('\n')}`)) cleanUpSessions.mutate(empty);
  };

  const remove = (s: SessionSummary) => {
    if (window.confirm(`Delete session ${sessionLabel(s)}? It moves to sessions/.trash/ and can be restored.`))
      deleteSession.mutate(s.session_id, {
        onSuccess: () => {
          // The row (and its focused button) is gone: focus goes to the list's heading, and the outcome is announced.
          setAnnounce(`Session ${s.session_id} moved to the trash.`);
          heading.current?.focus();
        },
      });
  };

  return (
    <div className="history" data-testid="history-view">
      <div className="plan">
        <h1 style={{ margin: 0 }} ref={heading} tabIndex={-1}>
          All sessions
        </h1>
        <div className="row">
          <label className="button-like">
            Import .zip
            <input
              type="file"
              hidden
              accept=".zip,application/zip"
              aria-label="Import a session .zip"
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file) actions.importZip(file);
              }}
            />
          </label>
          <button onClick={() => void cleanUp()}>Clean up empty sessions</button>
          <button onClick={() => router.push(comparePath(checked))} disabled={checked.length < 2}>
            Compare selected ({checked.length})
          </button>
          {current && (
            <Link className="button-like" href={sessionPath(current)}>
              Back to the session
            </Link>
          )}
        </div>
      </div>

      <div className="history-filters">
        <input
          aria-label="Filter by LoRA, id or notes"
          placeholder="LoRA name, id or notes"
          value={filter.text}
          onChange={(e) => setFilter({ ...filter, text: e.target.value })}
        />
        <select aria-label="Status" value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value })}>
          <option value="">Any status</option>
          {SessionStatusSchema.options.map((st) => (
            <option key={st}>{st}</option>
          ))}
        </select>
        <label>
          From{' '}
          <input type="date" aria-label="From date" value={filter.from} onChange={(e) => setFilter({ ...filter, from: e.target.value })} />
        </label>
        <label>
          To <input type="date" aria-label="To date" value={filter.to} onChange={(e) => setFilter({ ...filter, to: e.target.value })} />
        </label>
        <span className="muted">
          {shown.length} of {sessions.length}
        </span>
      </div>

      <p className="sr-only" role="status">
        {announce}
      </p>
      <table className="history">
        <caption className="sr-only">Sessions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">Compare</span>
            </th>
            <th scope="col">
              <span className="sr-only">Thumbnail</span>
            </th>
            <th scope="col">Session</th>
            <th scope="col">LoRA</th>
            <th scope="col">Status</th>
            <th scope="col">Step</th>
            <th scope="col">Images</th>
            <th scope="col">Verdicts counted</th>
            <th scope="col">Notes</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((s) =>
            s.damaged ? (
              <DamagedRow
                key={s.session_id}
                s={s}
                open={open === s.session_id}
                onToggle={() => setOpen(open === s.session_id ? null : s.session_id)}
                onDelete={() => remove(s)}
              />
            ) : (
              <HistoryRow
                key={s.session_id}
                s={s}
                current={s.session_id === current}
                checked={checked.includes(s.session_id)}
                open={open === s.session_id}
                onCheck={(on) => setChecked((c) => (on ? [...c, s.session_id] : c.filter((x) => x !== s.session_id)))}
                onToggle={() => setOpen(open === s.session_id ? null : s.session_id)}
                onLoad={() => actions.load(s.session_id)}
                onRelaunch={() => actions.relaunch(s.session_id)}
                onDelete={() => remove(s)}
              />
            ),
          )}
        </tbody>
      </table>
      <Trash />
    </div>
  );
}

/** A folder that cannot be read: what is wrong and where, and Delete (to the trash, restorable) as for any session. */
function DamagedRow(props: { s: Extract<SessionSummary, { damaged: true }>; open: boolean; onToggle: () => void; onDelete: () => void }) {
  const { s } = props;
  return (
    <>
      <tr data-testid="history-row">
        <td />
        <td />
        <td>
          <strong>{s.session_id}</strong>
        </td>
        <td colSpan={6} className="field-error">
          Damaged: {s.reason}
        </td>
        <td>
          <div className="actions-cell">
            <button onClick={props.onToggle} aria-expanded={props.open}>
              Details
            </button>
            <button onClick={props.onDelete} aria-label={`Delete ${s.session_id}`}>
              Delete
            </button>
          </div>
        </td>
      </tr>
      {props.open && (
        <tr>
          <td colSpan={10}>
            <div className="details" data-testid="damaged-details">
              <dl>
                <dt>File</dt>
                <dd>
                  <code>
                    sessions/{s.session_id}/{s.file}
                  </code>
                </dd>
                <dt>Where</dt>
                <dd>{s.where ?? 'the file as a whole'}</dd>
                <dt>Problem</dt>
                <dd>{s.reason}</dd>
                <dt>What to do</dt>
                <dd>
                  Fix or replace the file by hand and reload the list, or Delete the session (it moves to sessions/.trash/ and can be
                  restored).
                </dd>
              </dl>
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

function HistoryRow(props: {
  s: Extract<SessionSummary, { damaged: false }>;
  current: boolean;
  checked: boolean;
  open: boolean;
  onCheck: (on: boolean) => void;
  onToggle: () => void;
  onLoad: () => void;
  onRelaunch: () => void;
  onDelete: () => void;
}) {
  const { s } = props;
  return (
    <>
      <tr data-testid="history-row">
        <td>
          <input
            type="checkbox"
            aria-label={`Compare ${s.session_id}`}
            checked={props.checked}
            disabled={s.step < 3}
            onChange={(e) => props.onCheck(e.target.checked)}
          />
        </td>
        <td>
          {s.thumbnail ? (
            <img src={`/api/sessions/${s.session_id}/thumbnail?v=${s.images_done}`} alt={`First image of ${s.session_id}`} loading="lazy" />
          ) : (
            <div className="thumb-empty" />
          )}
        </td>
        <td>
          <strong>{s.session_id}</strong>
          {props.current ? ' (current)' : ''}
          <div className="muted">{new Date(s.timestamp * 1000).toLocaleString()}</div>
          {s.legacy && <div className="muted">From the original tool: Load migrates it (the original is kept).</div>}
        </td>
        <td title={s.lora_files.join(', ') || undefined}>{lorasInWords(s.lora_files.length ? s.lora_files : [s.lora_filename]) || '–'}</td>
        <td>
          <span className={`status-pill ${s.status}`}>{s.status}</span>
        </td>
        <td>
          {s.step}. {STEP_NAMES[s.step as Step]}
        </td>
        <td>
          {s.images_done}/{s.images_total}
        </td>
        <td>{s.verdicts_counted}</td>
        <td className="muted">{s.notes}</td>
        <td>
          <div className="actions-cell">
            <button onClick={props.onLoad}>Load</button>
            <button onClick={props.onToggle} aria-expanded={props.open}>
              Details
            </button>
            <a
              className="button-like"
              href={`/api/sessions/${s.session_id}/export/zip`}
              download
              aria-label={`Export .zip of ${s.session_id}`}
            >
              Export .zip
            </a>
            <button onClick={props.onRelaunch}>Relaunch</button>
            <button onClick={props.onDelete} aria-label={`Delete ${s.session_id}`}>
              Delete
            </button>
          </div>
        </td>
      </tr>
      {props.open && (
        <tr>
          <td colSpan={10}>
            <Details id={s.session_id} verdicts={verdictWords(s.verdicts_counted, s.judgments)} />
          </td>
        </tr>
      )}
    </>
  );
}
