import { describe, expect, it } from 'vitest';
import { morePairsNeeded } from '@/lib/report/sample-size';

/**
 * References from SciPy 1.17: ceil(n·((scipy.stats.t.ppf(1 − level/2, df) + scipy.stats.t.ppf(0.8, df))·se/|θ|)² − n),
 * at least 0.
 */
describe('morePairsNeeded', () => {
  it('is the 80%-power calculation with t quantiles', () => {
    expect(morePairsNeeded(0.6, 0.25, 40, 0.0444 / 12, 7)).toBe(146);
    expect(morePairsNeeded(-0.3, 0.4, 80, 0.05, 3)).toBe(2383);
    // Already enough: nothing more.
    expect(morePairsNeeded(2.0, 0.1, 100, 0.01, 9)).toBe(0);
  });

  it('has no answer without an effect or a standard error', () => {
    expect(morePairsNeeded(0, 0.2, 40, 0.05, 5)).toBeNull();
    expect(morePairsNeeded(0.5, 0, 40, 0.05, 5)).toBeNull();
    expect(morePairsNeeded(0.5, 0.2, 40, 0.05, 0)).toBeNull();
  });
});
