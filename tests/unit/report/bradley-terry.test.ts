import { describe, expect, it } from 'vitest';
import { bradleyTerry, bradleyTerryBootstrap, type Comparison } from '@/lib/report/bradley-terry';

/**
 * Reference values computed independently with /usr/bin/python3 (SciPy 1.10.1): the Bradley–Terry MLE found by
 * minimising the negative log-likelihood with Newton-CG, not by the MM algorithm under test.
 *
 *   import numpy as np
 *   from scipy.optimize import minimize
 *   def bt_mle(items, wins, anchor):  # wins: [(winner, loser, count)], log-strengths with anchor = 0
 *       free = [i for i in items if i != anchor]; ix = {n: k for k, n in enumerate(free)}
 *       def theta(x): return {n: (0.0 if n == anchor else x[ix[n]]) for n in items}
 *       def nll(x):
 *           t = theta(x); return sum(c * np.logaddexp(0.0, t[l] - t[w]) for w, l, c in wins)
 *       def grad(x):
 *           t = theta(x); g = np.zeros(len(free))
 *           for w, l, c in wins:
 *               p = 1 / (1 + np.exp(t[w] - t[l]))
 *               if w != anchor: g[ix[w]] -= c * p
 *               if l != anchor: g[ix[l]] += c * p
 *           return g
 *       def hess(x):
 *           t = theta(x); H = np.zeros((len(free), len(free)))
 *           for w, l, c in wins:
 *               p = 1 / (1 + np.exp(t[w] - t[l])); v = c * p * (1 - p)
 *               for a in (w, l):
 *                   for b in (w, l):
 *                       if a != anchor and b != anchor: H[ix[a], ix[b]] += v if a == b else -v
 *           return H
 *       r = minimize(nll, np.zeros(len(free)), jac=grad, hess=hess, method='Newton-CG', options={'xtol': 1e-14})
 *       assert np.max(np.abs(grad(r.x))) < 1e-8
 *       return {n: float(v) for n, v in theta(r.x).items()}
 *
 * Agreement is checked to 7 decimals (the reference's gradient is below 1e-8).
 */
const DIGITS = 7;

function expectClose(got: Record<string, number>, want: Record<string, number>): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [k, v] of Object.entries(want)) expect(got[k]).toBeCloseTo(v, DIGITS);
}

// d1 = [('baseline','s0.5',7),('s0.5','baseline',3),('s0.5','s1',6),('s1','s0.5',4),('baseline','s1',4),('s1','baseline',2)]
const d1: Comparison[] = [
  { winner: 'baseline', loser: 's0.5', count: 7 },
  { winner: 's0.5', loser: 'baseline', count: 3 },
  { winner: 's0.5', loser: 's1', count: 6 },
  { winner: 's1', loser: 's0.5', count: 4 },
  { winner: 'baseline', loser: 's1', count: 4 },
  { winner: 's1', loser: 'baseline', count: 2 },
];

