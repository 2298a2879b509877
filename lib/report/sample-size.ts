/**
 * How many more judged pairs would likely settle the answer (issue 16): a power calculation on the current estimates.
 * Pure: no I/O, safe in server and client bundles.
 *
 * For a difference θ (a strength against the baseline, or the best strength against a rival) with cluster-robust
 * standard error se from n analysed pairs, the pairs needed for the final look's interval to exclude 0 with 80%
 * power are n·((c + t₀.₈)·se/|θ|)², where c is the final look's critical value (t over k − 1 degrees of freedom at
 * the family's level) and t₀.₈ the 80% quantile of the same t distribution: the usual normal-approximation power
 * formula with t quantiles, assuming se shrinks as 1/√pairs and the estimate holds. Prompts disagreeing is part of
 * se and does not shrink with more pairs of the same prompts, so the figure is a floor: more prompts help most.
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export const POWER = 0.8;

/**
 * More pairs (beyond `n`) for an interval at two-sided level `level` over `df` degrees of freedom to exclude 0 with
 * 80% power, when the estimate is `theta` with standard error `se` from `n` pairs: ⌈n·((c + t₀.₈)·se/|θ|)² − n⌉, at
 * least 0. Null when θ is 0 or the inputs cannot give an answer.
 */
export function morePairsNeeded(theta: number, se: number, n: number, level: number, df: number): number | null {
  if (!(se > 0 && n > 0 && df >= 1 && level > 0 && level < 1) || theta === 0 || !Number.isFinite(theta)) return null;
  const c = tQuantile(1 - level / 2, df) + tQuantile(POWER, df);
  return Math.max(0, Math.ceil(n * ((c * se) / Math.abs(theta)) ** 2 - n));
}
