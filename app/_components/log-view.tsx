'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { messageOf } from '@/lib/api/errors';
import { sessionLogQuery, sessionQuery } from '@/lib/client/queries';
import { sessionLogExport } from '@/lib/client/routes';
import { filterLog, NO_LOG_FILTER } from '@/lib/log/filter';
import type { LogLine, LogTiming } from '@/lib/log/schema';
import { formatDuration, summaryText } from '@/lib/log/summary';
import { LogFilters } from './log-filters';
import { useSessionId } from './session-context';

const s = (x: number | null) => (x === null ? '–' : formatDuration(x));
const time = (iso: string) => (iso ? new Date(iso).toLocaleString() : '–');

/** Seconds per image per server, the slowest images, and ComfyUI queue against rendering. */
function TimingFacts({ t }: { t: LogTiming }) {
  if (!t.servers.length) return null;
  const total = t.queue_s + t.render_s;
  return (
    <section className="log-timing" aria-label="Timing">
      <h3>Timing</h3>
      <table className="history">
        <thead>
          <tr>
            <th>Server</th>
            <th>Images</th>
            <th>Per image</th>
            <th>In ComfyUI’s queue</th>
            <th>Rendering</th>
          </tr>
        </thead>
        <tbody>
          {t.servers.map((v) => (
            <tr key={v.server}>
              <td>
                <code>{v.server}</code>
              </td>
              <td>{v.images}</td>
              <td>{s(v.seconds_per_image)}</td>
              <td>{s(v.mean_queue_s)}</td>
              <td>{s(v.mean_render_s)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        {t.measured
          ? `Over ${t.measured} images: ${formatDuration(t.queue_s)} waiting in ComfyUI’s queue (${Math.round((100 * t.queue_s) / (total || 1))}%), ${formatDuration(t.render_s)} rendering and saving.`
          : 'ComfyUI did not say when it began rendering these images (sessions from before this was recorded).'}
      </p>
      {t.slowest.length > 0 && (
        <p className="log-slowest">
          Slowest images:{' '}
          {t.slowest.map((i) => (
            <span key={i.image_id}>
              <code>{i.image_id}</code> {formatDuration(i.total_s)}
              {i.server && <span className="muted"> on {i.server}</span>}
            </span>
          ))}
        </p>
      )}
    </section>
  );
}

function LogTable({ lines }: { lines: LogLine[] }) {
  return (
    <table className="history log-lines" aria-label="Log">
      <thead>
        <tr>
          <th>Time</th>
          <th>Kind</th>
          <th>What happened</th>
          <th>prompt_id</th>
          <th>Server</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <tr key={l.rev} className={l.error ? 'log-error' : undefined} data-testid="log-line">
            <td className="nowrap">{time(l.at)}</td>
            <td>
              <span className={`log-kind ${l.group}`}>{l.error ? 'error' : l.group}</span>
            </td>
            <td>{l.text}</td>
            <td>{l.prompt_id ? <code title={l.prompt_id}>{l.prompt_id.slice(0, 8)}</code> : ''}</td>
            <td>{l.server ? <code>{l.server}</code> : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The Log view of the open session: the summary line, timing facts, filters (kind, text, time range, errors first),
 * exports (JSON Lines, text) and every event in words. Polled while generation runs. The owner's only: the guard
 * sends a rater's browser to its own screen.
 */
export function LogView() {
  const id = useSessionId();
  const { data: session } = useQuery(sessionQuery(id));
  const { data: log, error } = useQuery(sessionLogQuery(id, session?.status === 'running' ? 2000 : false));
  const [filter, setFilter] = useState(NO_LOG_FILTER);
  if (!log)
    return (
      <section className="panel">{error ? <p role="alert">{messageOf(error)}</p> : <p className="muted">Loading the log…</p>}</section>
    );
  const shown = filterLog(log.lines, filter);
  return (
    <section className="panel log-view" aria-label="Session log">
      <div className="row">
        <h2 className="grow">Log of {log.session_id}</h2>
        <a className="button-like" href={sessionLogExport(id, 'jsonl')} download>
          Export JSON Lines
        </a>
        <a className="button-like" href={sessionLogExport(id, 'text')} download>
          Export text
        </a>
      </div>
      <p className="log-summary" data-testid="log-summary">
        {summaryText(log.summary)}
      </p>
      <TimingFacts t={log.timing} />
      <LogFilters value={filter} onChange={setFilter} />
      <p className="muted" data-testid="log-count">
        {shown.length === log.lines.length ? `${log.lines.length} events` : `${shown.length} of ${log.lines.length} events`}
      </p>
      {log.lines.length === 0 ? <p className="muted">Nothing recorded yet.</p> : <LogTable lines={shown} />}
    </section>
  );
}
