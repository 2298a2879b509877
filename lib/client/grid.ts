import type { Variant } from '@/lib/generation/variants';
import type { Result } from '@/lib/sessions/schema';

/** One prompt's grid: `rows[s][0]` is seed s's baseline, `rows[s][k + 1]` its LoRA image at strength k. */
export interface PromptGrid {
  rows: Array<Array<Result | undefined>>;
  /** Some image of this prompt is done, so its grid PNG can be downloaded. */
  anyDone: boolean;
}

/**
 * The results laid out as the Generation tab shows them: one grid per prompt, rows = seeds, columns = baseline +
 * strengths, placed by their prompt, seed and strength indexes in one pass. With `variants` (a several-file session,
 * lib/generation/variants.ts) the columns are baseline + every variant in that order, and `strengths` is their
 * number. A cell with no result (or a result outside Setup's ranges) is undefined.
 */
export function gridCells(
  results: readonly Result[],
  prompts: number,
  seeds: number,
  strengths: number,
  variants?: readonly Variant[],
): PromptGrid[] {
  const columnOf = new Map(variants?.map((v, i) => [`${v.lora_index}:${v.strength_index}`, i + 1]));
  const grids = Array.from({ length: prompts }, (): PromptGrid => ({
    rows: Array.from({ length: seeds }, () => new Array<Result | undefined>(strengths + 1).fill(undefined)),
    anyDone: false,
  }));
  for (const r of results) {
    const column =
      r.strength_index === null
        ? 0
        : variants
          ? (columnOf.get(`${r.lora_index ?? 0}:${r.strength_index}`) ?? Infinity)
          : r.strength_index + 1;
    const grid = grids[r.prompt_index];
    const row = grid?.rows[r.seed_index];
    if (!grid || !row || column > strengths) continue;
    row[column] = r;
    if (r.status === 'done') grid.anyDone = true;
  }
  return grids;
}
