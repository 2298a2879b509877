import { describe, expect, it } from 'vitest';
import { SetupSchema } from '@/lib/sessions/schema';
import { applyPreset, decisionNote, estimateSeconds, imageCount, promptsMissing } from '@/lib/setup/presets';

const base = SetupSchema.parse({ seeds: [7], prompt_pairs: [{ positive: 'a' }, { positive: 'b' }] });
const draw = (n: number) => Array.from({ length: n }, (_, i) => 1000 + i);

describe('presets', () => {
  it('Quick: 1 prompt, 2 seeds (keeping the one there), strengths 0 and 1', () => {
    const s = applyPreset(base, 'quick', draw);
    expect(s.weight_range).toEqual([0, 1]);
    expect(s.seeds).toEqual([7, 1000]);
    expect(s.prompt_pairs.map((p) => p.positive)).toEqual(['a']);
    expect(imageCount(s)).toBe(1 * 2 * 3);
  });

  it('Thorough: 0 to 1.2 in steps of 0.2, 8 seeds, and says how many prompts are missing', () => {
    const s = applyPreset(base, 'thorough', draw);
    expect(s.weight_range).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1, 1.2]);
    expect(s.seeds).toHaveLength(8);
    expect(promptsMissing(s, 'thorough')).toBe(6);
    expect(promptsMissing(applyPreset(base, 'standard', draw), 'standard')).toBe(2);
  });

  it('estimates GPU time from steps and pixels, or from a measured time per image', () => {
    const s = applyPreset(base, 'quick', draw);
    // 6 images × 1 s (20 steps at 512×512)
    expect(estimateSeconds(s)).toBeCloseTo(6, 10);
    // 30 steps at 1024×1024: 1.5 × 4 = 6 s per image
    expect(estimateSeconds({ ...s, sampler: { ...s.sampler, steps: 30, width: 1024, height: 1024 } })).toBeCloseTo(36, 10);
    expect(estimateSeconds(s, 2.5)).toBeCloseTo(15, 10);
  });
});

describe('decisionNote', () => {
  const prompts = (n: number) => ({
    prompt_pairs: Array.from({ length: n }, (_, i) => ({ positive: `p${i}`, negative: '', append_trigger: true })),
  });
  it('calls fewer than 3 prompts a smoke test, few prompts weak, and says nothing from 8 on', () => {
    expect(decisionNote(prompts(0))).toBeNull();
    expect(decisionNote(prompts(1))).toMatch(/^A smoke test, not an answer: with one prompt/);
    expect(decisionNote(prompts(2))).toMatch(/^A smoke test, not an answer: with 2 prompts/);
    expect(decisionNote(prompts(4))).toMatch(/^With 4 prompts only a large effect can be shown/);
    expect(decisionNote(prompts(8))).toBeNull();
  });

  it('says that several files need 8 prompts or more (the calibration bench: no claim at 4 prompts and 3 files)', () => {
    const files = ['run-000004.safetensors', 'run-000008.safetensors', 'run-000012.safetensors'];
    expect(decisionNote({ ...prompts(4), lora_files: files })).toMatch(/^With 4 prompts and 3 files the report will likely make no claim/);
    expect(decisionNote({ ...prompts(2), lora_files: files })).toMatch(/^A smoke test/);
    expect(decisionNote({ ...prompts(8), lora_files: files })).toBeNull();
  });
});
