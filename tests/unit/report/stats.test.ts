import { describe, expect, it } from 'vitest';
import { binomialTestTwoSided, holmAdjust, wilsonInterval } from '@/lib/report/stats';

/**
 * Reference values computed independently with /usr/bin/python3 (SciPy 1.10.1, statsmodels 0.13.5),
 * written here as literals. Each comment names the exact call.
 */

const DIGITS = 12;

describe('wilsonInterval', () => {
  const cases: [k: number, n: number, low: number, high: number][] = [
    // statsmodels.stats.proportion.proportion_confint(7, 10, alpha=0.05, method="wilson") -> (0.39677814746114537, 0.8922087325936989)
    [7, 10, 0.39677814746114537, 0.8922087325936989],
    // proportion_confint(3, 5, alpha=0.05, method="wilson") -> (0.2307242812760129, 0.8823792257673522)
    [3, 5, 0.2307242812760129, 0.8823792257673522],
    // proportion_confint(0, 5, alpha=0.05, method="wilson") -> (0.0, 0.43448246478317487)
    [0, 5, 0.0, 0.43448246478317487],
    // proportion_confint(5, 5, alpha=0.05, method="wilson") -> (0.5655175352168252, 1.0)
    [5, 5, 0.5655175352168252, 1.0],
    // proportion_confint(52, 100, alpha=0.05, method="wilson") -> (0.42316577765223967, 0.615354482419481)
    [52, 100, 0.42316577765223967, 0.615354482419481],
    // proportion_confint(480, 1000, alpha=0.05, method="wilson") -> (0.44917079499694124, 0.510982275342481)
    [480, 1000, 0.44917079499694124, 0.510982275342481],
    // proportion_confint(0, 1, alpha=0.05, method="wilson") -> (0.0, 0.7934506856227627)
    [0, 1, 0.0, 0.7934506856227627],
    // proportion_confint(1, 1, alpha=0.05, method="wilson") -> (0.2065493143772374, 1.0)
    [1, 1, 0.2065493143772374, 1.0],
    // proportion_confint(1, 2, alpha=0.05, method="wilson") -> (0.09453120573423068, 0.9054687942657693)
    [1, 2, 0.09453120573423068, 0.9054687942657693],
    // proportion_confint(24, 30, alpha=0.05, method="wilson") -> (0.6269430358685175, 0.9049489282271013)
    [24, 30, 0.6269430358685175, 0.9049489282271013],
    // proportion_confint(0, 30, alpha=0.05, method="wilson") -> (0.0, 0.1135133931739688)
    [0, 30, 0.0, 0.1135133931739688],
    // proportion_confint(30, 30, alpha=0.05, method="wilson") -> (0.8864866068260311, 1.0)
    [30, 30, 0.8864866068260311, 1.0],
    // proportion_confint(6, 12, alpha=0.05, method="wilson") -> (0.253781597633706, 0.746218402366294)
    [6, 12, 0.253781597633706, 0.746218402366294],
    // proportion_confint(9, 12, alpha=0.05, method="wilson") -> (0.46769466506643426, 0.9110583316059453)
    [9, 12, 0.46769466506643426, 0.9110583316059453],
    // proportion_confint(2, 3, alpha=0.05, method="wilson") -> (0.2076596008020477, 0.9385080552796037)
    [2, 3, 0.2076596008020477, 0.9385080552796037],
    // proportion_confint(1000, 1000, alpha=0.05, method="wilson") -> (0.996173241514445, 1.0)
    [1000, 1000, 0.996173241514445, 1.0],
    // proportion_confint(0, 1000, alpha=0.05, method="wilson") -> (2.168404344971009e-19, 0.003826758485555125)
    [0, 1000, 2.168404344971009e-19, 0.003826758485555125],
  ];

  it.each(cases)('%i of %i matches statsmodels', (k, n, low, high) => {
    const ci = wilsonInterval(k, n);
    expect(ci).not.toBeNull();
    expect(ci!.low).toBeCloseTo(low, DIGITS);
    expect(ci!.high).toBeCloseTo(high, DIGITS);
  });

  it('is exactly [0, x] for k = 0 and [x, 1] for k = n, and stays inside [0, 1]', () => {
    expect(wilsonInterval(0, 7)!.low).toBe(0);
    expect(wilsonInterval(7, 7)!.high).toBe(1);
    for (let n = 1; n <= 60; n++) {
      for (let k = 0; k <= n; k++) {
        const { low, high } = wilsonInterval(k, n)!;
        expect(low).toBeGreaterThanOrEqual(0);
        expect(high).toBeLessThanOrEqual(1);
        expect(low).toBeLessThanOrEqual(k / n);
        expect(high).toBeGreaterThanOrEqual(k / n);
      }
    }
  });

  it('honours the confidence level', () => {
    // proportion_confint(7, 10, alpha=0.10, method="wilson") -> (0.44169979586983493, 0.873123416096802)
    expect(wilsonInterval(7, 10, 0.9)!.low).toBeCloseTo(0.44169979586983493, DIGITS);
    expect(wilsonInterval(7, 10, 0.9)!.high).toBeCloseTo(0.873123416096802, DIGITS);
    // proportion_confint(7, 10, alpha=0.01, method="wilson") -> (0.32002467920110256, 0.9204336834769342)
    expect(wilsonInterval(7, 10, 0.99)!.low).toBeCloseTo(0.32002467920110256, DIGITS);
    expect(wilsonInterval(7, 10, 0.99)!.high).toBeCloseTo(0.9204336834769342, DIGITS);
    // proportion_confint(3, 5, alpha=0.01, method="wilson") -> (0.16865619801943216, 0.9172921377751659)
    expect(wilsonInterval(3, 5, 0.99)!.low).toBeCloseTo(0.16865619801943216, DIGITS);
    expect(wilsonInterval(3, 5, 0.99)!.high).toBeCloseTo(0.9172921377751659, DIGITS);
  });

  it('returns null for n = 0', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('rejects invalid input with RangeError', () => {
    expect(() => wilsonInterval(6, 5)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 5)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 5)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 5.5)).toThrow(RangeError);
    expect(() => wilsonInterval(1, -5)).toThrow(RangeError);
    expect(() => wilsonInterval(NaN, 5)).toThrow(RangeError);
    expect(() => wilsonInterval(1, Infinity)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 5, 1)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 5, 0)).toThrow(RangeError);
  });
});

