import { describe, expect, it } from 'vitest';
import { graphFor } from '@/lib/generation/graph';
import { planResults } from '@/lib/generation/plan';
import { epochRuns, fileLabels, gridColumns, loraFiles, parseEpoch, planVariants } from '@/lib/generation/variants';
import { gridCells } from '@/lib/client/grid';
import { imageCount } from '@/lib/setup/presets';
import { IMAGE_FILE_PATTERN, ReadySetupSchema, ResultSchema, SetupSchema } from '@/lib/sessions/schema';

const EPOCHS = ['run-000004.safetensors', 'run-000008.safetensors', 'run-000012.safetensors'];
const setup = SetupSchema.parse({
  checkpoint: 'c.safetensors',
  lora_filename: EPOCHS[0],
  lora_files: EPOCHS,
  weight_range: [0, 0.5, 1],
  seeds: [11, 22],
  prompt_pairs: [{ positive: 'a cat' }],
});

describe('kohya epoch names', () => {
  it('parses <run>-<6 digits>.safetensors and nothing else', () => {
    expect(parseEpoch('my_lora-000004.safetensors')).toEqual({ run: 'my_lora', epoch: 4 });
    expect(parseEpoch('sub/a-b-000120.safetensors')).toEqual({ run: 'sub/a-b', epoch: 120 });
    expect(parseEpoch('my_lora.safetensors')).toBeNull();
    expect(parseEpoch('my_lora-4.safetensors')).toBeNull();
    expect(parseEpoch('my_lora-000004.json')).toBeNull();
  });

  it('groups runs of two or more epochs, sorted by epoch, in order of first mention', () => {
    const list = ['z-000010.safetensors', 'solo.safetensors', 'a-000002.safetensors', 'z-000002.safetensors', 'one-000001.safetensors'];
    expect(epochRuns(list)).toEqual([{ run: 'z', files: ['z-000002.safetensors', 'z-000010.safetensors'] }]);
  });

  it('labels one run by epoch, and mixed files by their stem', () => {
    expect(fileLabels(EPOCHS)).toEqual(['epoch 4', 'epoch 8', 'epoch 12']);
    expect(fileLabels(['x/v1.safetensors', 'run-000004.safetensors'])).toEqual(['v1', 'run-000004']);
  });
});

describe('variants and the plan over several files', () => {
  it('keeps one-file Setups as they were: lora_filename alone, one variant per strength', () => {
    const one = SetupSchema.parse({ lora_filename: 'l.safetensors', weight_range: [0, 1] });
    expect(one.lora_files).toEqual([]);
    expect(loraFiles(one)).toEqual(['l.safetensors']);
    expect(planVariants(one)).toEqual([
      { lora_index: 0, strength_index: 0, strength: 0 },
      { lora_index: 0, strength_index: 1, strength: 1 },
    ]);
  });

  it('plans strength 0 once (file 0) and every other strength per file, the same seed in every variant', () => {
    const plan = planResults(setup);
    // 1 prompt × 2 seeds × (baseline + placebo + 3 files × 2 strengths).
    expect(plan).toHaveLength(2 * 8);
    expect(imageCount(setup)).toBe(16);
    expect(plan.filter((r) => r.seed_index === 1).map((r) => [r.image_id, r.seed, r.strength, r.lora_index ?? 0])).toEqual([
      ['baseline_0_1', 22, null, 0],
      ['lora_0_1_0', 22, 0, 0],
      ['lora_0_1_1', 22, 0.5, 0],
      ['lora_0_1_2', 22, 1, 0],
      ['lora_0_1_1_f1', 22, 0.5, 1],
      ['lora_0_1_2_f1', 22, 1, 1],
      ['lora_0_1_1_f2', 22, 0.5, 2],
      ['lora_0_1_2_f2', 22, 1, 2],
    ]);
    for (const r of plan) {
      expect(IMAGE_FILE_PATTERN.test(r.filename)).toBe(true);
      expect(ResultSchema.parse(r)).toEqual(r);
    }
  });

  it("sends each variant's own file to ComfyUI's LoraLoader", () => {
    const plan = planResults(setup);
    const names = plan.map((r) => {
      const graph = graphFor(setup, r, '20240101_000000');
      const loader = Object.values(graph).find((n) => n.class_type === 'LoraLoader');
      return loader ? [r.image_id, loader.inputs.lora_name, loader.inputs.strength_model] : [r.image_id, null, null];
    });
    expect(names.slice(0, 8)).toEqual([
      ['baseline_0_0', null, null],
      ['lora_0_0_0', EPOCHS[0], 0],
      ['lora_0_0_1', EPOCHS[0], 0.5],
      ['lora_0_0_2', EPOCHS[0], 1],
      ['lora_0_0_1_f1', EPOCHS[1], 0.5],
      ['lora_0_0_2_f1', EPOCHS[1], 1],
      ['lora_0_0_1_f2', EPOCHS[2], 0.5],
      ['lora_0_0_2_f2', EPOCHS[2], 1],
    ]);
  });

  it('lays the grid out as baseline + every variant grouped by file', () => {
    const columns = gridColumns(setup);
    expect(columns.labels).toEqual([
      'epoch 4 · 0',
      'epoch 4 · 0.5',
      'epoch 4 · 1',
      'epoch 8 · 0.5',
      'epoch 8 · 1',
      'epoch 12 · 0.5',
      'epoch 12 · 1',
    ]);
    const [grid] = gridCells(planResults(setup), 1, 2, columns.labels.length, columns.variants!);
    expect(grid!.rows[0]!.map((r) => r?.image_id)).toEqual([
      'baseline_0_0',
      'lora_0_0_0',
      'lora_0_0_1',
      'lora_0_0_2',
      'lora_0_0_1_f1',
      'lora_0_0_2_f1',
      'lora_0_0_1_f2',
      'lora_0_0_2_f2',
    ]);
  });

  it('refuses repeated files and a lora_filename that is not the first file', () => {
    const ready = { ...setup, prompt_pairs: [{ positive: 'a cat', negative: '', append_trigger: false }] };
    expect(ReadySetupSchema.safeParse(ready).success).toBe(true);
    expect(ReadySetupSchema.safeParse({ ...ready, lora_files: [EPOCHS[0], EPOCHS[0]] }).error?.issues[0]?.message).toBe(
      'LoRA files must not repeat',
    );
    expect(ReadySetupSchema.safeParse({ ...ready, lora_filename: EPOCHS[1] }).error?.issues[0]?.message).toBe(
      'the LoRA file must be the first of the LoRA files',
    );
  });
});

