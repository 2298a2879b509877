import { describe, expect, it } from 'vitest';
import { fleissKappa, raterAgreement } from '@/lib/report/agreement';
import type { Score, Winner } from '@/lib/sessions/schema';

/**
 * Reference values computed independently with /usr/bin/python3 (statsmodels 0.13.5), written here as literals.
 * Each comment names the exact call.
 */

const DIGITS = 12;

describe('fleissKappa', () => {
  it('matches statsmodels on Fleiss-style tables', () => {
    // The worked example of the Wikipedia article "Fleiss' kappa" (10 subjects, 14 raters, 5 categories):
    // statsmodels.stats.inter_rater.fleiss_kappa([[0,0,0,0,14],[0,2,6,4,2],[0,0,3,5,6],[0,3,9,2,0],[2,2,8,1,1],
    //   [7,7,0,0,0],[3,2,6,3,0],[2,5,3,2,2],[6,5,2,1,0],[0,2,2,3,7]], method='fleiss') -> 0.20993070442195522
    const wiki = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    expect(fleissKappa(wiki)).toBeCloseTo(0.20993070442195522, DIGITS);

    // fleiss_kappa([[0,0,3],[1,1,1],[0,3,0],[2,1,0],[3,0,0],[1,0,2]], method='fleiss') -> 0.4112149532710281
    const t3 = [
      [0, 0, 3],
      [1, 1, 1],
      [0, 3, 0],
      [2, 1, 0],
      [3, 0, 0],
      [1, 0, 2],
    ];
    expect(fleissKappa(t3)).toBeCloseTo(0.4112149532710281, DIGITS);
  });

  it('is 1 with perfect agreement', () => {
    // fleiss_kappa([[3,0],[0,3],[3,0]], method='fleiss') -> 1.0
    expect(
      fleissKappa([
        [3, 0],
        [0, 3],
        [3, 0],
      ]),
    ).toBe(1);
  });

  it('is 0 when agreement is at chance, and negative below it', () => {
    // fleiss_kappa([[2,0],[0,2],[1,1],[1,1]], method='fleiss') -> 0.0
    expect(
      fleissKappa([
        [2, 0],
        [0, 2],
        [1, 1],
        [1, 1],
      ]),
    ).toBeCloseTo(0, DIGITS);
    // fleiss_kappa([[1,1],[1,1],[1,1]], method='fleiss') -> -1.0
    expect(
      fleissKappa([
        [1, 1],
        [1, 1],
        [1, 1],
      ]),
    ).toBeCloseTo(-1, DIGITS);
  });

  it('is null when undefined: one category used, fewer than 2 ratings per subject, no subjects', () => {
    // fleiss_kappa([[3,0],[3,0]], method='fleiss') -> nan (0/0)
    expect(
      fleissKappa([
        [3, 0],
        [3, 0],
      ]),
    ).toBeNull();
    expect(fleissKappa([[3], [3]])).toBeNull();
    expect(
      fleissKappa([
        [1, 0],
        [0, 1],
      ]),
    ).toBeNull();
    expect(
      fleissKappa([
        [0, 0],
        [0, 0],
      ]),
    ).toBeNull();
    expect(fleissKappa([])).toBeNull();
  });

  it('does not depend on the order of subjects or categories', () => {
    const t = [
      [0, 0, 3],
      [1, 1, 1],
      [0, 3, 0],
      [2, 1, 0],
    ];
    const k = fleissKappa(t)!;
    expect(fleissKappa([...t].reverse())).toBeCloseTo(k, DIGITS);
    expect(fleissKappa(t.map((r) => [...r].reverse()))).toBeCloseTo(k, DIGITS);
  });

  it('throws on unequal raters per subject, ragged rows or bad counts', () => {
    expect(() =>
      fleissKappa([
        [2, 1],
        [1, 1],
      ]),
    ).toThrow(RangeError);
    expect(() =>
      fleissKappa([
        [2, 1],
        [1, 1, 1],
      ]),
    ).toThrow(RangeError);
    expect(() =>
      fleissKappa([
        [2, -1],
        [1, 0],
      ]),
    ).toThrow(RangeError);
    expect(() =>
      fleissKappa([
        [1.5, 0.5],
        [1, 1],
      ]),
    ).toThrow(RangeError);
  });
});

