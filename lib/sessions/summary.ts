import { countJudgments } from '@/lib/report/judgments';
import { currentStep, type Session, type SessionRow } from './schema';

/**
 * The summary row of a loaded session (the Load dropdown and All sessions), its verdicts counted as the report counts
 * them (lib/report/judgments.ts), so the history and the report cannot disagree.
 */
export function summarize(s: Session): SessionRow {
  const results = s.step_2_generation.results;
  const done = results.filter((r) => r.status === 'done');
  return {
    damaged: false,
    session_id: s.session_id,
    timestamp: s.timestamp,
    lora_filename: s.step_1_setup.lora_filename,
    lora_files: s.step_1_setup.lora_files,
    status: s.status,
    step: currentStep(s),
    revision: s.revision,
    notes: s.notes,
    images_done: done.length,
    images_total: results.length,
    judgments: s.step_3_evaluation.scores.length,
    verdicts_counted: countJudgments(s).scores.length,
    pairs_total: s.step_2_generation.shuffled_results.length,
    thumbnail: done[0]?.filename ?? null,
    legacy: false,
  };
}
