import type { Setup } from '@/lib/sessions/schema';
import { planVariants } from '@/lib/generation/variants';

/** Grid sizes to start from, like the session kinds of other ML workbenches. */
export const PRESETS = {
  quick: { label: 'Quick', prompts: 1, seeds: 2, strengths: [0, 1] },
  standard: { label: 'Standard', prompts: 4, seeds: 4, strengths: [0, 0.5, 0.75, 1] },
  thorough: { label: 'Thorough', prompts: 8, seeds: 8, strengths: [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2] },
} as const;
export type PresetId = keyof typeof PRESETS;

/**
 * Setup with a preset's strengths and seed count. Seeds already there are kept (up to the count) and the rest drawn
 * with `drawSeeds`; prompts beyond the preset's count are dropped, and missing ones are left for the user to write or
 * generate (`promptsMissing` says how many).
 */
export function applyPreset(setup: Setup, id: PresetId, drawSeeds: (n: number) => number[]): Setup {
  const p = PRESETS[id];
  const kept = setup.seeds.slice(0, p.seeds);
  const fresh = drawSeeds(p.seeds - kept.length).filter((s) => !kept.includes(s));
  return {
    ...setup,
    weight_range: [...p.strengths],
    seeds: [...kept, ...fresh].slice(0, p.seeds),
    prompt_pairs: setup.prompt_pairs.slice(0, p.prompts),
  };
}

/** How many prompts a preset still wants. */
export function promptsMissing(setup: Setup, id: PresetId): number {
  return Math.max(0, PRESETS[id].prompts - setup.prompt_pairs.length);
}

/** Images in the grid: per prompt and seed, one baseline and one image per variant (lib/generation/variants.ts). */
export function imageCount(
  setup: Pick<Setup, 'prompt_pairs' | 'seeds' | 'weight_range'> & Partial<Pick<Setup, 'lora_files' | 'lora_strengths'>>,
): number {
  const variants = planVariants({ ...setup, lora_files: setup.lora_files ?? [], lora_filename: '' }).length;
  return setup.prompt_pairs.length * setup.seeds.length * (1 + variants);
}

/** Seconds per image assumed before anything was measured: ~1 s per 20 steps at 512×512 on a mid-range GPU. */
export const ASSUMED_SECONDS_PER_20_STEPS_AT_512 = 1;

/**
 * Estimated GPU time in seconds: images × seconds per image, where seconds per image is `measured` (from earlier
 * images on this server) or the assumption above, scaled by steps and pixel count.
 */
export function estimateSeconds(
  setup: Pick<Setup, 'prompt_pairs' | 'seeds' | 'weight_range' | 'sampler'> & Partial<Pick<Setup, 'lora_files' | 'lora_strengths'>>,
  measured?: number,
): number {
  const { steps, width, height } = setup.sampler;
  const perImage = measured ?? ASSUMED_SECONDS_PER_20_STEPS_AT_512 * (steps / 20) * ((width * height) / (512 * 512));
  return imageCount(setup) * perImage;
}

/**
 * What a grid of this many prompts can decide, in one sentence, or null when it can decide a moderate effect. From
 * the calibration bench (bench/calibration.ts; README "What the report promises"): the report makes no claim from
 * fewer than 3 prompts, and with a true winner at 75% against the baseline it recommends a strength in about 3% of
 * 4-prompt sessions, 13% with 8 prompts of 2 seeds, 25% with 16 prompts of 1 seed, and about half with 8 prompts of 8
 * seeds. With several LoRA files, fewer than 8 prompts are unlikely to support any claim at all.
 */
export function decisionNote(setup: Pick<Setup, 'prompt_pairs'> & Partial<Pick<Setup, 'lora_files'>>): string | null {
  const k = setup.prompt_pairs.length;
  const files = setup.lora_files?.length ?? 0;
  if (k === 0) return null;
  if (k < 3)
    return `A smoke test, not an answer: with ${k === 1 ? 'one prompt' : '2 prompts'} the report makes no claim (it needs at least 3).`;
  if (k < 8 && files > 1) {
    // The calibration bench's 3-file scenario (bench/calibration-files.ts): at 4 prompts no claim in 1000 sessions,
    // even with two epochs at 85%, since every variant joins the family of tests.
    return `With ${k} prompts and ${files} files the report will likely make no claim at all, even for a large effect: every variant widens the intervals of all. Use 8 prompts or more.`;
  }
  if (k < 8) {
    return `With ${k} prompts only a large effect can be shown: the report needs the prompts to agree. More prompts, even with fewer seeds, help most.`;
  }
  return null;
}

/** Seconds a rater is assumed to spend per metric of a pair (a look and a key press). */
export const ASSUMED_RATING_SECONDS_PER_METRIC = 4;

/**
 * The screens one rater judges for this Setup (lib/evaluation/pairing.ts): per prompt and seed, the balanced cycle
 * through the baseline and every non-placebo variant (or, direct, one pair per variant), the placebo once, and the
 * repeated controls.
 */
export function pairsToJudge(
  setup: Pick<Setup, 'prompt_pairs' | 'seeds' | 'weight_range' | 'lora_files' | 'design' | 'repeat_share'> &
    Partial<Pick<Setup, 'lora_strengths'>>,
): number {
  const variants = planVariants({ ...setup, lora_filename: '' });
  const placebos = variants.filter((v) => v.strength === 0).length;
  const active = variants.length - placebos;
  const cycle = setup.design === 'balanced' && active >= 2 ? active + 1 : active;
  const groups = setup.prompt_pairs.length * setup.seeds.length;
  return groups * (cycle + placebos) + Math.round(groups * cycle * setup.repeat_share);
}

/**
 * For a several-file session (issue 15, where plans grow fast), a warning when one rater would need more than an hour
 * (ASSUMED_RATING_SECONDS_PER_METRIC per metric of each pair), suggesting fewer seeds or strengths; else null.
 */
export function ratingNote(
  setup: Pick<Setup, 'prompt_pairs' | 'seeds' | 'weight_range' | 'lora_files' | 'design' | 'repeat_share' | 'metrics'> &
    Partial<Pick<Setup, 'lora_strengths'>>,
): string | null {
  if (setup.lora_files.length < 2) return null;
  const pairs = pairsToJudge(setup);
  const minutes = Math.round((pairs * Math.max(1, setup.metrics.length) * ASSUMED_RATING_SECONDS_PER_METRIC) / 60);
  if (minutes <= 60) return null;
  return `${pairs} pairs to judge, about ${minutes} minutes for one rater: more than an hour. Fewer seeds or strengths would shorten it.`;
}
