import { describe, expect, it } from 'vitest';
import { applyJudgment, type Choice } from '@/lib/evaluation/blind';
import { reportForClient } from '@/lib/report/service';
import type { BlindPair } from '@/lib/sessions/schema';
import { generatedSession } from '../../helpers/generated-session';

const STRENGTHS = [0, 0.5, 1, 1.5];

/** A balanced session whose every verdict prefers the higher `quality(strength)` (baseline: quality(0)). */
function judgedBalanced(quality: (strength: number) => number, prompts = 6) {
  const s = generatedSession('20240115_143022', {
    design: 'balanced',
    weight_range: STRENGTHS,
    seeds: [1, 2, 3, 4, 5, 6],
    prompt_pairs: Array.from({ length: prompts }, (_, i) => ({ positive: `prompt ${i}`, negative: '', append_trigger: false })),
  });
  const strengthOf = (p: BlindPair, role: 'lora' | 'baseline') =>
    role === 'lora' ? p.strength : p.versus_strength_index === null ? 0 : STRENGTHS[p.versus_strength_index]!;
  s.step_2_generation.shuffled_results.forEach((p, index) => {
    const right = p.left === 'lora' ? 'baseline' : 'lora';
    const [l, r] = [quality(strengthOf(p, p.left)), quality(strengthOf(p, right))];
    const c: Choice = l === r ? 'tie' : l > r ? 'left' : 'right';
    applyJudgment(s, { index, choices: { Quality: c, Style: c, Coherence: c } }, 'now');
  });
  return s;
}

describe('the report of a balanced session', () => {
  it('fits Bradley–Terry over all comparisons and recommends from it; the tables count the direct ones', () => {
    // Best at 1, worse at 1.5 than at 1, every strength better than the baseline.
    const s = judgedBalanced((x) => (x === 0 ? 0 : x === 1 ? 3 : x === 0.5 ? 1 : 2));
    const report = reportForClient(s);
    expect(report.design).toBe('balanced');
    expect(report.scores_ignored).toBe(0);
    const between = s.step_2_generation.shuffled_results.filter((p) => p.versus_strength_index !== null).length * 3;
    expect(report.between_judgments).toBe(between);
    // Tables: direct comparisons only; the pooled n counts each pair against the baseline once.
    const direct = s.step_2_generation.shuffled_results.filter((p) => p.versus_strength_index === null && p.strength !== 0).length;
    expect(report.pooled.filter((c) => !c.placebo).reduce((a, c) => a + c.n, 0)).toBe(direct);
    expect(report.cells.filter((c) => !c.placebo).reduce((a, c) => a + c.n, 0)).toBe(direct * 3);
    // The fit orders the strengths as the verdicts do, and the headline recommends 1.
    expect(report.ranking.slice(0, 3).map((r) => r.label)).toEqual(['LoRA 1', 'LoRA 1.5', 'LoRA 0.5']);
    // The placebo ties the baseline every time: no decisive pair, so no place in the ranking.
    expect(report.placebo).toMatchObject({ n: 0, ties: 36, biased: false });
    expect(report.ranking.some((r) => r.strength === 0)).toBe(false);
    const one = report.ranking.find((r) => r.strength === 1)!;
    expect(one.beats_baseline).toBeGreaterThan(0.9);
    expect(report.recommendation).toMatchObject({ strength: 1, strength_index: 2 });
    expect(report.recommendation.reason).toMatch(/each pair counted once, over 6 prompts/);
    // Every verdict agrees with the truth, so 1 is also better than 1.5 and 0.5: settled.
    expect(report.settled.settled).toBe(true);
    // Strength pairs are revealed with both strengths named.
    const row = report.reveal.find((r) => r.versus_strength !== null)!;
    expect(row.versus_strength).toBeLessThan(row.strength);
  });

  it('recommends nothing when the LoRA never beats the baseline', () => {
    const report = reportForClient(judgedBalanced((x) => (x === 0 ? 5 : -x)));
    expect(report.recommendation.strength).toBeNull();
    expect(report.settled).toMatchObject({ settled: true, reason: expect.stringMatching(/worse than the baseline/) });
  });

  it('says why nothing is recommended with one prompt: it says nothing beyond that prompt', () => {
    const report = reportForClient(judgedBalanced((x) => x, 1));
    expect(report.ranking.some((r) => r.strength === 1)).toBe(true);
    expect(report.recommendation).toMatchObject({
      strength: null,
      reason: expect.stringMatching(/^One prompt: this says nothing beyond this prompt/),
    });
  });
});
