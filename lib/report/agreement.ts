/**
 * Inter-rater agreement for the report: Fleiss' kappa over the items every rater judged. Pure: no I/O, safe in
 * server and client bundles.
 */
import type { Score, Winner } from '@/lib/sessions/schema';
import type { RaterAgreement } from './schema';

export type { RaterAgreement } from './schema';

/**
 * Fleiss' kappa (J. L. Fleiss, "Measuring nominal scale agreement among many raters", Psychological Bulletin
 * 76(5), 1971) for a subjects × categories table of counts: `table[i][j]` = how many raters put subject i in
 * category j. Same as `statsmodels.stats.inter_rater.fleiss_kappa(table, method='fleiss')`:
 *
 *   N subjects, n raters per subject, p_j = Σ_i table[i][j] / (N·n)
 *   P_i = (Σ_j table[i][j]² − n) / (n(n − 1)),  P̄ = mean P_i,  P̄e = Σ_j p_j²
 *   κ = (P̄ − P̄e) / (1 − P̄e)
 *
 * Fleiss' formula needs the same number of ratings n on every subject; a table whose rows have different totals
 * throws (statsmodels asserts the same). Raters need not be the same people on every subject.
 *
 * Returns null when kappa is undefined: no subjects, no categories, n < 2 (agreement between raters needs two
 * ratings per subject), or every rating in a single category (P̄e = 1, so 0/0; statsmodels gives nan).
 *
 * @throws RangeError if the rows have different lengths or different totals, or a count is not a whole number >= 0.
 */
export function fleissKappa(table: readonly (readonly number[])[]): number | null {
  const subjects = table.length;
  if (subjects === 0) return null;
  const categories = (table[0] as readonly number[]).length;
  let n = -1;
  table.forEach((row, i) => {
    if (row.length !== categories) {
      throw new RangeError(`fleissKappa: every row needs ${categories} categories (row ${i} has ${row.length})`);
    }
    let total = 0;
    row.forEach((c, j) => {
      if (!Number.isInteger(c) || c < 0) {
        throw new RangeError(`fleissKappa: counts must be whole numbers >= 0 (got ${c} at [${i}][${j}])`);
      }
      total += c;
    });
    if (n === -1) n = total;
    else if (total !== n) {
      throw new RangeError(
        `fleissKappa: Fleiss' kappa needs the same number of ratings on every subject (row 0 has ${n}, row ${i} has ${total})`,
      );
    }
  });
  if (categories === 0 || n < 2) return null;

  const colTotals = new Array<number>(categories).fill(0);
  let pBarSum = 0;
  for (const row of table) {
    let sq = 0;
    row.forEach((c, j) => {
      sq += c * c;
      colTotals[j] = (colTotals[j] as number) + c;
    });
    pBarSum += (sq - n) / (n * (n - 1));
  }
  // All ratings in one category: P̄e = 1 exactly, kappa undefined.
  if (colTotals.filter((t) => t > 0).length < 2) return null;
  const grand = subjects * n;
  const pBar = pBarSum / subjects;
  const pExp = colTotals.reduce((acc, t) => acc + (t / grand) ** 2, 0);
  return (pBar - pExp) / (1 - pExp);
}

export interface RaterAgreementOptions {
  /** Only these metrics (default: every metric in `scores`). Pass one metric for a per-metric kappa. */
  metrics?: readonly string[];
  /** Only these pair ids (e.g. the session's known pairs, or the pairs of one strength). Default: all. */
  pairIds?: Iterable<string>;
  /** Only these raters (default: every rater in `scores`, in order of their first score). */
  raters?: readonly string[];
  /** Count "both bad" as a fourth category instead of leaving it out like a skip. Default false. */
  bothBadAsCategory?: boolean;
}

/**
 * How much the raters agree, as Fleiss' kappa over the items they all judged.
 *
 * - An item is a (pair_id, metric). Each rater counts once per item: the last of their scores for it in `scores`
 *   (the report's rule).
 * - Verdicts are compared at the role level, baseline / tie / lora, not as left / right: raters see their own
 *   sides, so "left" means different images for different raters.
 * - Skips are not verdicts and are left out; so is "both bad" (no preference between the two images) unless
 *   `bothBadAsCategory` is set. An item counts only if every rater gave it a counted verdict, so each item has
 *   the same number of ratings, as Fleiss' kappa needs.
 */
export function raterAgreement(scores: readonly Score[], opts: RaterAgreementOptions = {}): RaterAgreement {
  const metricSet = opts.metrics ? new Set(opts.metrics) : null;
  const pairSet = opts.pairIds ? new Set(opts.pairIds) : null;
  const raterSet = opts.raters ? new Set(opts.raters) : null;
  const categories: readonly Winner[] = opts.bothBadAsCategory ? ['baseline', 'tie', 'lora', 'both_bad'] : ['baseline', 'tie', 'lora'];

  // Last score per (item, rater), skips included so a later skip supersedes an earlier verdict.
  const seenRaters: string[] = [];
  const latest = new Map<string, Map<string, Winner>>(); // item key -> rater -> winner
  for (const s of scores) {
    if (metricSet && !metricSet.has(s.metric)) continue;
    if (pairSet && !pairSet.has(s.pair_id)) continue;
    if (raterSet && !raterSet.has(s.rater)) continue;
    if (!seenRaters.includes(s.rater)) seenRaters.push(s.rater);
    const key = `${s.pair_id}\u0000${s.metric}`;
    let byRater = latest.get(key);
    if (!byRater) latest.set(key, (byRater = new Map()));
    byRater.set(s.rater, s.winner);
  }
  const raters = opts.raters ? [...new Set(opts.raters)] : seenRaters;
  if (raters.length < 2) return { raters, subjects: 0, kappa: null, percent_agreement: null };

  const table: number[][] = [];
  for (const byRater of latest.values()) {
    const row = new Array<number>(categories.length).fill(0);
    let complete = true;
    for (const r of raters) {
      const w = byRater.get(r);
      const j = w === undefined ? -1 : categories.indexOf(w);
      if (j < 0) {
        complete = false;
        break;
      }
      row[j] = (row[j] as number) + 1;
    }
    if (complete) table.push(row);
  }
  if (table.length === 0) return { raters, subjects: 0, kappa: null, percent_agreement: null };

  const n = raters.length;
  const observed = table.reduce((acc, row) => acc + (row.reduce((a, c) => a + c * c, 0) - n) / (n * (n - 1)), 0) / table.length;
  return { raters, subjects: table.length, kappa: fleissKappa(table), percent_agreement: observed };
}
