import { describe, expect, it } from 'vitest';
import { planResults, positiveText } from '@/lib/generation/plan';
import { IMAGE_FILE_PATTERN } from '@/lib/sessions/schema';
import { SetupSchema } from '@/lib/sessions/schema';

const setup = SetupSchema.parse({
  checkpoint: 'c.safetensors',
  lora_filename: 'l.safetensors',
  trigger_words: 'mystyle',
  weight_range: [0, 0.5, 1],
  seeds: [11, 22],
  prompt_pairs: [
    { positive: 'a cat', append_trigger: true },
    { positive: 'a dog', append_trigger: false },
  ],
});

describe('planResults', () => {
  const plan = planResults(setup);

  it('plans one baseline per (prompt, seed) and one LoRA image per strength', () => {
    expect(plan).toHaveLength(2 * 2 + 2 * 2 * 3);
    expect(plan.filter((r) => r.role === 'baseline').map((r) => r.filename)).toEqual([
      'baseline_0_0.png',
      'baseline_0_1.png',
      'baseline_1_0.png',
      'baseline_1_1.png',
    ]);
    expect(plan.every((r) => r.status === 'queued' && IMAGE_FILE_PATTERN.test(r.filename))).toBe(true);
  });

  it('keeps the seed fixed across strengths (the original tool changed it)', () => {
    const p0s1 = plan.filter((r) => r.prompt_index === 0 && r.seed_index === 1);
    expect(p0s1.map((r) => [r.image_id, r.seed, r.strength])).toEqual([
      ['baseline_0_1', 22, null],
      ['lora_0_1_0', 22, 0],
      ['lora_0_1_1', 22, 0.5],
      ['lora_0_1_2', 22, 1],
    ]);
  });

  it('appends the trigger words only to prompts that ask for them', () => {
    expect(positiveText(setup, 0)).toBe('a cat, mystyle');
    expect(positiveText(setup, 1)).toBe('a dog');
  });

  it('accepts only grid file names', () => {
    expect(IMAGE_FILE_PATTERN.test('lora_1_2_3.png')).toBe(true);
    for (const bad of ['../x.png', 'lora_1_2.png', 'baseline_1_2.png/..', 'session_meta.json', 'baseline_a_1.png']) {
      expect(IMAGE_FILE_PATTERN.test(bad)).toBe(false);
    }
  });
});

describe('ReadySetupSchema', () => {
  const ready = {
    lora_filename: 'l.safetensors',
    weight_range: [1],
    seeds: [1],
    metrics: ['Quality'],
    prompt_pairs: [{ positive: 'a cat' }],
  };
  it('needs a checkpoint for the standard graph, but not for a workflow that loads its own model (Flux unet)', async () => {
    const { ReadySetupSchema } = await import('@/lib/sessions/schema');
    const { TEMPLATES } = await import('@/lib/comfy/templates');
    expect(ReadySetupSchema.safeParse(ready).error?.issues[0]?.message).toBe('choose a checkpoint');
    expect(ReadySetupSchema.safeParse({ ...ready, workflow: TEMPLATES.sd15 }).error?.issues[0]?.message).toBe('choose a checkpoint');
    expect(ReadySetupSchema.safeParse({ ...ready, workflow: TEMPLATES.flux }).success).toBe(true);
  });
});

describe('ReadySetupSchema messages', () => {
  const ok = {
    checkpoint: 'c.safetensors',
    lora_filename: 'l.safetensors',
    weight_range: [0, 0.5, 1],
    seeds: [1, 2],
    metrics: ['Quality'],
    prompt_pairs: [{ positive: 'a cat' }],
  };
  const first = async (patch: Record<string, unknown>) => {
    const { ReadySetupSchema } = await import('@/lib/sessions/schema');
    const r = ReadySetupSchema.safeParse({ ...ok, ...patch });
    return r.success ? null : `${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
  };
  it('accepts a complete Setup and names the field of each problem', async () => {
    expect(await first({})).toBeNull();
    expect(await first({ weight_range: [0, 2.5] })).toBe('weight_range.1: strengths go from -2 to 2');
    expect(await first({ weight_range: [1, 0.5] })).toBe('weight_range: strengths must be in ascending order');
    expect(await first({ weight_range: [0.5, 0.5] })).toBe('weight_range: strengths must not repeat');
    expect(await first({ prompt_pairs: [] })).toBe('prompt_pairs: give at least one prompt');
    expect(await first({ seeds: [1.5] })).toBe('seeds.0: seeds must be whole numbers from 0 to 2^53-1');
    expect(await first({ seeds: [2 ** 53] })).toBe('seeds.0: seeds must be whole numbers from 0 to 2^53-1');
    expect(await first({ sampler: { steps: 20, cfg: 7, sampler_name: 'euler', scheduler: 'normal', width: 513, height: 512 } })).toMatch(
      /^sampler\.width: /,
    );
    expect(await first({ sampler: { steps: 151, cfg: 7, sampler_name: 'euler', scheduler: 'normal', width: 512, height: 512 } })).toMatch(
      /^sampler\.steps: /,
    );
  });
});
