/**
 * Pure statistics for the report (DESIGN.md section 5). No I/O; safe in server and client bundles.
 */
import binomialTest from '@stdlib/stats-binomial-test';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

export interface Interval {
  low: number;
  high: number;
}

function checkCounts(fn: string, successes: number, n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`${fn}: n must be a whole number >= 0 (got ${n})`);
  }
  if (!Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError(`${fn}: successes must be a whole number in [0, n] (got ${successes} of ${n})`);
  }
}

/**
 * Wilson score interval for a binomial proportion (E. B. Wilson, "Probable inference, the law of
 * succession, and statistical inference", JASA 22(158), 1927). Same formula as
 * `statsmodels.stats.proportion.proportion_confint(k, n, alpha=1-confidence, method="wilson")`:
 *
 *   z = Φ⁻¹(1 − α/2), p̂ = k/n
 *   center = (p̂ + z²/(2n)) / (1 + z²/n)
 *   half   = z·√(p̂(1−p̂)/n + z²/(4n²)) / (1 + z²/n)
 *   [center − half, center + half]
 *
 * The bounds are clamped to [0, 1], and are exactly 0 when k = 0 and exactly 1 when k = n
 * (the formula gives these up to rounding). Returns null when n = 0 (no information).
 *
 * @throws RangeError unless n and successes are integers with 0 <= successes <= n, and 0 < confidence < 1.
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval | null {
  checkCounts('wilsonInterval', successes, n);
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`wilsonInterval: confidence must be in (0, 1) (got ${confidence})`);
  }
  if (n === 0) return null;
  const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  const z2 = z * z;
  const phat = successes / n;
  const denom = 1 + z2 / n;
  const center = (phat + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((phat * (1 - phat)) / n + z2 / (4 * n * n))) / denom;
  const low = successes === 0 ? 0 : Math.max(0, center - half);
  const high = successes === n ? 1 : Math.min(1, center + half);
  return { low, high };
}

/**
 * Two-sided exact binomial test of H0: P(success) = p, as
 * `scipy.stats.binomtest(k, n, p, alternative="two-sided").pvalue`: the probability, under H0, of all
 * outcomes no more likely than the observed one (pmf(i) <= pmf(k)·(1 + 1e-7)). Computed by
 * `@stdlib/stats-binomial-test`, which implements the same rule as scipy and R's `binom.test`.
 *
 * Returns 1 when n = 0 (nothing observed, nothing to reject). Capped at 1. Note: the upper tail is taken as
 * 1 − CDF, so p-values far below 1e-15 are accurate in absolute terms only (≈1e-16), which is irrelevant
 * for reporting.
 *
 * @throws RangeError unless n and successes are integers with 0 <= successes <= n, and 0 <= p <= 1.
 */
export function binomialTestTwoSided(successes: number, n: number, p = 0.5): number {
  checkCounts('binomialTestTwoSided', successes, n);
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(`binomialTestTwoSided: p must be in [0, 1] (got ${p})`);
  }
  if (n === 0) return 1;
  const { pValue } = binomialTest(successes, n, { p, alternative: 'two-sided' });
  return Math.min(1, Math.max(0, pValue));
}

/**
 * Holm–Bonferroni step-down adjusted p-values (S. Holm, "A simple sequentially rejective multiple test
 * procedure", Scand. J. Statist. 6(2), 1979), returned in input order. Same as
 * `statsmodels.stats.multitest.multipletests(p, method="holm")[1]`:
 *
 *   sort ascending p₍₁₎ <= … <= p₍ₘ₎;  p̃₍ᵢ₎ = min(1, max_{j<=i} (m − j + 1)·p₍ⱼ₎)
 *
 * Tied inputs get the same adjusted value, whatever their order.
 *
 * Missing values: an entry that is `null` or `NaN` is not a test. It is left out of the family (it does not
 * count in m) and comes back unchanged (`null` stays `null`, `NaN` stays `NaN`). An empty input gives `[]`.
 *
 * @throws RangeError if a present value lies outside [0, 1].
 */
export function holmAdjust(pValues: readonly number[]): number[];
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[];
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const present: { i: number; p: number }[] = [];
  pValues.forEach((p, i) => {
    if (p === null || Number.isNaN(p)) return;
    if (typeof p !== 'number' || p < 0 || p > 1) {
      throw new RangeError(`holmAdjust: p-values must be in [0, 1] (got ${String(p)} at index ${i})`);
    }
    present.push({ i, p });
  });
  const out: (number | null)[] = pValues.slice();
  const m = present.length;
  present.sort((a, b) => a.p - b.p || a.i - b.i);
  let running = 0;
  present.forEach(({ i, p }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}
