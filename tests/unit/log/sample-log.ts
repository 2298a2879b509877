import { planResults } from '@/lib/generation/plan';
import type { LogEntry } from '@/lib/sessions/event-log';
import type { SessionEvent } from '@/lib/sessions/events';
import { SetupSchema } from '@/lib/sessions/schema';

// A hand-written log of one session with two servers, one of which stops answering midway: what the log tests read.

export const GPU1 = 'http://gpu1:8188';
export const GPU2 = 'http://gpu2:8188';
export const SETUP = SetupSchema.parse({
  comfyui_url: `${GPU1},${GPU2}`,
  checkpoint: 'v1-5-pruned-emaonly.safetensors',
  lora_filename: 'pixel.safetensors',
  weight_range: [0.5, 1],
  seeds: [7],
  metrics: ['Quality', 'Style'],
  prompt_pairs: [{ positive: 'a red fox' }],
});
/** baseline_0_0, lora_0_0_0 (0.5), lora_0_0_1 (1). */
export const RESULTS = planResults(SETUP);

const t = (s: number) => new Date(Date.UTC(2024, 0, 15, 14, 0, s)).toISOString();
const pid = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

/** The events, each with its second after 14:00:00 UTC. */
const EVENTS: Array<[number, SessionEvent]> = [
  [0, { kind: 'setup_saved', setup: { ...SETUP, weight_range: [1] } }],
  [1, { kind: 'setup_saved', setup: SETUP }],
  [2, { kind: 'notes_saved', notes: 'first try' }],
  [3, { kind: 'generation_started', results: RESULTS }],
  [
    3,
    {
      kind: 'image_updated',
      image_id: 'baseline_0_0',
      patch: { status: 'running', started_at: t(3), comfy_prompt_id: pid(1), server: GPU1 },
    },
  ],
  [
    3,
    {
      kind: 'image_updated',
      image_id: 'lora_0_0_0',
      patch: { status: 'running', started_at: t(3), comfy_prompt_id: pid(2), server: GPU2 },
    },
  ],
  [
    3,
    {
      kind: 'image_updated',
      image_id: 'lora_0_0_1',
      patch: { status: 'running', started_at: t(3), comfy_prompt_id: pid(3), server: GPU1 },
    },
  ],
  [5, { kind: 'image_updated', image_id: 'baseline_0_0', patch: { status: 'done', rendering_at: t(3), completed_at: t(5), error: null } }],
  [6, { kind: 'server_lost', server: GPU2, reason: `ComfyUI at ${GPU2} cannot be reached (ECONNREFUSED)` }],
  [
    6,
    { kind: 'image_updated', image_id: 'lora_0_0_0', patch: { status: 'queued', comfy_prompt_id: null, server: null }, why: 'server_lost' },
  ],
  [
    7,
    {
      kind: 'image_updated',
      image_id: 'lora_0_0_1',
      patch: { status: 'failed', error: 'CUDA out of memory (node 3 KSampler)', completed_at: t(7) },
    },
  ],
  [
    7,
    {
      kind: 'image_updated',
      image_id: 'lora_0_0_0',
      patch: { status: 'running', started_at: t(7), comfy_prompt_id: pid(4), server: GPU1 },
    },
  ],
  [10, { kind: 'image_updated', image_id: 'lora_0_0_0', patch: { status: 'done', rendering_at: t(8), completed_at: t(10), error: null } }],
  [10, { kind: 'generation_finished', fatal: null, mode: 'run', pairs: [] }],
  [20, { kind: 'generation_started', results: null }],
  [
    20,
    {
      kind: 'image_updated',
      image_id: 'lora_0_0_1',
      patch: { status: 'running', started_at: t(20), comfy_prompt_id: pid(5), server: GPU1 },
    },
  ],
  [30, { kind: 'image_updated', image_id: 'lora_0_0_1', patch: { status: 'done', rendering_at: t(21), completed_at: t(30), error: null } }],
  [30, { kind: 'generation_finished', fatal: null, mode: 'run', pairs: [] }],
  [40, { kind: 'judge', input: { index: 0, choices: { Quality: 'left', Style: 'tie' }, rater: 'bob' }, at: t(40) }],
  [41, { kind: 'judge', input: { index: 1, choices: { Quality: 'right', Style: 'both_bad' }, rater: 'bob' }, at: t(41) }],
  [42, { kind: 'undo', rater: 'bob', index: 1 }],
];

export const ENTRIES: LogEntry[] = EVENTS.map(([s, event], i) => ({ rev: i + 1, at: t(s), event }));
export const at = t;