let clock = 0;
function score(rater: string, pair_id: string, metric: string, winner: Winner, left: 'baseline' | 'lora' = 'baseline'): Score {
  clock++;
  return {
    pair_id,
    metric,
    winner,
    left,
    rater,
    rating: null,
    same_image: false,
    at: `2024-01-01T00:00:${String(clock).padStart(2, '0')}Z`,
  };
}

// Role-level verdicts (0 = baseline, 1 = tie, 2 = lora) of alice, bob, carol on the items every one of them judged:
//   (pA, Quality) 2 2 2   (pA, Style) 0 2 1   (pB, Quality) 0 0 0   (pB, Style) 1 1 2   (pC, Quality) 2 2 0
// Left out: (pC, Style) bob skipped; (pD, Quality) carol did not judge; (pD, Style) all "both bad".
const scores: Score[] = [
  score('alice', 'pA', 'Quality', 'baseline', 'lora'), // superseded below
  score('alice', 'pA', 'Quality', 'lora', 'lora'),
  score('bob', 'pA', 'Quality', 'lora', 'baseline'),
  score('carol', 'pA', 'Quality', 'lora', 'lora'),
  score('alice', 'pA', 'Style', 'baseline', 'lora'),
  score('bob', 'pA', 'Style', 'lora', 'baseline'),
  score('carol', 'pA', 'Style', 'tie', 'lora'),
  score('alice', 'pB', 'Quality', 'baseline', 'baseline'),
  score('bob', 'pB', 'Quality', 'baseline', 'lora'),
  score('carol', 'pB', 'Quality', 'baseline', 'baseline'),
  score('alice', 'pB', 'Style', 'tie', 'baseline'),
  score('bob', 'pB', 'Style', 'tie', 'lora'),
  score('carol', 'pB', 'Style', 'lora', 'baseline'),
  score('alice', 'pC', 'Quality', 'lora', 'lora'),
  score('bob', 'pC', 'Quality', 'lora', 'baseline'),
  score('carol', 'pC', 'Quality', 'baseline', 'lora'),
  score('alice', 'pC', 'Style', 'lora', 'lora'),
  score('bob', 'pC', 'Style', 'skip', 'lora'),
  score('carol', 'pC', 'Style', 'lora', 'baseline'),
  score('alice', 'pD', 'Quality', 'lora', 'baseline'),
  score('bob', 'pD', 'Quality', 'lora', 'lora'),
  score('alice', 'pD', 'Style', 'both_bad', 'baseline'),
  score('bob', 'pD', 'Style', 'both_bad', 'lora'),
  score('carol', 'pD', 'Style', 'both_bad', 'baseline'),
];

