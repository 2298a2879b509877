import { randomBytes } from 'node:crypto';
import { planResults } from '@/lib/generation/plan';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { SessionSchema, type Session } from '@/lib/sessions/schema';

/** A session whose generation is complete (every image done), 2 prompts × 2 seeds × strengths [0, 0.5, 1]. */
export function generatedSession(id = '20240115_143022'): Session {
  const setup = {
    checkpoint: 'v1-5-pruned-emaonly.safetensors',
    lora_filename: 'my_lora.safetensors',
    weight_range: [0, 0.5, 1],
    seeds: [898938, 898939],
    metrics: ['Quality', 'Style', 'Coherence'],
    prompt_pairs: [{ positive: 'a portrait of a woman in a red coat' }, { positive: 'a cabin in a snowy forest' }],
  };
  const draft = SessionSchema.parse({
    schema_version: 2,
    session_id: id,
    timestamp: 1705308622.5,
    revision: 3,
    status: 'completed',
    step_1_setup: setup,
    step_2_generation: { generation_started: true, generation_complete: true },
    step_3_evaluation: {},
    step_4_report: {},
  });
  draft.step_2_generation.results = planResults(draft.step_1_setup).map((r) => ({ ...r, status: 'done' }));
  draft.step_2_generation.shuffled_results = makeBlindPairs(id, draft.step_2_generation.results, () => randomBytes(16).toString('hex'));
  return draft;
}
