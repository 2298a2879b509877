import type { Session } from '@/lib/sessions/schema';
import { buildReport, type Cell, type PositionBias } from './report';

/** One rater's part of the report. */
export interface RaterReport {
  name: string;
  judgments: number;
  /** Pooled over metrics, per strength, from this rater's scores alone. */
  pooled: Cell[];
  position_bias: PositionBias;
}

/** The report's numbers for each rater on their own (raters in order of their first score). */
export function raterReports(session: Session): RaterReport[] {
  const scores = session.step_3_evaluation.scores;
  const names = [...new Set(scores.map((s) => s.rater))];
  return names.map((name) => {
    const own = scores.filter((s) => s.rater === name);
    const r = buildReport({ ...session, step_3_evaluation: { ...session.step_3_evaluation, scores: own } });
    return { name, judgments: own.length, pooled: r.pooled, position_bias: r.position_bias };
  });
}
