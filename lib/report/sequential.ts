/**
 * When the report's claims are made (issue 14): an interim analysis once half the pairs have been judged and the
 * final one when the evaluation is complete, so that looking at the report after every judgment does not add chances
 * of a false claim. Between the two, the report shows the interim analysis (its data frozen at the halfway point);
 * live counts are shown beside it. Pure: no I/O, safe in server and client bundles.
 *
 * Error spending: the interim look spends α(½) of the O'Brien–Fleming-type spending function of K. K. G. Lan and
 * D. L. DeMets ("Discrete sequential boundaries for clinical trials", Biometrika 70(3), 1983),
 * α(t) = 2 − 2Φ(z₁₋α/₂ / √t), and the final look the rest, α − α(½). Both looks together then make a false claim
 * with probability at most α by the Bonferroni inequality, whatever the correlation between them (conservative: the
 * exact group-sequential boundary would give the final look a little more).
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import type { Session } from '@/lib/sessions/schema';

/** The error rate of the report's claims over the whole evaluation. */
export const ALPHA = 0.05;
/** The interim look: when this share of the pairs has at least one verdict. */
export const INTERIM_FRACTION = 0.5;

/**
 * The O'Brien–Fleming-type spending function of Lan and DeMets (1983): the error rate spent by information fraction
 * t ∈ (0, 1], α(t) = 2 − 2Φ(z₁₋α/₂ / √t); α(1) = α.
 *
 * @throws RangeError unless 0 < t <= 1 and 0 < alpha < 1.
 */
export function obrienFlemingSpending(t: number, alpha: number = ALPHA): number {
  if (!(t > 0 && t <= 1)) throw new RangeError(`obrienFlemingSpending: t must be in (0, 1] (got ${t})`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`obrienFlemingSpending: alpha must be in (0, 1) (got ${alpha})`);
  return 2 - 2 * normalCdf(normalQuantile(1 - alpha / 2, 0, 1) / Math.sqrt(t), 0, 1);
}

export const INTERIM_ALPHA = obrienFlemingSpending(INTERIM_FRACTION);
export const FINAL_ALPHA = ALPHA - INTERIM_ALPHA;

export interface Analysis {
  /** `none` before half the pairs are judged; `interim` from then until the evaluation is complete; then `final`. */
  kind: 'none' | 'interim' | 'final';
  /** The error rate this look spends; null with no analysis. */
  alpha: number | null;
  /** How many of `step_3_evaluation.scores`, from the start, the analysis reads (all of them at the final look). */
  scores: number;
  /** Pairs (repeats aside) with a counted verdict, and how many the interim look needs. */
  pairs_seen: number;
  pairs_needed: number;
}

/**
 * The analysis the report shows for `session`. The interim data are the scores up to the judgment that gave the
 * ⌈half⌉-th pair of `shuffled_results` (repeats aside) its first counted verdict, with the rest of that judgment's
 * metrics: a point fixed by how many pairs were judged, never by what the verdicts were.
 */
export function analysisOf(session: Session): Analysis {
  const scores = session.step_3_evaluation.scores;
  const pairs = new Set(session.step_2_generation.shuffled_results.filter((p) => !p.repeat).map((p) => p.pair_id));
  const metrics = new Set(session.step_1_setup.metrics);
  const needed = Math.ceil(pairs.size * INTERIM_FRACTION);
  const seen = new Set<string>();
  let interim = -1;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!pairs.has(s.pair_id) || !metrics.has(s.metric)) continue;
    seen.add(s.pair_id);
    if (interim >= 0 || seen.size < needed) continue;
    interim = i + 1;
    while (interim < scores.length && scores[interim]!.pair_id === s.pair_id && scores[interim]!.rater === s.rater) interim++;
  }
  const counts = { pairs_seen: seen.size, pairs_needed: needed };
  if (session.step_3_evaluation.evaluation_complete) return { kind: 'final', alpha: FINAL_ALPHA, scores: scores.length, ...counts };
  if (interim < 0 || needed === 0) return { kind: 'none', alpha: null, scores: 0, ...counts };
  return { kind: 'interim', alpha: INTERIM_ALPHA, scores: interim, ...counts };
}
