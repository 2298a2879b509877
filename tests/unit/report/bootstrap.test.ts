import { describe, expect, it } from 'vitest';
import { arenaRate, bootstrapWinRateByPrompt, bootstrapWinRatesByPrompt, quantileSorted } from '@/lib/report/bootstrap';

/**
 * Reference values computed independently with /usr/bin/python3 (exact enumeration with fractions.Fraction, and
 * numpy 1.24), written here as literals. The percentile bootstrap is random, so its reference is the exact
 * ("ideal", reps → ∞) bootstrap distribution, enumerated over all k^k ordered draws of k prompts:
 *
 *   P = [(8,2),(1,5),(6,6)]   # (lora, baseline) per prompt
 *   dist = {}
 *   for draw in itertools.product(range(3), repeat=3):
 *       L = sum(P[i][0] for i in draw); B = sum(P[i][1] for i in draw)
 *       r = Fraction(L, L + B); dist[r] = dist.get(r, 0) + Fraction(1, 27)
 *
 * Its quantile at level q is the atom where the CDF crosses q. The levels used below sit at least 0.012 away from
 * any atom boundary, about 9 standard errors of an empirical CDF with 20 000 replicates, so the Monte Carlo
 * bounds land on those atoms exactly.
 */
const P = [
  { prompt_index: 0, lora: 8, baseline: 2 },
  { prompt_index: 1, lora: 1, baseline: 5 },
  { prompt_index: 2, lora: 6, baseline: 6 },
];

describe('bootstrapWinRateByPrompt', () => {
  it('matches the exact bootstrap distribution (95%)', () => {
    // CDF of dist: 1/6 on (0, 0.0370], …, 4/5 on (0.9630, 1]: q=0.025 -> Fraction(1, 6), q=0.975 -> Fraction(4, 5)
    const ci = bootstrapWinRateByPrompt(P, { reps: 20_000, seed: 'ref' })!;
    expect(ci.low).toBeCloseTo(1 / 6, 12);
    expect(ci.high).toBeCloseTo(4 / 5, 12);
  });

  it('matches the exact bootstrap distribution (90%): a ratio of sums, not a mean of rates', () => {
    // q=0.05 -> Fraction(1, 3) (CDF 0.0370..0.1481), q=0.95 -> Fraction(11, 16) (CDF 0.8519..0.9630).
    // 11/16 = (8+8+6)/(10+10+12); the mean of the per-prompt rates of that draw would be 0.7.
    const ci = bootstrapWinRateByPrompt(P, { reps: 20_000, seed: 'ref', confidence: 0.9 })!;
    expect(ci.low).toBeCloseTo(1 / 3, 12);
    expect(ci.high).toBeCloseTo(11 / 16, 12);
  });

  it('contains the point estimate', () => {
    const point = 15 / 33; // Σlora / (Σlora + Σbaseline)
    for (const seed of ['a', 'b', 'c']) {
      const ci = bootstrapWinRateByPrompt(P, { seed })!;
      expect(ci.low).toBeLessThanOrEqual(point);
      expect(ci.high).toBeGreaterThanOrEqual(point);
      expect(ci.low).toBeGreaterThanOrEqual(0);
      expect(ci.high).toBeLessThanOrEqual(1);
    }
  });

  it('is reproducible with the same seed and differs with another', () => {
    const items = Array.from({ length: 8 }, (_, i) => ({ prompt_index: i, lora: (i * 7) % 11, baseline: ((i * 5) % 9) + 1 }));
    const a = bootstrapWinRateByPrompt(items, { seed: 'one', reps: 500 });
    const b = bootstrapWinRateByPrompt(items, { seed: 'one', reps: 500 });
    const c = bootstrapWinRateByPrompt(items, { seed: 'two', reps: 500 });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    // Without a seed: the fixed default seed, so still reproducible.
    expect(bootstrapWinRateByPrompt(items)).toEqual(bootstrapWinRateByPrompt(items));
  });

  it('sums rows of the same prompt and ignores input order', () => {
    const split = [
      { prompt_index: 2, lora: 4, baseline: 1 },
      { prompt_index: 0, lora: 5, baseline: 2 },
      { prompt_index: 1, lora: 1, baseline: 5 },
      { prompt_index: 2, lora: 2, baseline: 5 },
      { prompt_index: 0, lora: 3, baseline: 0 },
    ];
    expect(bootstrapWinRateByPrompt(split, { seed: 'x', reps: 300 })).toEqual(bootstrapWinRateByPrompt(P, { seed: 'x', reps: 300 }));
  });

  it('is wider than a per-judgment interval when prompts disagree', () => {
    // Prompt 0: LoRA always wins; prompt 1: never. Replicates are 1, 1/2, 0 with probability 1/4, 1/2, 1/4.
    const ci = bootstrapWinRateByPrompt([
      { prompt_index: 0, lora: 20, baseline: 0 },
      { prompt_index: 1, lora: 0, baseline: 20 },
    ])!;
    expect(ci).toEqual({ low: 0, high: 1 });
  });

  it('is null with one prompt (or none) with decisive judgments', () => {
    expect(bootstrapWinRateByPrompt([{ prompt_index: 0, lora: 7, baseline: 3 }])).toBeNull();
    expect(
      bootstrapWinRateByPrompt([
        { prompt_index: 0, lora: 7, baseline: 3 },
        { prompt_index: 1, lora: 0, baseline: 0 },
      ]),
    ).toBeNull();
    expect(bootstrapWinRateByPrompt([])).toBeNull();
  });

  it('leaves out prompts without decisive judgments', () => {
    const withEmpty = [...P, { prompt_index: 9, lora: 0, baseline: 0 }];
    expect(bootstrapWinRateByPrompt(withEmpty, { seed: 's', reps: 300 })).toEqual(bootstrapWinRateByPrompt(P, { seed: 's', reps: 300 }));
  });

  it('rejects bad input', () => {
    expect(() => bootstrapWinRateByPrompt([{ prompt_index: -1, lora: 1, baseline: 1 }])).toThrow(RangeError);
    expect(() => bootstrapWinRateByPrompt([{ prompt_index: 0, lora: -1, baseline: 1 }])).toThrow(RangeError);
    expect(() => bootstrapWinRateByPrompt([{ prompt_index: 0, lora: NaN, baseline: 1 }])).toThrow(RangeError);
    expect(() => bootstrapWinRateByPrompt(P, { reps: 0 })).toThrow(RangeError);
    expect(() => bootstrapWinRateByPrompt(P, { reps: 1.5 })).toThrow(RangeError);
    expect(() => bootstrapWinRateByPrompt(P, { confidence: 1 })).toThrow(RangeError);
  });
});

