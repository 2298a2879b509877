import { describe, expect, it } from 'vitest';
import { applyJudgment } from '@/lib/evaluation/blind';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { adaptNext, raterAddedEvent, raterState } from '@/lib/evaluation/raters';
import { applyEvent } from '@/lib/sessions/events';
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

  it('adaptive order serves next the strength with the widest interval, and never moves a placebo', () => {
    const s = generatedSession();
    s.step_1_setup.adaptive = true;
    applyEvent(s, raterAddedEvent(s, 'ann')!, '2026-01-01T00:00:00Z');
    // Judge two pairs of whatever comes; each must be a strength not yet tried (strength 0 is a placebo and stays put).
    for (let i = 0; i < 2; i++) {
      adaptNext(s, 'ann');
      const st = raterState(s, 'ann')!;
      const tried = new Set(st.order.slice(0, i).map((p) => p.strength_index));
      expect(tried.has(st.order[i]!.strength_index)).toBe(false);
      expect(st.order[i]!.strength).not.toBe(0);
      // Decisive verdicts narrow a strength's interval; ties would leave every strength untried.
      applyJudgment(s, { index: i, choices: all('left'), rater: 'ann' }, 'now');
    }
    const st = raterState(s, 'ann')!;
    expect(new Set(st.order.slice(0, 2).map((p) => p.strength_index))).toEqual(new Set([1, 2]));
  });
});
