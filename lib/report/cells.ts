/**
 * From outcome counts to the report's rows: the tally of one cell, the pooled rows of a set of counts, and the
 * position-bias row. Pure: no I/O, safe in server and client bundles.
 */
import { BASELINE, BOTH_BAD, LORA, OUTCOMES, SKIP, TIE } from './judgments';
import { POOLED_METRIC, type Cell, type PositionBias, type Tally } from './schema';
import { binomialTestTwoSided, wilsonInterval } from './stats';

/** The tally of the five outcome counts at `counts[at…at+4]` (OUTCOMES order). n = LoRA wins + baseline wins. */
export function tally(counts: ArrayLike<number>, at = 0): Tally {
  const lora_wins = counts[at + LORA] as number;
  const baseline_wins = counts[at + BASELINE] as number;
  const n = lora_wins + baseline_wins;
  return {
    lora_wins,
    baseline_wins,
    ties: counts[at + TIE] as number,
    skips: counts[at + SKIP] as number,
    both_bad: counts[at + BOTH_BAD] as number,
    n,
    win_rate: n === 0 ? null : lora_wins / n,
  };
}

/** No inference: the fields a cell has before the first analysis, with too few prompts, or in a rater's rows. */
export const NO_INFERENCE = { estimate: null, ci_low: null, ci_high: null, p_value: null, p_holm: null } as const;

/**
 * The pooled rows ("All metrics"), one per variant position, without inference: `counts` holds five outcome counts
 * per position of `strengthIndexes` (OUTCOMES order). `loraIndexes` (several-file sessions only) gives each row its
 * `lora_index`.
 */
export function pooledCells(
  strengthIndexes: readonly number[],
  strengths: readonly number[],
  counts: ArrayLike<number>,
  loraIndexes?: readonly number[],
): Cell[] {
  return strengthIndexes.map((k, i) => {
    const strength = strengths[i] as number;
    return {
      metric: POOLED_METRIC,
      strength,
      strength_index: k,
      ...(loraIndexes ? { lora_index: loraIndexes[i] as number } : {}),
      placebo: strength === 0,
      ...tally(counts, i * OUTCOMES.length),
      ...NO_INFERENCE,
    };
  });
}

/**
 * How often the left image won among `left + right` decisive judgments, with its Wilson interval and exact test: a
 * check of each rater's habit, where every judgment is one trial.
 */
export function positionBias(left: number, right: number): PositionBias {
  const n = left + right;
  const ci = wilsonInterval(left, n);
  return {
    left_picks: left,
    right_picks: right,
    n,
    rate: n === 0 ? null : left / n,
    ci_low: ci?.low ?? null,
    ci_high: ci?.high ?? null,
    p_value: n === 0 ? null : binomialTestTwoSided(left, n),
  };
}
