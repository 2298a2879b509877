import { describe, expect, it } from 'vitest';
import { applyJudgment, blindPair, blindSides, evaluationView, undoLastJudgment } from '@/lib/evaluation/blind';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { toClientSession } from '@/lib/sessions/view';
import { generatedSession } from '../../helpers/generated-session';

const ROLE_WORDS = /baseline|lora|strength|prompt_index|seed|\.png|my_lora/i;

describe('blind pairing', () => {
  it('pairs every LoRA image with the baseline of the same prompt and seed', () => {
    const pairs = generatedSession().step_2_generation.shuffled_results;
    expect(pairs).toHaveLength(2 * 2 * 3);
    for (const p of pairs) {
      expect(p.baseline_image_id).toBe(`baseline_${p.prompt_index}_${p.seed_index}`);
      expect(p.lora_image_id).toBe(`lora_${p.prompt_index}_${p.seed_index}_${p.strength_index}`);
    }
    expect(new Set(pairs.map((p) => p.pair_id)).size).toBe(12);
    expect(new Set(pairs.map((p) => p.token)).size).toBe(12);
  });

  it('makes the same order and sides from the same session id, and another from another id', () => {
    const s = generatedSession();
    const results = s.step_2_generation.results;
    let n = 0;
    const token = () => (n++).toString(16).padStart(32, '0');
    const a = makeBlindPairs('20240115_143022', results, token, 0, 'direct').map((p) => [p.pair_id, p.left]);
    const b = makeBlindPairs('20240115_143022', results, token, 0, 'direct').map((p) => [p.pair_id, p.left]);
    const c = makeBlindPairs('20240115_143023', results, token, 0, 'direct').map((p) => [p.pair_id, p.left]);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    // Shuffled: not the generation order, and both sides are used.
    const inOrder = results.filter((r) => r.role === 'lora').map((r) => `p${r.prompt_index}_s${r.seed_index}_k${r.strength_index}`);
    expect(a.map((x) => x[0])).not.toEqual(inOrder);
    expect(new Set(a.map((x) => x[1]))).toEqual(new Set(['lora', 'baseline']));
  });

  it('leaves out pairs whose images did not both finish', () => {
    const s = generatedSession();
    const results = s.step_2_generation.results.map((r) =>
      r.image_id === 'baseline_0_0' || r.image_id === 'lora_1_1_2' ? { ...r, status: 'failed' as const } : r,
    );
    const pairs = makeBlindPairs(s.session_id, results, () => '0'.repeat(32), 0, 'direct');
    expect(pairs).toHaveLength(12 - 3 - 1);
    expect(pairs.some((p) => p.baseline_image_id === 'baseline_0_0' || p.lora_image_id === 'lora_1_1_2')).toBe(false);
  });
});

describe('what the browser sees during evaluation', () => {
  it('the evaluation view and the client session carry no role, strength, prompt or file name', () => {
    const s = generatedSession();
    const view = JSON.stringify(evaluationView(s));
    expect(view).not.toMatch(ROLE_WORDS);
    expect(view).toContain('/blind/');
    const client = toClientSession(s);
    expect(client).not.toHaveProperty('step_2_generation.shuffled_results');
    expect(client).not.toHaveProperty('step_3_evaluation.scores');
    expect(JSON.stringify(client.step_3_evaluation)).not.toMatch(/"left"|"right"|winner/);
  });

  it('serves each side from the stored assignment', () => {
    const s = generatedSession();
    for (const p of s.step_2_generation.shuffled_results) {
      const { left, right } = blindSides(blindPair(s, p.token));
      expect(left).toBe(p.left === 'lora' ? p.lora_image_id : p.baseline_image_id);
      expect(right).toBe(p.left === 'lora' ? p.baseline_image_id : p.lora_image_id);
    }
    expect(() => blindPair(s, 'f'.repeat(32))).toThrow(/no such blind image/);
  });
});

describe('judgments', () => {
  it('translates left/right into baseline/lora with the stored sides and advances', () => {
    const s = generatedSession();
    const pair = s.step_2_generation.shuffled_results[0]!;
    applyJudgment(s, { index: 0, choices: { Quality: 'left', Style: 'right', Coherence: 'tie' } }, '2024-01-01T00:00:00Z');
    const other = pair.left === 'lora' ? 'baseline' : 'lora';
    expect(s.step_3_evaluation.scores.map((x) => [x.metric, x.winner, x.left, x.pair_id])).toEqual([
      ['Quality', pair.left, pair.left, pair.pair_id],
      ['Style', other, pair.left, pair.pair_id],
      ['Coherence', 'tie', pair.left, pair.pair_id],
    ]);
    expect(s.step_3_evaluation.current_eval_index).toBe(1);
    expect(evaluationView(s).index).toBe(1);
  });

  it('refuses a repeated or out-of-turn index, and missing or unknown metrics', () => {
    const s = generatedSession();
    const all = { Quality: 'left', Style: 'left', Coherence: 'left' } as const;
    applyJudgment(s, { index: 0, choices: all }, 'now');
    expect(() => applyJudgment(s, { index: 0, choices: all }, 'now')).toThrow(/not the current pair/);
    expect(() => applyJudgment(s, { index: 1, choices: { Quality: 'left' } }, 'now')).toThrow(/Style, Coherence/);
    expect(() => applyJudgment(s, { index: 1, choices: { ...all, Speed: 'tie' } }, 'now')).toThrow(/unknown metric: Speed/);
    expect(s.step_3_evaluation.scores).toHaveLength(3);
  });

  it('completes after the last pair and undo steps back', () => {
    const s = generatedSession();
    const total = s.step_2_generation.shuffled_results.length;
    for (let i = 0; i < total; i++) applyJudgment(s, { index: i, choices: { Quality: 'tie', Style: 'tie', Coherence: 'tie' } }, 'now');
    expect(s.step_3_evaluation.evaluation_complete).toBe(true);
    expect(evaluationView(s)).toMatchObject({ complete: true, pair: null, judged: total });
    undoLastJudgment(s);
    expect(s.step_3_evaluation.evaluation_complete).toBe(false);
    expect(s.step_3_evaluation.current_eval_index).toBe(total - 1);
    expect(s.step_3_evaluation.scores).toHaveLength((total - 1) * 3);
  });

  it('undo from a screen that shows an older pair (another tab moved on) takes nothing back', () => {
    const s = generatedSession();
    const all = { Quality: 'left', Style: 'tie', Coherence: 'right' } as const;
    applyJudgment(s, { index: 0, choices: all }, 'now');
    // Tab A still shows pair 1 (index 0); tab B judged it and shows pair 2.
    expect(() => undoLastJudgment(s, undefined, 0)).toThrow(/shows pair 1/);
    expect(s.step_3_evaluation.scores).toHaveLength(3);
    expect(s.step_3_evaluation.current_eval_index).toBe(1);
    undoLastJudgment(s, undefined, 1);
    expect(s.step_3_evaluation.scores).toHaveLength(0);
  });

  it('refuses evaluation before generation is complete', () => {
    const s = generatedSession();
    s.step_2_generation.generation_complete = false;
    expect(() => evaluationView(s)).toThrow(/once generation is complete/);
  });
});
