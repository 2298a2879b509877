import { planResults } from '@/lib/generation/plan';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { newBlindToken, newOrderSecret } from '@/lib/evaluation/secret';
import { SessionSchema, type Session, type Setup } from '@/lib/sessions/schema';

/**
 * A session whose generation is complete (every image done), by default 2 prompts × 2 seeds × strengths [0, 0.5, 1]
 * in the direct design (every pair against the baseline), its order shuffled with a fresh secret. `setup` overrides
 * Setup fields (e.g. `{design: 'balanced', weight_range: [...]}`).
 */
export function generatedSession(id = '20240115_143022', setupOverrides: Partial<Setup> = {}): Session {
  const setup = {
    checkpoint: 'v1-5-pruned-emaonly.safetensors',
    lora_filename: 'my_lora.safetensors',
    weight_range: [0, 0.5, 1],
    seeds: [898938, 898939],
    metrics: ['Quality', 'Style', 'Coherence'],
    design: 'direct',
    prompt_pairs: [{ positive: 'a portrait of a woman in a red coat' }, { positive: 'a cabin in a snowy forest' }],
    ...setupOverrides,
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
  const secret = newOrderSecret();
  Object.assign(draft.step_2_generation, {
    shuffled_results: makeBlindPairs(secret, draft.step_2_generation.results, newBlindToken, 0, draft.step_1_setup.design),
    order_secret: secret,
    order_origin: 'secret',
  });
  return draft;
}
