/**
 * How much was judged, in the same words and by the same definitions in every view: Evaluation (the raters and their
 * progress), the report (tab and HTML export) and All sessions (the list's column and Details). Pure.
 *
 * - A rater's screens are their pairs plus the repeated control pairs, which come back later with sides swapped to
 *   measure self-consistency ("64 pairs + 6 repeats"). The report counts pairs, never the repeats.
 * - A verdict is one rater's answer on one metric of one pair. The verdicts counted are the ones the report analyses
 *   (lib/report/judgments.ts: the last answer of each rater on each pair and metric, none on a repeated pair, only
 *   Setup's metrics); the stored ones are every score the session keeps, counted or not.
 */

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A rater's screens as pairs and repeats: "64 pairs + 6 repeats" (or "4 pairs" without repeats). */
export function raterPairWords(screens: number, repeats: number): string {
  const pairs = plural(screens - repeats, 'pair');
  return repeats > 0 ? `${pairs} + ${plural(repeats, 'repeat')}` : pairs;
}

/**
 * Verdicts counted, and what the rest of the stored ones are: "192 verdicts counted (18 more stored on repeated
 * pairs or replaced, not counted)".
 */
export function verdictWords(counted: number, stored: number): string {
  const rest = stored - counted;
  const head = `${plural(counted, 'verdict')} counted`;
  return rest > 0 ? `${head} (${rest} more stored on repeated pairs or replaced, not counted)` : head;
}

/**
 * The report's count line: "64 of 64 pairs judged · 192 verdicts counted (…)". With several raters the pairs are
 * those of every rater's order, each once (in the balanced design each order pairs the pictures its own way).
 */
export function reportCountWords(
  report: { pairs_judged: number; pairs_total: number; judgments: number; scores_ignored: number },
  raters = 1,
): string {
  const pairs = `${report.pairs_judged} of ${plural(report.pairs_total, 'pair')} judged${raters > 1 ? " (the pairs of every rater's order, each once)" : ''}`;
  return `${pairs} · ${verdictWords(report.judgments, report.judgments + report.scores_ignored)}`;
}
