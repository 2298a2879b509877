import { currentStep, type Session, type Step } from './schema';

/**
 * A session as the browser may see it: everything but the blind pairings (`shuffled_results` and the raters' orders,
 * which map tokens to roles) and the raw scores, which are replaced by counts. Before the report nothing here says which side of a
 * pair is the LoRA.
 */
export type ClientSession = Omit<Session, 'step_2_generation' | 'step_3_evaluation'> & {
  step: Step;
  step_2_generation: Omit<Session['step_2_generation'], 'shuffled_results'> & { pairs_total: number };
  step_3_evaluation: Omit<Session['step_3_evaluation'], 'scores' | 'raters'> & {
    judgments: number;
    /** Named raters without their orders (which map tokens to roles). */
    raters: Array<{ name: string; current_eval_index: number; evaluation_complete: boolean; total: number }>;
  };
};

/** Strips the blind pairing and raw scores from a session (see ClientSession). */
export function toClientSession(s: Session): ClientSession {
  const { shuffled_results, ...gen } = s.step_2_generation;
  const { scores, raters, ...ev } = s.step_3_evaluation;
  return {
    ...s,
    step: currentStep(s),
    step_2_generation: { ...gen, pairs_total: shuffled_results.length },
    step_3_evaluation: {
      ...ev,
      judgments: scores.length,
      raters: raters.map((r) => ({
        name: r.name,
        current_eval_index: r.current_eval_index,
        evaluation_complete: r.evaluation_complete,
        total: r.order.length,
      })),
    },
  };
}
