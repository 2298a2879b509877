import { z } from 'zod';
import type { LogLine } from './schema';

// Filtering and search of a session's log lines (the Log view; pure, so the page and tests share it).

/** The kinds a reader can show or hide: the four groups, and every failure whatever its group. */
export const LogKindSchema = z.enum(['generation', 'errors', 'evaluation', 'setup', 'lifecycle']);
export type LogKind = z.infer<typeof LogKindSchema>;
export const LOG_KINDS = LogKindSchema.options;

export const LogFilterSchema = z.object({
  /** Lines of these kinds are shown (a failure shows when `errors` or its group is chosen). */
  kinds: z.array(LogKindSchema),
  /** Matched, case-insensitively, against the words, the event kind, the image, the prompt_id and the server. */
  text: z.string(),
  /** Local date-times (`YYYY-MM-DDTHH:MM`, as `<input type="datetime-local">` gives), inclusive to the minute; '' for open. */
  from: z.string(),
  to: z.string(),
  /** Failures first (each part still in time order). */
  errorsFirst: z.boolean(),
});
export type LogFilter = z.infer<typeof LogFilterSchema>;

export const NO_LOG_FILTER: LogFilter = { kinds: [...LOG_KINDS], text: '', from: '', to: '', errorsFirst: false };

/** The end of the minute a `YYYY-MM-DDTHH:MM` names (a value with seconds is taken as it is); NaN for ''. */
function endOf(to: string): number {
  const t = Date.parse(to);
  return /T\d\d:\d\d$/.test(to) ? t + 59_999 : t;
}

/**
 * The lines that pass `f`, in time order, or failures first when `errorsFirst`. A line without a time (from the
 * previous store's journal) passes any time range. Never throws; an unreadable date bound is ignored.
 */
export function filterLog(lines: LogLine[], f: LogFilter): LogLine[] {
  const text = f.text.trim().toLowerCase();
  const from = Date.parse(f.from);
  const to = endOf(f.to);
  const shown = lines.filter((l) => {
    if (!f.kinds.includes(l.group) && !(l.error && f.kinds.includes('errors'))) return false;
    if (text && ![l.text, l.event, l.image_id, l.prompt_id, l.server].some((v) => v?.toLowerCase().includes(text))) return false;
    const at = Date.parse(l.at);
    if (!Number.isNaN(at) && ((!Number.isNaN(from) && at < from) || (!Number.isNaN(to) && at > to))) return false;
    return true;
  });
  return f.errorsFirst ? [...shown.filter((l) => l.error), ...shown.filter((l) => !l.error)] : shown;
}
