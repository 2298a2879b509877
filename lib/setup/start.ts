import type { ComfyStatus } from '@/lib/comfy/status';
import type { Setup } from '@/lib/sessions/schema';
import { planVariants } from '@/lib/generation/variants';
import { estimateSeconds, imageCount } from './presets';

// What Setup's Start bar says (app/_components/setup-start.tsx). Pure.

/** A duration in seconds as "40 s", "12 min" or "2.5 h". */
export function formatEstimate(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/**
 * The plan in one line: prompts × seeds × (baseline + strengths) = images and the GPU time, or, while the grid is
 * empty, what it still lacks (not "0 images · 0 s").
 */
export function planLine(setup: Setup): string {
  const missing = [
    setup.prompt_pairs.length === 0 && 'a prompt',
    setup.seeds.length === 0 && 'a seed',
    setup.weight_range.length === 0 && 'a LoRA strength',
  ].filter(Boolean);
  if (missing.length)
    return `No images planned yet: add ${missing.join(', ').replace(/, ([^,]*)$/, ' and $1')} to see the grid's size and time.`;
  const files = setup.lora_files.length;
  const lora = Object.keys(setup.lora_strengths).length
    ? `${planVariants(setup).length} variants of ${files} files`
    : `${setup.weight_range.length} strengths${files ? ` × ${files} files` : ''}`;
  return (
    `${setup.prompt_pairs.length} prompts × ${setup.seeds.length} seeds × (baseline + ${lora}) = ` +
    `${imageCount(setup)} images · about ${formatEstimate(estimateSeconds(setup))} of GPU time`
  );
}

/** The servers of Setup's URL field (comma-separated, as generation reads it); `['']` for the app's default server. */
export function serverUrls(text: string): string[] {
  const list = [
    ...new Set(
      text
        .split(',')
        .map((u) => u.trim().replace(/\/+$/, ''))
        .filter(Boolean),
    ),
  ];
  return list.length ? list : [''];
}

/**
 * Why Start would not get anywhere, or null: none of the servers (`statuses`, one per URL of serverUrls) answered.
 * A start is refused before it is made, so a wrong URL does not leave a failed session behind.
 */
export function serverRefusal(statuses: ComfyStatus[]): string | null {
  if (statuses.length === 0 || statuses.some((s) => s.reachable)) return null;
  const why = statuses.map((s) => `${s.url || 'the configured URL'}: ${s.error ?? 'no answer'}`).join('; ');
  return `Not started: no ComfyUI server answers (${why}). Fix the server URL above until the light is green, then start again.`;
}
