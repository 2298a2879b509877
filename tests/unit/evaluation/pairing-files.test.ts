import { describe, expect, it } from 'vitest';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { newBlindToken, newOrderSecret } from '@/lib/evaluation/secret';
import { BlindPairSchema, type BlindPair } from '@/lib/sessions/schema';
import { generatedSession } from '../../helpers/generated-session';

// The balanced design over several LoRA files (issue 15): one cycle per (prompt, seed) through the baseline and every
// non-placebo variant of every file, the placebo (strength 0, file 0 only) against the baseline alone.
const FILES = ['run-000004.safetensors', 'run-000008.safetensors', 'run-000012.safetensors'];
const s = generatedSession('20240115_143022', {
  design: 'balanced',
  lora_filename: FILES[0],
  lora_files: FILES,
  weight_range: [0, 0.5, 1],
  seeds: [1, 2],
});
const results = s.step_2_generation.results;
const isPlacebo = (p: BlindPair) => p.strength === 0 && p.versus_strength_index === null;
const variant = (f: number | undefined, k: number | null) => (k === null ? 'baseline' : `f${f ?? 0}_k${k}`);

describe('balanced pairs over several files', () => {
  it('puts every picture (baseline and each of the 6 variants) in exactly two pairs of its group, the placebo apart', () => {
    for (let trial = 0; trial < 20; trial++) {
      const order = makeBlindPairs(newOrderSecret(), results, newBlindToken, 0, 'balanced');
      // 2 prompts × 2 seeds × (a cycle of 7 pictures + 1 placebo).
      expect(order).toHaveLength(4 * 8);
      const placebos = order.filter(isPlacebo);
      expect(placebos).toHaveLength(4);
      for (const p of placebos)
        expect([p.lora_index, p.baseline_image_id]).toEqual([undefined, `baseline_${p.prompt_index}_${p.seed_index}`]);
      const shown = new Map<string, number>();
      for (const p of order.filter((q) => !isPlacebo(q))) {
        for (const v of [variant(p.lora_index, p.strength_index), variant(p.versus_lora_index, p.versus_strength_index)]) {
          const key = `${p.prompt_index}_${p.seed_index}_${v}`;
          shown.set(key, (shown.get(key) ?? 0) + 1);
        }
      }
      expect(shown.size).toBe(4 * 7);
      expect(new Set(shown.values())).toEqual(new Set([2]));
      for (const p of order) expect(BlindPairSchema.parse(p)).toEqual(p);
    }
  });

  it('names each side by its file: the earlier file (or the baseline) in the baseline place, ids and images agreeing', () => {
    const order = makeBlindPairs(newOrderSecret(), results, newBlindToken, 0, 'balanced');
    for (const p of order) {
      const hi = p.lora_index ?? 0;
      const lo = p.versus_lora_index ?? 0;
      expect(p.lora_image_id).toBe(`lora_${p.prompt_index}_${p.seed_index}_${p.strength_index}${hi ? `_f${hi}` : ''}`);
      if (p.versus_strength_index === null) {
        expect(p.versus_lora_index).toBeUndefined();
        expect(p.pair_id).toBe(`p${p.prompt_index}_s${p.seed_index}_k${p.strength_index}${hi ? `_f${hi}` : ''}`);
      } else {
        expect(lo < hi || (lo === hi && p.versus_strength_index < p.strength_index)).toBe(true);
        expect(p.baseline_image_id).toBe(`lora_${p.prompt_index}_${p.seed_index}_${p.versus_strength_index}${lo ? `_f${lo}` : ''}`);
      }
    }
    // Across trials, pairs between files and pairs within one file both occur.
    const all = Array.from({ length: 10 }, () => makeBlindPairs(newOrderSecret(), results, newBlindToken, 0, 'balanced')).flat();
    expect(all.some((p) => p.versus_strength_index !== null && (p.versus_lora_index ?? 0) !== (p.lora_index ?? 0))).toBe(true);
    expect(all.some((p) => p.versus_strength_index !== null && (p.versus_lora_index ?? 0) === (p.lora_index ?? 0))).toBe(true);
  });

  it('pairs the baseline with every variant of every file in the direct design', () => {
    const order = makeBlindPairs(newOrderSecret(), results, newBlindToken, 0, 'direct');
    expect(order.map((p) => p.pair_id).sort()).toEqual(
      ['k0', 'k1', 'k2', 'k1_f1', 'k2_f1', 'k1_f2', 'k2_f2']
        .flatMap((v) => ['p0_s0', 'p0_s1', 'p1_s0', 'p1_s1'].map((g) => `${g}_${v}`))
        .sort(),
    );
  });
});
