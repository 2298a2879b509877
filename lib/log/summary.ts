import type { LogEntry } from '@/lib/sessions/event-log';
import type { LogSummary } from './schema';

// The summary line on top of a session's log: how long, how many images done and failed, retries, servers, raters
// and judgments. Pure.

/** What the session holds now, which the summary prefers to the log where both know (a migrated session has no log). */
export interface SessionCounts {
  statuses: string[];
  judgments: number;
}

const seconds = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

/**
 * The summary of a log: its first and last times and the span between; the seconds generation jobs ran (each start
 * to the end of its job, or to the last event while one runs); images done and failed as the last events left them
 * (or as `now` holds them); sends beyond the first per image (retries); the servers used, in order of first use; the
 * raters; judgments standing and undos. Never throws.
 */
export function summarizeLog(entries: LogEntry[], now?: SessionCounts): LogSummary {
  const timed = entries.filter((e) => e.at);
  const first = timed[0]?.at ?? null;
  const last = timed.at(-1)?.at ?? null;
  const status = new Map<string, string>();
  const sends = new Map<string, number>();
  const servers: string[] = [];
  const raters: string[] = [];
  let judged = 0;
  let undos = 0;
  let generation = 0;
  let runningSince: string | null = null;
  const addRater = (name: string) => raters.includes(name) || raters.push(name);
  for (const { event: ev, at } of entries) {
    if (ev.kind === 'generation_started') {
      for (const r of ev.results ?? []) status.set(r.image_id, r.status);
      for (const [id, st] of status) if (st === 'failed' || st === 'running') status.set(id, 'queued');
      runningSince ??= at;
    } else if ((ev.kind === 'generation_finished' || ev.kind === 'marked_interrupted') && runningSince) {
      generation += seconds(runningSince, at);
      runningSince = null;
    } else if (ev.kind === 'image_updated' && ev.patch.status) {
      status.set(ev.image_id, ev.patch.status);
      if (ev.patch.status === 'running' && ev.patch.server) {
        sends.set(ev.image_id, (sends.get(ev.image_id) ?? 0) + 1);
        if (!servers.includes(ev.patch.server)) servers.push(ev.patch.server);
      }
    } else if (ev.kind === 'rater_added') addRater(ev.rater.name);
    else if (ev.kind === 'judge') {
      judged += 1;
      addRater(ev.input.rater ?? 'default');
    } else if (ev.kind === 'undo') undos += 1;
  }
  if (runningSince && last) generation += seconds(runningSince, last);
  const statuses = now?.statuses ?? [...status.values()];
  return {
    first_at: first,
    last_at: last,
    duration_s: first && last ? seconds(first, last) : null,
    generation_s: generation,
    images_total: statuses.length,
    images_done: statuses.filter((s) => s === 'done').length,
    images_failed: statuses.filter((s) => s === 'failed').length,
    retries: [...sends.values()].reduce((sum, n) => sum + n - 1, 0),
    servers,
    raters,
    judgments: now?.judgments ?? Math.max(0, judged - undos),
    undos,
  };
}

/** A duration in words: `42 s`, `12 min 5 s`, `3 h 20 min`. */
export function formatDuration(s: number): string {
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The summary as one line: "2 min 5 s (generation 1 min 40 s) · 12 images: 11 done, 1 failed · 2 retries · …". */
export function summaryText(s: LogSummary): string {
  const parts = [
    s.duration_s === null ? 'no events yet' : `${formatDuration(s.duration_s)} (generation ${formatDuration(s.generation_s)})`,
    `${plural(s.images_total, 'image')}: ${s.images_done} done, ${s.images_failed} failed`,
    `${s.retries} ${s.retries === 1 ? 'retry' : 'retries'}`,
    s.servers.length ? `${plural(s.servers.length, 'server')}: ${s.servers.join(', ')}` : 'no server used',
    s.raters.length ? `${plural(s.raters.length, 'rater')}: ${s.raters.join(', ')}` : 'no raters',
    `${plural(s.judgments, 'judgment')}${s.undos ? ` (${s.undos} undone)` : ''}`,
  ];
  return parts.join(' · ');
}