describe('binomialTestTwoSided', () => {
  const cases: [k: number, n: number, p: number, expected: number][] = [
    // scipy.stats.binomtest(3, 5, 0.5, alternative="two-sided").pvalue -> 1.0
    [3, 5, 0.5, 1.0],
    // binomtest(0, 5, 0.5, alternative="two-sided").pvalue -> 0.0625
    [0, 5, 0.5, 0.0625],
    // binomtest(5, 5, 0.5, alternative="two-sided").pvalue -> 0.0625
    [5, 5, 0.5, 0.0625],
    // binomtest(7, 10, 0.5, alternative="two-sided").pvalue -> 0.34375
    [7, 10, 0.5, 0.34375],
    // binomtest(52, 100, 0.5, alternative="two-sided").pvalue -> 0.7643534344026673
    [52, 100, 0.5, 0.7643534344026673],
    // binomtest(480, 1000, 0.5, alternative="two-sided").pvalue -> 0.2174482932041409
    [480, 1000, 0.5, 0.2174482932041409],
    // binomtest(1, 1, 0.5, alternative="two-sided").pvalue -> 1.0
    [1, 1, 0.5, 1.0],
    // binomtest(0, 1, 0.5, alternative="two-sided").pvalue -> 1.0
    [0, 1, 0.5, 1.0],
    // binomtest(24, 30, 0.5, alternative="two-sided").pvalue -> 0.0014309063553810122
    [24, 30, 0.5, 0.0014309063553810122],
    // binomtest(15, 30, 0.5, alternative="two-sided").pvalue -> 1.0
    [15, 30, 0.5, 1.0],
    // binomtest(9, 12, 0.5, alternative="two-sided").pvalue -> 0.14599609375
    [9, 12, 0.5, 0.14599609375],
    // binomtest(2, 3, 0.5, alternative="two-sided").pvalue -> 1.0
    [2, 3, 0.5, 1.0],
    // binomtest(1000, 1000, 0.5, alternative="two-sided").pvalue -> 1.8665272370064378e-301
    [1000, 1000, 0.5, 1.8665272370064378e-301],
    // asymmetric null hypotheses:
    // binomtest(3, 10, 0.3, alternative="two-sided").pvalue -> 1.0
    [3, 10, 0.3, 1.0],
    // binomtest(7, 20, 0.2, alternative="two-sided").pvalue -> 0.09822172861346881
    [7, 20, 0.2, 0.09822172861346881],
    // binomtest(1, 10, 0.3, alternative="two-sided").pvalue -> 0.2995766784999998
    [1, 10, 0.3, 0.2995766784999998],
    // binomtest(0, 10, 0.3, alternative="two-sided").pvalue -> 0.0388396033
    [0, 10, 0.3, 0.0388396033],
    // binomtest(10, 10, 0.3, alternative="two-sided").pvalue -> 5.9048999999999975e-06
    [10, 10, 0.3, 5.9048999999999975e-6],
    // binomtest(60, 100, 0.75, alternative="two-sided").pvalue -> 0.0010801099946617435
    [60, 100, 0.75, 0.0010801099946617435],
  ];

  it.each(cases)('%i of %i vs p=%d matches scipy', (k, n, p, expected) => {
    expect(binomialTestTwoSided(k, n, p)).toBeCloseTo(expected, DIGITS);
  });

  // Report-sized n (the pooled rows of a 100,000-judgment session), /usr/bin/python3 with SciPy 1.17.1:
  const large: [k: number, n: number, p: number, expected: number][] = [
    // binomtest(4480, 9000, 0.5).pvalue -> 0.6810043924378842
    [4480, 9000, 0.5, 0.6810043924378842],
    // binomtest(4600, 9000, 0.5).pvalue -> 0.03593075063730818
    [4600, 9000, 0.5, 0.03593075063730818],
    // binomtest(44400, 89000, 0.5).pvalue -> 0.5047407271307658
    [44400, 89000, 0.5, 0.5047407271307658],
    // binomtest(45123, 89000, 0.5).pvalue -> 3.0020123737864577e-05
    [45123, 89000, 0.5, 3.0020123737864577e-5],
    // binomtest(3000, 10000, 0.31).pvalue -> 0.030602517434678365
    [3000, 10000, 0.31, 0.030602517434678365],
  ];

  it.each(large)('%i of %i vs p=%d matches scipy', (k, n, p, expected) => {
    expect(binomialTestTwoSided(k, n, p)).toBeCloseTo(expected, DIGITS);
  });

  it('uses p = 0.5 by default', () => {
    // binomtest(7, 10, 0.5).pvalue -> 0.34375
    expect(binomialTestTwoSided(7, 10)).toBeCloseTo(0.34375, DIGITS);
  });

  it('is 1 for n = 0 and never above 1', () => {
    expect(binomialTestTwoSided(0, 0)).toBe(1);
    for (let n = 1; n <= 40; n++) {
      for (let k = 0; k <= n; k++) {
        const pv = binomialTestTwoSided(k, n);
        expect(pv).toBeLessThanOrEqual(1);
        expect(pv).toBeGreaterThan(0);
        // symmetric under p = 0.5
        expect(pv).toBeCloseTo(binomialTestTwoSided(n - k, n), 12);
      }
    }
  });

  it('rejects invalid input with RangeError', () => {
    expect(() => binomialTestTwoSided(6, 5)).toThrow(RangeError);
    expect(() => binomialTestTwoSided(-1, 5)).toThrow(RangeError);
    expect(() => binomialTestTwoSided(2.5, 5)).toThrow(RangeError);
    expect(() => binomialTestTwoSided(1, 5, 1.5)).toThrow(RangeError);
    expect(() => binomialTestTwoSided(1, 5, NaN)).toThrow(RangeError);
  });
});

