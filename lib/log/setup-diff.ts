import { strengthsInWords } from '@/lib/generation/variants';
import type { Setup } from '@/lib/sessions/schema';

// Setup in words for the log: what a first save holds, and what a later save changed.

const list = (xs: readonly (string | number)[]) => (xs.length ? xs.join(', ') : 'none');
const clip = (text: string, max = 80) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Each Setup field the log names, with how its value reads (in full: a change past the clipped part still shows). */
const FIELDS: Array<[string, (s: Setup) => string]> = [
  ['server', (s) => s.comfyui_url || 'the default'],
  ['checkpoint', (s) => s.checkpoint || 'none'],
  ['LoRA', (s) => s.lora_filename || 'none'],
  ['LoRA files', (s) => (s.lora_files.length ? list(s.lora_files) : 'one')],
  ['trigger words', (s) => s.trigger_words || 'none'],
  ['strengths', (s) => list(s.weight_range)],
  ['strengths per file', (s) => (Object.keys(s.lora_strengths).length ? strengthsInWords(s) : 'every file at every strength')],
  ['CLIP strength', (s) => (s.strength_clip === null ? 'same as model' : String(s.strength_clip))],
  ['seeds', (s) => list(s.seeds)],
  ['metrics', (s) => list(s.metrics)],
  ['prompts', (s) => s.prompt_pairs.map((p) => `“${p.positive}”${p.negative ? ` (not “${p.negative}”)` : ''}`).join(', ') || 'none'],
  [
    'sampler',
    (s) =>
      `${s.sampler.sampler_name}/${s.sampler.scheduler}, ${s.sampler.steps} steps, cfg ${s.sampler.cfg}, ${s.sampler.width}×${s.sampler.height}`,
  ],
  ['repeats', (s) => `${Math.round(s.repeat_share * 100)}%`],
  ['pair design', (s) => s.design],
  ['adaptive order', (s) => (s.adaptive ? 'on' : 'off')],
  ['owner rates', (s) => (s.owner_rates ? 'yes' : 'no')],
  ['workflow', (s) => (s.workflow ? 'custom' : 'standard')],
];

/**
 * A Setup save in words: the first one names the LoRA, strengths, seeds, prompts and metrics ("Setup saved: …"); a
 * later one lists only the fields that changed, old → new ("Setup changed: strengths 0.5, 1 → 0.25, 0.5, 1"), or
 * says it was saved unchanged.
 */
export function describeSetup(before: Setup | null, after: Setup): string {
  if (!before) {
    const parts = [
      after.lora_files.length ? `LoRA files ${list(after.lora_files)}` : `LoRA ${after.lora_filename || 'none'}`,
      `strengths ${list(after.weight_range)}`,
      `${after.seeds.length} seed(s)`,
      `${after.prompt_pairs.length} prompt(s)`,
      `metrics ${list(after.metrics)}`,
    ];
    return `Setup saved: ${parts.join('; ')}`;
  }
  const changes = FIELDS.filter(([, show]) => show(before) !== show(after)).map(
    ([name, show]) => `${name} ${clip(show(before))} → ${clip(show(after))}`,
  );
  return changes.length ? `Setup changed: ${changes.join('; ')}` : 'Setup saved (unchanged)';
}