describe('bradleyTerry: pure MLE (prior 0)', () => {
  it('3 items, anchored at baseline, matches scipy', () => {
    // bt_mle(['baseline','s0.5','s1'], d1, 'baseline')
    //   -> {'baseline': 0.0, 's0.5': -0.691575161865645, 's1': -0.9584162693120531}
    expectClose(bradleyTerry(d1, { anchor: 'baseline', prior: 0 }), {
      baseline: 0,
      's0.5': -0.691575161865645,
      s1: -0.9584162693120531,
    });
  });

  it('another anchor shifts every log-strength by the same amount', () => {
    // bt_mle(['baseline','s0.5','s1'], d1, 's1')
    //   -> {'baseline': 0.9584162691705255, 's0.5': 0.2668411074083848, 's1': 0.0}
    const r = bradleyTerry(d1, { anchor: 's1', prior: 0 });
    expectClose(r, { baseline: 0.9584162691705255, 's0.5': 0.2668411074083848, s1: 0 });
    expect(r.s1).toBe(0);
  });

  it('accepts unit comparisons and ties as half a win each way (4 items)', () => {
    // d2 = [('a','b',3),('b','a',1),('b','c',2),('c','b',2),('c','d',5),('d','c',1),('a','d',2),('d','a',2),
    //       ('a','c',0.5),('c','a',0.5)]   # the last two: one a–c tie
    // bt_mle(['a','b','c','d'], d2, 'b')
    //   -> {'a': 0.3902334586899273, 'b': 0.0, 'c': 0.6351712527664111, 'd': -0.31295192506397057}
    const unit = (winner: string, loser: string, times: number): Comparison[] => Array.from({ length: times }, () => ({ winner, loser }));
    const d2: Comparison[] = [
      ...unit('a', 'b', 3),
      ...unit('b', 'a', 1),
      ...unit('b', 'c', 2),
      ...unit('c', 'b', 2),
      { winner: 'c', loser: 'd', count: 5 },
      { winner: 'd', loser: 'c', count: 1 },
      { winner: 'a', loser: 'd', count: 2 },
      { winner: 'd', loser: 'a', count: 2 },
      { winner: 'a', loser: 'c', count: 0.5 },
      { winner: 'c', loser: 'a', count: 0.5 },
    ];
    expectClose(bradleyTerry(d2, { anchor: 'b', prior: 0 }), {
      a: 0.3902334586899273,
      b: 0,
      c: 0.6351712527664111,
      d: -0.31295192506397057,
    });
  });

  it('a star (every strength against baseline only) gives each edge its log-odds', () => {
    // d4 = [('k1','baseline',6),('baseline','k1',4),('k2','baseline',2),('baseline','k2',8)]
    // bt_mle(['baseline','k1','k2'], d4, 'baseline') -> {'baseline': 0.0, 'k1': 0.4054651081081641, 'k2': -1.38629436111989}
    // (= math.log(6/4), math.log(2/8))
    const d4: Comparison[] = [
      { winner: 'k1', loser: 'baseline', count: 6 },
      { winner: 'baseline', loser: 'k1', count: 4 },
      { winner: 'k2', loser: 'baseline', count: 2 },
      { winner: 'baseline', loser: 'k2', count: 8 },
    ];
    expectClose(bradleyTerry(d4, { anchor: 'baseline', prior: 0 }), {
      baseline: 0,
      k1: 0.4054651081081641,
      k2: -1.38629436111989,
    });
  });

  it('converges on lopsided data where MM is slow (a chain, 200 wins to 1 per link)', () => {
    // A tree's MLE is each link's log-odds: θ(i_k) = k·ln(200); math.log(200) -> 5.298317366548036,
    // 8*math.log(200) -> 42.38653893238429. (bt_mle(items, wins, 'i0') agrees: 'i8': 42.3865389283554.)
    const chain: Comparison[] = [];
    for (let i = 0; i < 8; i++) {
      chain.push({ winner: `i${i + 1}`, loser: `i${i}`, count: 200 }, { winner: `i${i}`, loser: `i${i + 1}`, count: 1 });
    }
    const r = bradleyTerry(chain, { anchor: 'i0', prior: 0 });
    for (let k = 0; k <= 8; k++) expect(r[`i${k}`]).toBeCloseTo(k * 5.298317366548036, 7);
    expect(r.i8).toBeCloseTo(42.38653893238429, 7);
  });

  it('throws when the MLE does not exist (an item won every comparison)', () => {
    expect(() => bradleyTerry([{ winner: 'lora', loser: 'baseline', count: 5 }], { prior: 0 })).toThrow(RangeError);
    const d3: Comparison[] = [
      { winner: 'x', loser: 'a', count: 3 },
      { winner: 'x', loser: 'b', count: 2 },
      { winner: 'a', loser: 'b', count: 4 },
      { winner: 'b', loser: 'a', count: 1 },
    ];
    expect(() => bradleyTerry(d3, { anchor: 'a', prior: 0 })).toThrow(/does not exist/);
  });
});

