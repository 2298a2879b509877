import { describe, expect, it } from 'vitest';
import { reportExtras } from '@/lib/report/extras';
import { countJudgments } from '@/lib/report/judgments';
import { raterReports } from '@/lib/report/raters';
import { buildReport } from '@/lib/report/report';
import type { Score, Session, Winner } from '@/lib/sessions/schema';
import { generatedSession } from '../../helpers/generated-session';

const score = (s: Session, i: number, metric: string, winner: Winner, rater: string, at = 'now'): Score => {
  const p = s.step_2_generation.shuffled_results[i]!;
  return { pair_id: p.pair_id, metric, winner, left: p.left, rater, rating: null, same_image: false, at };
};

/** Three raters over the 12 pairs, verdicts from a fixed pattern, with a re-judged pair and an unknown pair. */
function threeRaters(): Session {
  const s = generatedSession();
  const winners: Winner[] = ['lora', 'baseline', 'lora', 'tie', 'lora', 'skip', 'both_bad', 'lora'];
  const scores: Score[] = [];
  ['ann', 'bob', 'cy'].forEach((rater, r) => {
    s.step_2_generation.shuffled_results.forEach((_, i) => {
      if ((i + r) % 5 === 0) return; // each rater leaves some pairs out
      for (const [m, metric] of s.step_1_setup.metrics.entries()) scores.push(score(s, i, metric, winners[(i * 3 + m + r) % 8]!, rater));
    });
  });
  scores.push(score(s, 1, 'Quality', 'baseline', 'ann', 'later')); // supersedes ann's first verdict
  scores.push({ ...score(s, 0, 'Quality', 'lora', 'bob'), pair_id: 'p9_s0_k1' }); // an unknown pair
  s.step_3_evaluation.scores = scores;
  return s;
}

describe('countJudgments', () => {
  it('counts the last score of each (pair, metric, rater), in evaluation order of the latest', () => {
    const s = generatedSession();
    const first = score(s, 0, 'Quality', 'lora', 'ann', 't1');
    const other = score(s, 1, 'Quality', 'tie', 'ann', 't2');
    const again = score(s, 0, 'Quality', 'baseline', 'ann', 't3');
    const bob = score(s, 0, 'Quality', 'lora', 'bob', 't4');
    const unknownMetric = score(s, 2, 'Removed metric', 'lora', 'ann', 't5');
    s.step_3_evaluation.scores = [first, other, again, bob, unknownMetric];
    const j = countJudgments(s);
    expect(j.scores).toEqual([other, again, bob]);
    expect(j.raters).toEqual(['ann', 'bob']);
    expect(j.scoresPerRater).toEqual([4, 1]);
  });
});

describe('raterReports', () => {
  it("is buildReport's pooled rows and position bias over each rater's own scores", () => {
    const s = threeRaters();
    const got = raterReports(s);
    expect(got.map((r) => r.name)).toEqual(['ann', 'bob', 'cy']);
    for (const r of got) {
      const own = s.step_3_evaluation.scores.filter((x) => x.rater === r.name);
      const alone = buildReport({ ...s, step_3_evaluation: { ...s.step_3_evaluation, scores: own } });
      expect(r.judgments).toBe(own.length);
      // The same counts; a rater's own rows carry no inference.
      const counts = ({ lora_wins, baseline_wins, ties, skips, both_bad, n }: (typeof r.pooled)[number]) => [
        lora_wins,
        baseline_wins,
        ties,
        skips,
        both_bad,
        n,
      ];
      expect(r.pooled.map(counts)).toEqual(alone.pooled.map(counts));
      expect(r.pooled.every((c) => c.ci_low === null && c.estimate === null)).toBe(true);
      expect(r.position_bias).toEqual(alone.position_bias);
    }
    expect(got[0]!.judgments).toBe(28); // 9 pairs (0, 5 and 10 left out) × 3 metrics + the re-judged one
  });
});

describe('reportExtras', () => {
  it('counts what buildReport counts: a score on a metric not in Setup changes nothing', () => {
    const s = threeRaters();
    const before = reportExtras(s, buildReport(s));
    s.step_3_evaluation.scores.push(score(s, 3, 'Removed metric', 'lora', 'ann'), score(s, 4, 'Removed metric', 'baseline', 'cy'));
    const after = reportExtras(s, buildReport(s));
    expect(after.cell_extras).toEqual(before.cell_extras);
    expect(after.ranking).toEqual(before.ranking);
    expect(after.per_seed).toEqual(before.per_seed);
    expect(after.agreement).toEqual(before.agreement);
    // Raters' own counts say how many scores they gave, counted or not.
    expect(after.raters[0]!.judgments).toBe(before.raters[0]!.judgments + 1);
  });
});
