import type { Result, Setup } from '@/lib/sessions/schema';

/** File name of an image (DESIGN.md section 3): `baseline_{p}_{s}.png` or `lora_{p}_{s}_{k}.png`. */
export function imageId(p: number, s: number, k: number | null): string {
  return k === null ? `baseline_${p}_${s}` : `lora_${p}_${s}_${k}`;
}

/**
 * The grid of a session, in generation order: for each prompt and seed, the baseline once, then the LoRA at every
 * strength with the *same* seed (the original tool changed seeds between strengths; DESIGN.md 3b). Every entry starts
 * `queued`.
 */
export function planResults(setup: Setup): Result[] {
  const out: Result[] = [];
  setup.prompt_pairs.forEach((_, p) => {
    setup.seeds.forEach((seed, s) => {
      const entry = (k: number | null): Result => ({
        image_id: imageId(p, s, k),
        role: k === null ? 'baseline' : 'lora',
        prompt_index: p,
        seed_index: s,
        seed,
        strength: k === null ? null : (setup.weight_range[k] ?? null),
        strength_index: k,
        filename: `${imageId(p, s, k)}.png`,
        status: 'queued',
        comfy_prompt_id: null,
        server: null,
        error: null,
        started_at: null,
        completed_at: null,
      });
      out.push(entry(null));
      setup.weight_range.forEach((_, k) => out.push(entry(k)));
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