describe('bradleyTerry: with the prior (default 0.5 pseudo-wins each way per compared pair)', () => {
  it('all-win between two items: ln((5 + 0.5) / (0 + 0.5))', () => {
    // math.log(5.5 / 0.5) -> 2.3978952727983707
    const r = bradleyTerry([{ winner: 'lora', loser: 'baseline', count: 5 }], { anchor: 'baseline' });
    expect(r.baseline).toBe(0);
    expect(r.lora).toBeCloseTo(2.3978952727983707, DIGITS);
  });

  it('3 items where one wins everything: the MLE of the augmented counts', () => {
    // d3 = [('x','a',3),('x','b',2),('a','b',4),('b','a',1)]
    // aug = d3 + [(w,l,0.5) for w,l in [('x','a'),('a','x'),('x','b'),('b','x'),('a','b'),('b','a')]]
    // bt_mle(['a','b','x'], aug, 'a') -> {'a': 0.0, 'b': -0.8925849794664437, 'x': 1.4771055960783823}
    const d3: Comparison[] = [
      { winner: 'x', loser: 'a', count: 3 },
      { winner: 'x', loser: 'b', count: 2 },
      { winner: 'a', loser: 'b', count: 4 },
      { winner: 'b', loser: 'a', count: 1 },
    ];
    expectClose(bradleyTerry(d3, { anchor: 'a' }), { a: 0, b: -0.8925849794664437, x: 1.4771055960783823 });
  });

  it('differs from the pure MLE on ordinary data (shrinks towards 0)', () => {
    const withPrior = bradleyTerry(d1, { anchor: 'baseline' });
    expect(withPrior.s1).toBeGreaterThan(-0.9584162693120531);
    expect(withPrior.s1).toBeLessThan(0);
    expect(Math.abs(withPrior.s1! - -0.9584162693120531)).toBeGreaterThan(1e-3);
  });
});

describe('bradleyTerry: edge cases', () => {
  it('defaults the anchor to the first item named', () => {
    const r = bradleyTerry(d1, { prior: 0 });
    expect(r.baseline).toBe(0);
  });

  it('leaves out items not connected to the anchor', () => {
    const r = bradleyTerry([...d1, { winner: 'p', loser: 'q', count: 2 }, { winner: 'q', loser: 'p' }], {
      anchor: 'baseline',
      prior: 0,
    });
    expect(Object.keys(r).sort()).toEqual(['baseline', 's0.5', 's1']);
    const alone = bradleyTerry(
      [
        { winner: 'p', loser: 'q' },
        { winner: 'x', loser: 'baseline', count: 0 },
      ],
      { anchor: 'baseline' },
    );
    expect(alone).toEqual({ baseline: 0 });
  });

  it('does not depend on the order of comparisons', () => {
    const a = bradleyTerry(d1, { anchor: 'baseline' });
    const b = bradleyTerry([...d1].reverse(), { anchor: 'baseline' });
    for (const k of Object.keys(a)) expect(b[k]).toBeCloseTo(a[k]!, 9);
  });

  it('returns {} for no comparisons and rejects bad input', () => {
    expect(bradleyTerry([])).toEqual({});
    expect(() => bradleyTerry(d1, { anchor: 'nobody' })).toThrow(RangeError);
    expect(() => bradleyTerry([{ winner: 'a', loser: 'a' }])).toThrow(RangeError);
    expect(() => bradleyTerry([{ winner: 'a', loser: 'b', count: -1 }])).toThrow(RangeError);
    expect(() => bradleyTerry(d1, { prior: -0.5 })).toThrow(RangeError);
    expect(() => bradleyTerry(d1, { iterations: 0 })).toThrow(RangeError);
  });
});

