import { describe, expect, it } from 'vitest';
import { gridCells } from '@/lib/client/grid';
import { planResults } from '@/lib/generation/plan';
import { SetupSchema } from '@/lib/sessions/schema';

const setup = SetupSchema.parse({ weight_range: [0, 0.5, 1], seeds: [7, 8], prompt_pairs: [{ positive: 'a' }, { positive: 'b' }] });

describe('gridCells', () => {
  it('places every result by prompt, seed and strength: column 0 the baseline, column k + 1 strength k', () => {
    const results = planResults(setup);
    const grids = gridCells(results, 2, 2, 3);
    expect(grids).toHaveLength(2);
    for (const [p, grid] of grids.entries()) {
      expect(grid.rows.map((row) => row.map((r) => r?.image_id))).toEqual([
        [`baseline_${p}_0`, `lora_${p}_0_0`, `lora_${p}_0_1`, `lora_${p}_0_2`],
        [`baseline_${p}_1`, `lora_${p}_1_0`, `lora_${p}_1_1`, `lora_${p}_1_2`],
      ]);
    }
  });

  it('keeps the result objects, so unchanged cells compare equal after an update', () => {
    const results = planResults(setup);
    expect(gridCells(results, 2, 2, 3)[1]!.rows[1]![3]).toBe(results.find((r) => r.image_id === 'lora_1_1_2'));
  });

  it('says which prompts have a finished image', () => {
    const results = planResults(setup).map((r) => (r.image_id === 'lora_1_0_1' ? { ...r, status: 'done' as const } : r));
    expect(gridCells(results, 2, 2, 3).map((g) => g.anyDone)).toEqual([false, true]);
  });

  it('leaves missing cells undefined and skips results outside the ranges', () => {
    const results = planResults(setup).filter((r) => r.image_id !== 'baseline_0_1');
    const grids = gridCells(results, 1, 2, 2);
    expect(grids).toHaveLength(1);
    expect(grids[0]!.rows[1]![0]).toBeUndefined();
    expect(grids[0]!.rows[0]!.map((r) => r?.image_id)).toEqual(['baseline_0_0', 'lora_0_0_0', 'lora_0_0_1']);
  });
});
