import { describe, expect, it } from 'vitest';
import { applyJudgment, undoLastJudgment } from '@/lib/evaluation/blind';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { newBlindToken, newOrderSecret } from '@/lib/evaluation/secret';
import type { BlindPair } from '@/lib/sessions/schema';
import { generatedSession } from '../../helpers/generated-session';

const STRENGTHS = [0, 0.25, 0.5, 1];
const group = (p: BlindPair) => `${p.prompt_index}_${p.seed_index}`;
const isPlacebo = (p: BlindPair) => p.strength === 0 && p.versus_strength_index === null;

/** How often each picture (image id; strength 0 counts as its baseline, the same picture) is shown in `pairs`. */
function shown(pairs: BlindPair[]): Map<string, number> {
  const count = new Map<string, number>();
  for (const p of pairs) {
    for (const id of [p.baseline_image_id, p.lora_image_id]) {
      const picture = id.endsWith('_0') && id.startsWith('lora_') ? id.replace(/^lora_(\d+)_(\d+)_0$/, 'baseline_$1_$2') : id;
      count.set(picture, (count.get(picture) ?? 0) + 1);
    }
  }
  return count;
}

describe('the balanced design', () => {
  const s = generatedSession('20240115_143022', { design: 'balanced', weight_range: STRENGTHS, seeds: [1, 2, 3] });
  const results = s.step_2_generation.results;

  it('shows every picture of a prompt and seed in exactly two pairs, and the placebo only against its baseline', () => {
    for (let trial = 0; trial < 20; trial++) {
      const order = makeBlindPairs(newOrderSecret(), results, newBlindToken, 0, 'balanced');
      // 2 prompts × 3 seeds × (a cycle of 4 pictures + 1 placebo).
      expect(order).toHaveLength(6 * 5);
      const placebos = order.filter(isPlacebo);
      expect(placebos).toHaveLength(6);
      for (const p of placebos) expect(p.baseline_image_id).toBe(`baseline_${p.prompt_index}_${p.seed_index}`);
      expect(new Set(shown(order.filter((p) => !isPlacebo(p))).values())).toEqual(new Set([2]));
      // Some pairs are between two strengths, the lower one in the baseline's place.
      const between = order.filter((p) => p.versus_strength_index !== null);
      expect(between.length).toBeGreaterThan(0);
      for (const p of between) expect(STRENGTHS[p.versus_strength_index!]!).toBeLessThan(p.strength);
    }
  });

  it('puts each placebo after every other pair of its prompt and seed, with another pair between where it can', () => {
    let adjacent = 0;
    for (let trial = 0; trial < 50; trial++) {
      const order = makeBlindPairs(newOrderSecret(), results, newBlindToken, 0, 'balanced');
      order.forEach((p, i) => {
        if (!isPlacebo(p)) return;
        const last = order.findLastIndex((q) => !isPlacebo(q) && group(q) === group(p));
        expect(i).toBeGreaterThan(last);
        if (i === last + 1) adjacent++;
      });
    }
    // 300 placebos: right after their own group only when that group's last pair was at the very end.
    expect(adjacent).toBeLessThan(30);
  });

  it('the direct design pairs the baseline with every strength, so the baseline recurs', () => {
    const order = makeBlindPairs(newOrderSecret(), results, newBlindToken, 0, 'direct');
    expect(order).toHaveLength(6 * 4);
    expect(order.every((p) => p.versus_strength_index === null)).toBe(true);
    const counts = shown(order.filter((p) => !isPlacebo(p)));
    expect(counts.get('baseline_0_0')).toBe(3);
    expect(counts.get('lora_0_0_1')).toBe(1);
  });

  it('never repeats a placebo as a control', () => {
    for (let trial = 0; trial < 20; trial++) {
      const order = makeBlindPairs(newOrderSecret(), results, newBlindToken, 0.5, 'balanced');
      expect(order.filter((p) => p.repeat).length).toBe(12);
      expect(order.filter((p) => p.repeat && isPlacebo(p))).toEqual([]);
    }
  });
});

describe('undo', () => {
  it('takes back the last judgment once; a second undo in a row is refused', () => {
    const s = generatedSession();
    const choices = { Quality: 'left', Style: 'tie', Coherence: 'right' } as const;
    for (const index of [0, 1, 2]) applyJudgment(s, { index, choices }, 'now');
    undoLastJudgment(s);
    expect(s.step_3_evaluation.current_eval_index).toBe(2);
    expect(() => undoLastJudgment(s)).toThrow(/only the last judgment/);
    applyJudgment(s, { index: 2, choices }, 'now');
    undoLastJudgment(s);
    expect(s.step_3_evaluation.current_eval_index).toBe(2);
  });
});
