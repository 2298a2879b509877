import { raterPairWords } from '@/lib/report/count-words';
import type { ClientSession } from '@/lib/sessions/view';

/** One rater as the owner's session shows them (lib/sessions/view.ts). */
export type RaterRow = ClientSession['step_3_evaluation']['raters'][number];

/**
 * Where rater `r` stands, in the words every owner view uses (Evaluation's raters, All sessions' Details): screens
 * judged of their screens, which are their pairs plus repeats ("3 of 70 (64 pairs + 6 repeats)"), and whether they
 * are done, paused, removed (judgments kept or dropped) or ended by looking at results.
 */
export function raterProgressWords(r: RaterRow): string {
  const pairs = raterPairWords(r.total, r.repeats);
  const at = `${r.current_eval_index} of ${r.total}${r.repeats > 0 ? ` (${pairs})` : ''}`;
  if (r.removed_at) return `removed after ${at}, judgments ${r.judgments_dropped ? 'dropped' : 'kept'}`;
  if (r.evaluation_complete) return `done, all ${pairs}`;
  if (r.looked_at) return `ended after ${at} (looked at results)`;
  if (r.paused_at) return `paused after ${at}`;
  return r.current_eval_index === 0 ? `not started (${pairs})` : at;
}
