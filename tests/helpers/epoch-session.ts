import seedrandom from 'seedrandom';
import { planResults } from '@/lib/generation/plan';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { SessionSchema, type BlindPair, type Score, type Session, type Winner } from '@/lib/sessions/schema';

/** Three epochs of one kohya run. */
export const EPOCH_FILES = ['run-000004.safetensors', 'run-000008.safetensors', 'run-000012.safetensors'];

/** The true log-strength of a picture in epochSession: the baseline 0, each file's effect growing with strength. */
export function trueQuality(lora: number, strength: number | null): number {
  if (strength === null || strength === 0) return 0;
  return [0.3, 1.2, 0.8][lora]! * strength;
}

/**
 * A fully judged, deterministic session over EPOCH_FILES: strengths [0, 0.5, 1], 4 prompts × 2 seeds, the balanced
 * design with a fixed secret and counter tokens, and for each pair (in order) a verdict per metric drawn from
 * `seedrandom('judge')`: a tie with probability 0.15, else the LoRA side wins with probability
 * logistic(q(lora side) − q(other side)) (trueQuality). Used by the report tests and their reference script.
 */
export function epochSession(): Session {
  const session = SessionSchema.parse({
    schema_version: 2,
    session_id: '20240115_143022',
    timestamp: 1705308622.5,
    revision: 3,
    status: 'completed',
    step_1_setup: {
      checkpoint: 'v1-5-pruned-emaonly.safetensors',
      lora_filename: EPOCH_FILES[0],
      lora_files: EPOCH_FILES,
      weight_range: [0, 0.5, 1],
      seeds: [1, 2],
      metrics: ['Quality', 'Style'],
      design: 'balanced',
      prompt_pairs: ['a cat', 'a dog', 'a house', 'a tree'].map((positive) => ({ positive })),
    },
    step_2_generation: { generation_started: true, generation_complete: true },
    step_3_evaluation: { evaluation_complete: true },
    step_4_report: {},
  });
  const g = session.step_2_generation;
  g.results = planResults(session.step_1_setup).map((r) => ({ ...r, status: 'done' }));
  let token = 0;
  g.shuffled_results = makeBlindPairs('f'.repeat(64), g.results, () => (token++).toString(16).padStart(32, '0'), 0, 'balanced');
  const rng = seedrandom('judge');
  const scores: Score[] = [];
  const versusQuality = (p: BlindPair) =>
    trueQuality(
      p.versus_lora_index ?? 0,
      p.versus_strength_index === null ? null : session.step_1_setup.weight_range[p.versus_strength_index]!,
    );
  for (const p of g.shuffled_results) {
    const d = trueQuality(p.lora_index ?? 0, p.strength) - versusQuality(p);
    for (const metric of session.step_1_setup.metrics) {
      const u = rng();
      const winner: Winner = u < 0.15 ? 'tie' : (u - 0.15) / 0.85 < 1 / (1 + Math.exp(-d)) ? 'lora' : 'baseline';
      scores.push({ pair_id: p.pair_id, metric, winner, left: p.left, rater: 'default', rating: null, same_image: false, at: 'now' });
    }
  }
  session.step_3_evaluation.scores = scores;
  session.step_3_evaluation.current_eval_index = g.shuffled_results.length;
  return session;
}
