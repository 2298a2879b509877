import type { Result, Setup } from '@/lib/sessions/schema';
import { planVariants, type Variant } from './variants';

/**
 * File name of an image (DESIGN.md section 3): `baseline_{p}_{s}.png` or `lora_{p}_{s}_{k}.png`, with `_f{f}` for
 * LoRA file f > 0 of a several-file session (file 0's names are the one-file names).
 */
export function imageId(p: number, s: number, k: number | null, f = 0): string {
  return k === null ? `baseline_${p}_${s}` : `lora_${p}_${s}_${k}${f > 0 ? `_f${f}` : ''}`;
}

/**
 * The grid of a session, in generation order: for each prompt and seed, the baseline once, then every variant
 * (lib/generation/variants.ts: each LoRA file at every strength, file by file) with the *same* seed (the original
 * tool changed seeds between strengths; DESIGN.md 3b). Every entry starts `queued`; `lora_index` is set for files
 * after the first only, so one-file plans are exactly as before.
 */
export function planResults(setup: Setup): Result[] {
  const out: Result[] = [];
  const variants = planVariants(setup);
  setup.prompt_pairs.forEach((_, p) => {
    setup.seeds.forEach((seed, s) => {
      const entry = (v: Variant | null): Result => ({
        image_id: imageId(p, s, v?.strength_index ?? null, v?.lora_index),
        role: v === null ? 'baseline' : 'lora',
        prompt_index: p,
        seed_index: s,
        seed,
        strength: v === null ? null : v.strength,
        strength_index: v === null ? null : v.strength_index,
        ...(v && v.lora_index > 0 ? { lora_index: v.lora_index } : {}),
        filename: `${imageId(p, s, v?.strength_index ?? null, v?.lora_index)}.png`,
        status: 'queued',
        comfy_prompt_id: null,
        server: null,
        error: null,
        started_at: null,
        completed_at: null,
      });
      out.push(entry(null));
      variants.forEach((v) => out.push(entry(v)));
    });
  });
  return out;
}

/** The positive text sent to ComfyUI: the prompt, plus the LoRA trigger words when the prompt asks for them. */
export function positiveText(setup: Setup, promptIndex: number): string {
  const pair = setup.prompt_pairs[promptIndex];
  if (!pair) throw new RangeError(`no prompt ${promptIndex}`);
  const trigger = setup.trigger_words.trim();
  return pair.append_trigger && trigger ? `${pair.positive}, ${trigger}` : pair.positive;
}