describe('bradleyTerryBootstrap', () => {
  // One strength against baseline over three prompts: (lora wins, baseline wins) = (8,2), (1,5), (6,6).
  const star = (lora: number, base: number): Comparison[] => [
    { winner: 'k1', loser: 'baseline', count: lora },
    { winner: 'baseline', loser: 'k1', count: base },
  ];
  const byPrompt = [star(8, 2), star(1, 5), star(6, 6)];

  it('matches the exact bootstrap distribution of a star with the prior', () => {
    // With one edge the fit is ln((W + 0.5) / (L + 0.5)) of the pooled drawn counts. Enumerating all 27 draws:
    //   P = [(8,2),(1,5),(6,6)]
    //   for draw in itertools.product(range(3), repeat=3): W = sum(P[i][0] ...); L = sum(P[i][1] ...)
    //   -> sorted atoms (W, L, value, CDF range): (3,15) -1.488077055429833 0..0.0370; (8,16) -0.6632942174102642
    //      0.0370..0.1481; …; (22,10) 0.7621400520468967 0.8519..0.9630; (24,6) 1.32687094064909 0.9630..1
    //   estimate: math.log(15.5 / 13.5) -> 0.13815033848081718
    const r = bradleyTerryBootstrap(byPrompt, 20_000, 'ref', { anchor: 'baseline', confidence: 0.9 });
    expect(r.k1!.estimate).toBeCloseTo(0.13815033848081718, DIGITS);
    expect(r.k1!.low).toBeCloseTo(-0.6632942174102642, DIGITS);
    expect(r.k1!.high).toBeCloseTo(0.7621400520468967, DIGITS);
    expect(r.k1!.replicates).toBe(20_000);
    const r95 = bradleyTerryBootstrap(byPrompt, 20_000, 'ref', { anchor: 'baseline' });
    expect(r95.k1!.low).toBeCloseTo(-1.488077055429833, DIGITS);
    expect(r95.k1!.high).toBeCloseTo(1.32687094064909, DIGITS);
  });

  const three = [
    [...d1.slice(0, 2), { winner: 's1', loser: 'baseline', count: 1 }],
    d1.slice(2, 4),
    [...d1.slice(4), { winner: 'baseline', loser: 's0.5', count: 2 }],
    [
      { winner: 's0.5', loser: 's1', count: 3 },
      { winner: 'baseline', loser: 's1' },
    ],
  ];

  it('is reproducible with the same seed, differs with another, and brackets the estimate', () => {
    const a = bradleyTerryBootstrap(three, 4000, 'one', { anchor: 'baseline' });
    const b = bradleyTerryBootstrap(three, 4000, 'one', { anchor: 'baseline' });
    const c = bradleyTerryBootstrap(three, 4000, 'two', { anchor: 'baseline' });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    // Prompt 2 has no baseline comparison: a replicate that draws only prompt 2 (p = 1/4^4, about 16 of 4000)
    // places no item.
    expect(a.baseline).toMatchObject({ estimate: 0, low: 0, high: 0 });
    expect(a.baseline!.replicates).toBeLessThan(4000);
    expect(a.baseline!.replicates).toBeGreaterThan(3950);
    for (const k of ['s0.5', 's1']) {
      const x = a[k]!;
      expect(x.low!).toBeLessThanOrEqual(x.estimate);
      expect(x.high!).toBeGreaterThanOrEqual(x.estimate);
      expect(x.high! - x.low!).toBeGreaterThan(0);
    }
    expect(a['s0.5']!.estimate).toBeCloseTo(bradleyTerry(three.flat(), { anchor: 'baseline' })['s0.5']!, 12);
  });

  it('gives no interval with a single prompt', () => {
    const r = bradleyTerryBootstrap([d1], 100, 'x', { anchor: 'baseline' });
    expect(r.s1).toEqual({ estimate: bradleyTerry(d1, { anchor: 'baseline' }).s1, low: null, high: null, replicates: 0 });
    expect(bradleyTerryBootstrap([d1, []], 100, 'x', { anchor: 'baseline' }).s1!.low).toBeNull();
  });

  it('requires a prior > 0 and valid options', () => {
    expect(() => bradleyTerryBootstrap(byPrompt, 100, 'x', { prior: 0 })).toThrow(RangeError);
    expect(() => bradleyTerryBootstrap(byPrompt, 0, 'x')).toThrow(RangeError);
  });
});
