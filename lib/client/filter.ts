import type { SessionSummary } from '@/lib/sessions/schema';

export interface SessionFilter {
  /** Matched, case-insensitively, against the LoRA file name, the session id and the notes. */
  text: string;
  /** A session status, or '' for any. */
  status: string;
  /** Local dates `YYYY-MM-DD`, inclusive; '' for open. */
  from: string;
  to: string;
}

export const NO_FILTER: SessionFilter = { text: '', status: '', from: '', to: '' };

function localDate(timestamp: number): string {
  const d = new Date(timestamp * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/**
 * The sessions that pass the filter, in the given order. Damaged folders pass only the empty text filter with no
 * status or date, so they stay visible in the unfiltered list and never vanish silently.
 */
export function filterSessions(list: SessionSummary[], f: SessionFilter): SessionSummary[] {
  const text = f.text.trim().toLowerCase();
  return list.filter((s) => {
    if (s.damaged) return !text && !f.status && !f.from && !f.to;
    if (text && ![s.lora_filename, ...s.lora_files, s.session_id, s.notes].some((v) => v.toLowerCase().includes(text))) return false;
    if (f.status && s.status !== f.status) return false;
    const day = localDate(s.timestamp);
    if (f.from && day < f.from) return false;
    if (f.to && day > f.to) return false;
    return true;
  });
}