describe('holmAdjust', () => {
  it('matches statsmodels on unsorted input', () => {
    // statsmodels.stats.multitest.multipletests([0.01, 0.04, 0.03, 0.005], method="holm")[1] -> [0.03, 0.06, 0.06, 0.02]
    const got = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((x, i) => expect(got[i]).toBeCloseTo(x, DIGITS));
    // multipletests([0.2, 0.01, 0.9], method="holm")[1] -> [0.4, 0.03, 0.9]
    const got2 = holmAdjust([0.2, 0.01, 0.9]);
    [0.4, 0.03, 0.9].forEach((x, i) => expect(got2[i]).toBeCloseTo(x, DIGITS));
  });

  it('matches statsmodels with ties', () => {
    // multipletests([0.04, 0.01, 0.04, 0.03], method="holm")[1] -> [0.09, 0.04, 0.09, 0.09]
    const a = holmAdjust([0.04, 0.01, 0.04, 0.03]);
    [0.09, 0.04, 0.09, 0.09].forEach((x, i) => expect(a[i]).toBeCloseTo(x, DIGITS));
    // multipletests([0.01, 0.02, 0.02, 0.02, 0.5], method="holm")[1] -> [0.05, 0.08, 0.08, 0.08, 0.5]
    const b = holmAdjust([0.01, 0.02, 0.02, 0.02, 0.5]);
    [0.05, 0.08, 0.08, 0.08, 0.5].forEach((x, i) => expect(b[i]).toBeCloseTo(x, DIGITS));
    // multipletests([0.3, 0.3, 0.01, 0.6], method="holm")[1] -> [0.8999999999999999, 0.8999999999999999, 0.04, 0.8999999999999999]
    const c = holmAdjust([0.3, 0.3, 0.01, 0.6]);
    [0.9, 0.9, 0.04, 0.9].forEach((x, i) => expect(c[i]).toBeCloseTo(x, DIGITS));
  });

  it('caps at 1', () => {
    // multipletests([0.5, 0.5, 0.5], method="holm")[1] -> [1.0, 1.0, 1.0]
    expect(holmAdjust([0.5, 0.5, 0.5])).toEqual([1, 1, 1]);
  });

  it('leaves a single p-value and an empty list alone', () => {
    // multipletests([0.03], method="holm")[1] -> [0.03]
    expect(holmAdjust([0.03])[0]).toBeCloseTo(0.03, DIGITS);
    expect(holmAdjust([])).toEqual([]);
  });

  it('keeps null/NaN in place and out of the family', () => {
    // The family is the three present values:
    // multipletests([0.01, 0.04, 0.03], method="holm")[1] -> [0.03, 0.06, 0.06]
    const got = holmAdjust([0.01, null, 0.04, NaN, 0.03]);
    expect(got[0]).toBeCloseTo(0.03, DIGITS);
    expect(got[1]).toBeNull();
    expect(got[2]).toBeCloseTo(0.06, DIGITS);
    expect(got[3]).toBeNaN();
    expect(got[4]).toBeCloseTo(0.06, DIGITS);
  });

  it('is monotone in the input order of p-values and never below the raw p-value', () => {
    const ps = [0.001, 0.2, 0.04, 0.04, 0.5, 0.013, 0.9, 0.0004];
    const adj = holmAdjust(ps);
    ps.forEach((p, i) => {
      expect(adj[i]).toBeGreaterThanOrEqual(p);
      expect(adj[i]).toBeLessThanOrEqual(1);
      ps.forEach((q, j) => {
        if (p < q) expect(adj[i]).toBeLessThanOrEqual(adj[j]!);
      });
    });
  });

  it('rejects p-values outside [0, 1]', () => {
    expect(() => holmAdjust([0.5, 1.2])).toThrow(RangeError);
    expect(() => holmAdjust([-0.1])).toThrow(RangeError);
  });
});
