import { DEFAULT_RATER, type Session } from '@/lib/sessions/schema';
import { pooledCells, positionBias } from './cells';
import { BASELINE, LORA, OUTCOMES, countJudgments, type Judgments } from './judgments';
import { pairVerdicts } from './pair-verdicts';
import type { RaterReport } from './schema';

/**
 * The report's numbers for each rater on their own (raters in order of their first score): the pooled rows (one
 * verdict per pair, no inference) and position bias of `buildReport` over that rater's counted scores, and the number of their scores (counted or not).
 * `judgments` is `countJudgments(session)`, passed in when the caller has it already. A name with scores but no
 * stored rater (the default rater, or scores imported from the original tool) takes the session's own order origin.
 */
export function raterReports(session: Session, judgments: Judgments = countJudgments(session)): RaterReport[] {
  const j = judgments;
  const K = j.strengthIndexes.length;
  const O = OUTCOMES.length;
  const counts = j.raters.map(() => new Int32Array(K * O));
  const left = new Int32Array(j.raters.length);
  const right = new Int32Array(j.raters.length);
  const pv = pairVerdicts(j);
  pv.pair.forEach((p, v) => {
    if (j.pairDirect[p]) (counts[pv.rater[v] as number] as Int32Array)[(j.pairStrength[p] as number) * O + (pv.outcome[v] as number)]! += 1;
  });
  j.scores.forEach((s, i) => {
    const r = j.raterOf[i] as number;
    const outcome = j.outcomeOf[i] as number;
    if (outcome === LORA || outcome === BASELINE) {
      if (s.winner === s.left) left[r]! += 1;
      else right[r]! += 1;
    }
  });
  const stored = new Map(session.step_3_evaluation.raters.map((x) => [x.name, x]));
  return j.raters.map((name, r) => ({
    name,
    order: stored.get(name)?.origin ?? (name === DEFAULT_RATER ? session.step_2_generation.order_origin : 'public'),
    invited: stored.get(name)?.invited ?? false,
    looked_at: stored.get(name)?.looked_at ?? null,
    judgments: j.scoresPerRater[r] as number,
    pooled: pooledCells(j.strengthIndexes, j.strengths, counts[r] as Int32Array, j.files.length > 1 ? j.loraIndexes : undefined),
    position_bias: positionBias(left[r] as number, right[r] as number),
  }));
}