describe('bootstrapWinRatesByPrompt', () => {
  it('gives each cell exactly its bootstrapWinRateByPrompt, whatever prompts the other cells keep', () => {
    const cells = [
      P,
      // The same kept prompts as P (prompt 7 has no decisive judgment): shares P's draws.
      [...P.map((c) => ({ ...c, lora: c.baseline, baseline: c.lora })), { prompt_index: 7, lora: 0, baseline: 0 }],
      // Other prompts, other draws.
      [
        { prompt_index: 0, lora: 3, baseline: 9 },
        { prompt_index: 4, lora: 5, baseline: 1 },
      ],
      // One prompt: no interval.
      [{ prompt_index: 2, lora: 4, baseline: 4 }],
      [],
    ];
    const batch = bootstrapWinRatesByPrompt(cells, { reps: 700, seed: 'batch', confidence: 0.9 });
    expect(batch).toHaveLength(cells.length);
    cells.forEach((cell, i) => expect(batch[i]).toEqual(bootstrapWinRateByPrompt(cell, { reps: 700, seed: 'batch', confidence: 0.9 })));
    expect(batch[0]).not.toBeNull();
    expect(batch[2]).not.toBeNull();
    expect(batch.slice(3)).toEqual([null, null]);
  });

  it('still matches the exact bootstrap distribution when P is one cell of many', () => {
    const others = Array.from({ length: 5 }, (_, c) => P.map((p) => ({ ...p, lora: p.lora + c })));
    const ci = bootstrapWinRatesByPrompt([...others, P], { reps: 20_000, seed: 'ref' })[others.length]!;
    expect(ci.low).toBeCloseTo(1 / 6, 12);
    expect(ci.high).toBeCloseTo(4 / 5, 12);
  });
});

describe('quantileSorted', () => {
  it('interpolates like numpy.quantile', () => {
    // numpy.quantile([1, 2, 4, 8, 16], [0, 0.1, 0.25, 0.5, 0.9, 1]) -> [1.0, 1.4, 2.0, 4.0, 12.8, 16.0]
    const xs = [1, 2, 4, 8, 16];
    const want = [1.0, 1.4, 2.0, 4.0, 12.8, 16.0];
    [0, 0.1, 0.25, 0.5, 0.9, 1].forEach((q, i) => expect(quantileSorted(xs, q)).toBeCloseTo(want[i]!, 12));
    expect(quantileSorted([], 0.5)).toBeNull();
  });
});

describe('arenaRate', () => {
  it('counts ties as half a win', () => {
    expect(arenaRate(6, 2, 10)).toBeCloseTo(0.7, 12);
    expect(arenaRate(0, 4, 4)).toBe(0.5);
    expect(arenaRate(3, 0, 3)).toBe(1);
    expect(arenaRate(0, 0, 5)).toBe(0);
  });

  it('is null when nothing was compared', () => {
    expect(arenaRate(0, 0, 0)).toBeNull();
  });

  it('rejects impossible counts', () => {
    expect(() => arenaRate(6, 5, 10)).toThrow(RangeError);
    expect(() => arenaRate(-1, 0, 10)).toThrow(RangeError);
    expect(() => arenaRate(1, 0, Infinity)).toThrow(RangeError);
  });
});