describe('raterAgreement', () => {
  it('three raters: kappa over the items all judged, at the role level', () => {
    // data = [[2,2,2],[0,2,1],[0,0,0],[1,1,2],[2,2,0]]
    // t, _ = statsmodels.stats.inter_rater.aggregate_raters(data, n_cat=3)
    // fleiss_kappa(t, method='fleiss') -> 0.26056338028169024
    // P̄ = ((t**2).sum(1) - 3).mean() / (3*2) -> 0.5333333333333333
    const r = raterAgreement(scores);
    expect(r.raters).toEqual(['alice', 'bob', 'carol']);
    expect(r.subjects).toBe(5);
    expect(r.kappa).toBeCloseTo(0.26056338028169024, DIGITS);
    expect(r.percent_agreement).toBeCloseTo(0.5333333333333333, DIGITS);
  });

  it('two raters: percent agreement is the share of items on which they agree', () => {
    // alice & bob share 6 items (pC Style left out: bob skipped):
    // data = [[2,2],[0,2],[0,0],[1,1],[2,2],[2,2]]
    // fleiss_kappa(aggregate_raters(data, n_cat=3)[0], method='fleiss') -> 0.7073170731707317
    const r = raterAgreement(scores, { raters: ['alice', 'bob'] });
    expect(r.raters).toEqual(['alice', 'bob']);
    expect(r.subjects).toBe(6);
    expect(r.kappa).toBeCloseTo(0.7073170731707317, DIGITS);
    expect(r.percent_agreement).toBeCloseTo(5 / 6, DIGITS);
  });

  it('per metric, and with "both bad" as a category of its own', () => {
    // Quality only: data = [[2,2,2],[0,0,0],[2,2,0]]
    // fleiss_kappa(aggregate_raters(data, n_cat=3)[0], method='fleiss') -> 0.55
    const q = raterAgreement(scores, { metrics: ['Quality'] });
    expect(q.subjects).toBe(3);
    expect(q.kappa).toBeCloseTo(0.55, DIGITS);

    // With both_bad as category 3: data = [[2,2,2],[0,2,1],[0,0,0],[1,1,2],[2,2,0],[3,3,3]]
    // fleiss_kappa(aggregate_raters(data, n_cat=4)[0], method='fleiss') -> 0.45689655172413796
    // P̄ = ((t**2).sum(1) - 3).mean() / (3*2) -> 0.611111111111111
    const b = raterAgreement(scores, { bothBadAsCategory: true });
    expect(b.subjects).toBe(6);
    expect(b.kappa).toBeCloseTo(0.45689655172413796, DIGITS);
    expect(b.percent_agreement).toBeCloseTo(0.611111111111111, DIGITS);
  });

  it('restricts to the given pair ids', () => {
    const r = raterAgreement(scores, { pairIds: ['pB'] });
    // data = [[0,0,0],[1,1,2]] -> fleiss_kappa(aggregate_raters(data, n_cat=3)[0], method='fleiss') -> 0.4545454545454544
    expect(r.subjects).toBe(2);
    expect(r.kappa).toBeCloseTo(0.4545454545454544, DIGITS);
  });

  it('a later skip supersedes an earlier verdict', () => {
    const later = [...scores, score('carol', 'pA', 'Quality', 'skip')];
    expect(raterAgreement(later).subjects).toBe(4);
  });

  it('is null with fewer than 2 raters or no shared items', () => {
    const one = raterAgreement(scores.filter((s) => s.rater === 'alice'));
    expect(one).toEqual({ raters: ['alice'], subjects: 0, kappa: null, percent_agreement: null });
    expect(raterAgreement([])).toEqual({ raters: [], subjects: 0, kappa: null, percent_agreement: null });
    const disjoint = [score('a', 'p1', 'Quality', 'lora'), score('b', 'p2', 'Quality', 'lora')];
    expect(raterAgreement(disjoint)).toEqual({ raters: ['a', 'b'], subjects: 0, kappa: null, percent_agreement: null });
  });

  it('kappa null but agreement 1 when everyone always picks the same role', () => {
    const same = [
      score('a', 'p1', 'Quality', 'lora'),
      score('b', 'p1', 'Quality', 'lora', 'lora'),
      score('a', 'p2', 'Quality', 'lora'),
      score('b', 'p2', 'Quality', 'lora', 'lora'),
    ];
    expect(raterAgreement(same)).toEqual({ raters: ['a', 'b'], subjects: 2, kappa: null, percent_agreement: 1 });
  });

  it('perfect agreement gives kappa 1 whatever side each rater saw', () => {
    const perfect = [
      score('a', 'p1', 'Quality', 'lora', 'lora'),
      score('b', 'p1', 'Quality', 'lora', 'baseline'),
      score('a', 'p2', 'Quality', 'baseline', 'baseline'),
      score('b', 'p2', 'Quality', 'baseline', 'lora'),
    ];
    const r = raterAgreement(perfect);
    expect(r.kappa).toBe(1);
    expect(r.percent_agreement).toBe(1);
  });
});