describe('the log names several files', () => {
  it('in the first save and in a change, and not at all for one-file Setups', async () => {
    const { describeSetup } = await import('@/lib/log/setup-diff');
    const one = SetupSchema.parse({ lora_filename: EPOCHS[0], weight_range: [1] });
    expect(describeSetup(null, setup)).toBe(
      'Setup saved: LoRA files run-000004.safetensors, run-000008.safetensors, run-000012.safetensors; strengths 0, 0.5, 1; 2 seed(s); 1 prompt(s); metrics Quality, Style, Coherence',
    );
    expect(describeSetup(one, { ...one, weight_range: [0.5, 1] })).toBe('Setup changed: strengths 1 → 0.5, 1');
    expect(describeSetup(one, { ...one, lora_files: EPOCHS.slice(0, 2) })).toBe(
      'Setup changed: LoRA files one → run-000004.safetensors, run-000008.safetensors',
    );
  });
});

describe('the rating-time warning of several files', () => {
  it('counts the screens makeBlindPairs makes, and warns past an hour of rating only for several files', async () => {
    const { makeBlindPairs } = await import('@/lib/evaluation/pairing');
    const { pairsToJudge, ratingNote } = await import('@/lib/setup/presets');
    for (const design of ['balanced', 'direct'] as const) {
      const s = { ...setup, design, repeat_share: 0.1 };
      const done = planResults(s).map((r) => ({ ...r, status: 'done' as const }));
      let t = 0;
      expect(pairsToJudge(s)).toBe(makeBlindPairs('a'.repeat(64), done, () => String(t++), 0.1, design).length);
    }
    expect(ratingNote(setup)).toBeNull();
    // 10 prompts × 8 seeds × (cycle of 7 + placebo) + 10% controls = 696 pairs × 3 metrics × 4 s = 139 minutes.
    const big = { ...setup, seeds: [1, 2, 3, 4, 5, 6, 7, 8], prompt_pairs: Array.from({ length: 10 }, () => setup.prompt_pairs[0]!) };
    expect(ratingNote(big)).toBe(
      '696 pairs to judge, about 139 minutes for one rater: more than an hour. Fewer seeds or strengths would shorten it.',
    );
    expect(ratingNote({ ...big, lora_files: [] })).toBeNull();
  });
});
