import { describe, expect, it } from 'vitest';
import { applyJudgment } from '@/lib/evaluation/blind';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { reportExtras } from '@/lib/report/extras';
import { buildReport } from '@/lib/report/report';
import { generatedSession } from '../../helpers/generated-session';

const all = (v: 'left' | 'right' | 'tie') => ({ Quality: v, Style: v, Coherence: v });
let n = 0;
const token = () => (n++).toString(16).padStart(32, '0');

describe('report extras', () => {
  it('measures self-consistency on repeated pairs shown with sides swapped', () => {
    const s = generatedSession();
    s.step_2_generation.shuffled_results = makeBlindPairs(s.session_id, s.step_2_generation.results, token, 0.25, 'direct');
    const order = s.step_2_generation.shuffled_results;
    // 25% of the 8 non-placebo pairs (placebos are never repeated: they tell their baseline).
    expect(order.filter((p) => p.repeat)).toHaveLength(2);
    // Always pick the LoRA, whatever side it is on: perfectly consistent.
    order.forEach((p, i) => applyJudgment(s, { index: i, choices: all(p.left === 'lora' ? 'left' : 'right') }, 'now'));
    const extras = reportExtras(s, buildReport(s));
    expect(extras.self_consistency).toEqual([{ rater: 'default', repeats: 6, consistent: 6, rate: 1 }]);
    // Repeats never count twice: 12 pairs, each once in the pooled rows and on 3 metrics in the cells.
    expect(buildReport(s).pooled.reduce((a, c) => a + c.n, 0)).toBe(12);
    expect(buildReport(s).cells.reduce((a, c) => a + c.n, 0)).toBe(36);
  });

  it('finds an always-left rater inconsistent on repeats', () => {
    const s = generatedSession();
    s.step_2_generation.shuffled_results = makeBlindPairs(s.session_id, s.step_2_generation.results, token, 0.25, 'direct');
    s.step_2_generation.shuffled_results.forEach((_, i) => applyJudgment(s, { index: i, choices: all('left') }, 'now'));
    const [c] = reportExtras(s, buildReport(s)).self_consistency;
    expect(c).toMatchObject({ repeats: 6, consistent: 0, rate: 0 });
  });

  it('counts seeds and the most decisive pairs', () => {
    const s = generatedSession();
    s.step_2_generation.shuffled_results.forEach((p, i) =>
      applyJudgment(s, { index: i, choices: all(p.strength === 1 ? (p.left === 'lora' ? 'left' : 'right') : 'tie') }, 'now'),
    );
    const extras = reportExtras(s, buildReport(s));
    // One verdict per pair: per seed, 2 pairs at strength 1 (LoRA wins) and 2 at the other strengths (ties).
    expect(extras.per_seed.map((r) => [r.seed, r.lora_wins, r.ties])).toEqual([
      [898938, 2, 2],
      [898939, 2, 2],
    ]);
    expect(extras.decisive).toHaveLength(4);
    expect(extras.decisive.every((id) => id.endsWith('_k2'))).toBe(true);
  });
});
