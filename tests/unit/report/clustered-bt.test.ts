import { describe, expect, it } from 'vitest';
import type { Comparison } from '@/lib/report/bradley-terry-fit';
import { clusteredBradleyTerry, contrastSe } from '@/lib/report/clustered-bt';
import { FINAL_ALPHA, INTERIM_ALPHA, obrienFlemingSpending } from '@/lib/report/sequential';

/**
 * Reference values computed independently with Python 3.11, NumPy 2.4 and SciPy 1.17: the penalized Bradley–Terry
 * fit by `scipy.optimize.minimize(nll, method='BFGS')` on the wins with the prior (half a win each way per compared
 * pair), polished by Newton steps with `numpy.linalg.solve` until the score is 0, then the sandwich by NumPy, not by
 * the code under test:
 *
 *   H = Σ_{i<j} N_ij σ(θi−θj)(1−σ(θi−θj)) (e_i − e_j)(e_i − e_j)ᵀ      (N with the prior, anchor row/column dropped)
 *   g_p,i = Σ_j W_p,ij − (W_p,ij + W_p,ji) σ(θi − θj)                   (per prompt, no prior)
 *   V = H⁻¹ (k/(k−1) Σ_p g_p g_pᵀ) H⁻¹
 *   p = 2·scipy.stats.t.sf(|θ/se|, k−1);  critical value scipy.stats.t.ppf(1 − 0.0125, 3)
 *   O'Brien–Fleming spending at ½: 2 − 2·scipy.stats.norm.cdf(scipy.stats.norm.ppf(0.975)/√0.5)
 */
const prompts: Comparison[][] = [
  [
    { winner: 's1', loser: 'baseline', count: 3 },
    { winner: 'baseline', loser: 's1', count: 1 },
    { winner: 's2', loser: 'baseline', count: 1 },
    { winner: 'baseline', loser: 's2', count: 2 },
    { winner: 's1', loser: 's2', count: 2 },
    { winner: 's2', loser: 's1', count: 0.25 },
    { winner: 's1', loser: 's2', count: 0.25 },
  ],
  [
    { winner: 's1', loser: 'baseline', count: 2 },
    { winner: 'baseline', loser: 's1', count: 2 },
    { winner: 's2', loser: 'baseline', count: 2 },
    { winner: 's2', loser: 's1', count: 1 },
    { winner: 's1', loser: 's2', count: 1 },
  ],
  [
    { winner: 's1', loser: 'baseline', count: 4 },
    { winner: 'baseline', loser: 's2', count: 1 },
    { winner: 's2', loser: 'baseline', count: 0.25 },
    { winner: 'baseline', loser: 's2', count: 0.25 },
    { winner: 's1', loser: 's2', count: 1 },
  ],
  [
    { winner: 'baseline', loser: 's1', count: 1 },
    { winner: 's1', loser: 'baseline', count: 1 },
    { winner: 's2', loser: 'baseline', count: 3 },
    { winner: 's2', loser: 's1', count: 2 },
    { winner: 's1', loser: 's2', count: 0.5 },
  ],
];

describe('clusteredBradleyTerry', () => {
  const fit = clusteredBradleyTerry(prompts, 'baseline')!;

  it('fits the penalized log-strengths as an independent maximum-likelihood fit does', () => {
    expect(fit.estimate.baseline).toBe(0);
    expect(fit.estimate.s1).toBeCloseTo(0.867947741882868, 10);
    expect(fit.estimate.s2).toBeCloseTo(0.5610172367630196, 10);
    expect(fit.clusters).toBe(4);
  });

  it('gives the prompt-clustered sandwich covariance', () => {
    const i1 = fit.items.indexOf('s1');
    const i2 = fit.items.indexOf('s2');
    const v = fit.covariance!;
    expect(v[i1]![i1]).toBeCloseTo(0.11870137058753844, 9);
    expect(v[i1]![i2]).toBeCloseTo(-0.13062645238800813, 9);
    expect(v[i2]![i2]).toBeCloseTo(0.41757109165732087, 9);
    expect(contrastSe(fit, 's1', 's2')).toBeCloseTo(0.8930427576666615, 9);
    expect(contrastSe(fit, 's1', 'baseline')).toBeCloseTo(Math.sqrt(0.11870137058753844), 9);
  });

  it('has no covariance from one prompt, and nothing without the anchor', () => {
    expect(clusteredBradleyTerry([prompts[0]!], 'baseline')!.covariance).toBeNull();
    expect(clusteredBradleyTerry([[{ winner: 'a', loser: 'b' }]], 'baseline')).toBeNull();
  });

  it('widens with disagreement between prompts, not with the number of judgments', () => {
    // The same totals in every prompt: the prompts agree, and the clustered variance is far below the disagreeing one.
    const same = Array.from({ length: 4 }, () => [
      { winner: 's1', loser: 'baseline', count: 3 },
      { winner: 'baseline', loser: 's1', count: 1 },
    ]);
    const split = [
      [{ winner: 's1', loser: 'baseline', count: 6 }],
      [{ winner: 'baseline', loser: 's1', count: 2 }],
      [{ winner: 's1', loser: 'baseline', count: 6 }],
      [{ winner: 'baseline', loser: 's1', count: 2 }],
    ];
    const a = clusteredBradleyTerry(same, 'baseline')!;
    const b = clusteredBradleyTerry(split, 'baseline')!;
    expect(a.estimate.s1).toBeCloseTo(b.estimate.s1!, 12);
    expect(contrastSe(b, 's1', 'baseline')!).toBeGreaterThan(5 * contrastSe(a, 's1', 'baseline')!);
  });
});

describe('error spending across the two looks', () => {
  it('spends the O’Brien–Fleming share at the halfway look and the rest at the end', () => {
    expect(obrienFlemingSpending(0.5)).toBeCloseTo(0.005574596680784305, 12);
    expect(INTERIM_ALPHA).toBeCloseTo(0.005574596680784305, 12);
    expect(INTERIM_ALPHA + FINAL_ALPHA).toBeCloseTo(0.05, 15);
    expect(obrienFlemingSpending(1)).toBeCloseTo(0.05, 12);
    expect(() => obrienFlemingSpending(0)).toThrow(RangeError);
  });
});
