/**
 * The report model (DESIGN.md sections 1.5 and 5): counts, win rates, Wilson intervals, exact binomial
 * tests, Holm correction, position bias, per-prompt breakdown, recommended strength, placebo check and
 * the reveal table. Pure: no I/O, safe in server and client bundles.
 *
 * Counting rules:
 * - n = LoRA wins + baseline wins. Ties and skips are reported on their own and never count as losses.
 * - A score counts once per (pair_id, metric, rater); if the same rater judged the same pair and metric
 *   more than once, the last one in `scores` wins. Several raters each count.
 * - Scores naming an unknown pair_id or a metric not in Setup are not counted (see `scores_ignored`).
 * - A cell with n = 0 has win_rate, ci_low, ci_high, p_value and p_holm null (no test was done, and it
 *   is left out of the Holm family).
 */
import { z } from 'zod';
import { RoleSchema, WinnerSchema, type BlindPair, type Score, type Session, type Winner } from '@/lib/sessions/schema';
import { binomialTestTwoSided, holmAdjust, wilsonInterval } from './stats';

/** The metric name of the pooled (all metrics summed) rows. */
export const POOLED_METRIC = 'All metrics';
/** Significance level for the placebo bias flag. */
export const PLACEBO_ALPHA = 0.05;

const Prob = z.number().min(0).max(1);
const Count = z.number().int().min(0);

export const TallySchema = z.object({
  lora_wins: Count,
  baseline_wins: Count,
  ties: Count,
  skips: Count,
  /** "Both bad": neither image is acceptable; reported apart, never a win or a loss. */
  both_bad: Count,
  /** lora_wins + baseline_wins (ties, skips and both-bad excluded). */
  n: Count,
  /** lora_wins / n, null when n = 0. */
  win_rate: Prob.nullable(),
  /** 95% Wilson score interval, null when n = 0. */
  ci_low: Prob.nullable(),
  ci_high: Prob.nullable(),
  /** Two-sided exact binomial test against 0.5, null when n = 0. */
  p_value: Prob.nullable(),
});
export type Tally = z.infer<typeof TallySchema>;

export const CellSchema = TallySchema.extend({
  metric: z.string(),
  strength: z.number(),
  strength_index: Count,
  /** strength === 0: the "LoRA" image is made without the LoRA's effect, a control. */
  placebo: z.boolean(),
  /** Holm-adjusted across the metrics at the same strength (pooled rows: = p_value). */
  p_holm: Prob.nullable(),
});
export type Cell = z.infer<typeof CellSchema>;

export const PositionBiasSchema = z.object({
  left_picks: Count,
  right_picks: Count,
  /** Decisive judgments (winner baseline or lora). */
  n: Count,
  /** left_picks / n, null when n = 0. */
  rate: Prob.nullable(),
  ci_low: Prob.nullable(),
  ci_high: Prob.nullable(),
  p_value: Prob.nullable(),
});
export type PositionBias = z.infer<typeof PositionBiasSchema>;

export const PromptRowSchema = z.object({
  prompt_index: Count,
  positive: z.string(),
  lora_wins: Count,
  baseline_wins: Count,
  ties: Count,
  skips: Count,
  n: Count,
  win_rate: Prob.nullable(),
});
export type PromptRow = z.infer<typeof PromptRowSchema>;

export const RecommendationSchema = z.object({
  strength: z.number().nullable(),
  strength_index: Count.nullable(),
  reason: z.string(),
});
export type Recommendation = z.infer<typeof RecommendationSchema>;

export const PlaceboSchema = CellSchema.extend({
  /** p_value < 0.05: the rater prefers the "LoRA" side of identical-by-construction pairs. */
  biased: z.boolean(),
});
export type Placebo = z.infer<typeof PlaceboSchema>;

export const RevealRowSchema = z.object({
  /** Position in evaluation order, from 0. */
  index: Count,
  pair_id: z.string(),
  prompt_index: Count,
  positive: z.string(),
  seed: z.number().nullable(),
  strength: z.number(),
  strength_index: Count,
  /** Which role was shown on the left. */
  left: RoleSchema,
  baseline_image_id: z.string(),
  lora_image_id: z.string(),
  /** metric -> winner (with several raters: the last counted score). */
  verdicts: z.record(z.string(), WinnerSchema),
});
export type RevealRow = z.infer<typeof RevealRowSchema>;

export const ReportSchema = z.object({
  session_id: z.string(),
  lora_filename: z.string(),
  metrics: z.array(z.string()),
  strengths: z.array(z.number()),
  pairs_total: Count,
  /** Pairs with at least one counted score. */
  pairs_judged: Count,
  /** Counted scores (after the rules in this module's header). */
  judgments: Count,
  /** Scores not counted: unknown pair or metric, or superseded by a later score of the same rater. */
  scores_ignored: Count,
  complete: z.boolean(),
  /** One per metric × strength_index, metric-major (all strengths of metrics[0], then metrics[1], …). */
  cells: z.array(CellSchema),
  /** One per strength_index, metrics summed; metric = "All metrics". */
  pooled: z.array(CellSchema),
  position_bias: PositionBiasSchema,
  per_prompt: z.array(PromptRowSchema),
  recommendation: RecommendationSchema,
  /** The pooled strength-0 row, or null when 0 is not among the strengths. */
  placebo: PlaceboSchema.nullable(),
  reveal: z.array(RevealRowSchema),
});
export type Report = z.infer<typeof ReportSchema>;

interface Counts {
  lora_wins: number;
  baseline_wins: number;
  ties: number;
  skips: number;
  both_bad: number;
}

const zeroCounts = (): Counts => ({ lora_wins: 0, baseline_wins: 0, ties: 0, skips: 0, both_bad: 0 });

function add(c: Counts, w: Winner): void {
  if (w === 'lora') c.lora_wins++;
  else if (w === 'baseline') c.baseline_wins++;
  else if (w === 'tie') c.ties++;
  else if (w === 'both_bad') c.both_bad++;
  else c.skips++;
}

function tally(c: Counts): Tally {
  const n = c.lora_wins + c.baseline_wins;
  const ci = wilsonInterval(c.lora_wins, n);
  return {
    ...c,
    n,
    win_rate: n === 0 ? null : c.lora_wins / n,
    ci_low: ci?.low ?? null,
    ci_high: ci?.high ?? null,
    p_value: n === 0 ? null : binomialTestTwoSided(c.lora_wins, n),
  };
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const pctNum = (x: number): string => `${Math.round(x * 100)}`;

function describe(c: Cell): string {
  return (
    `strength ${c.strength}: LoRA won ${pct(c.win_rate ?? 0)} of ${c.n} decisive judgments, ` +
    `95% CI ${pctNum(c.ci_low ?? 0)}–${pct(c.ci_high ?? 0)}`
  );
}

function recommend(pooled: Cell[]): Recommendation {
  const candidates = pooled.filter((c) => !c.placebo && c.ci_low !== null);
  let best: Cell | null = null;
  for (const c of candidates) {
    // Strict ">" keeps the first (lowest strength_index) on an exact tie.
    if (best === null || (c.ci_low as number) > (best.ci_low as number)) best = c;
  }
  if (best === null) {
    return {
      strength: null,
      strength_index: null,
      reason: 'No evidence the LoRA helps: there are no decisive judgments at any non-zero strength yet.',
    };
  }
  if ((best.ci_low as number) <= 0.5) {
    return {
      strength: null,
      strength_index: null,
      reason:
        "No evidence the LoRA helps: no strength's 95% interval lies above 50% " +
        `(highest lower bound at ${describe(best)}, all metrics pooled).`,
    };
  }
  return {
    strength: best.strength,
    strength_index: best.strength_index,
    reason:
      `At strength ${best.strength} the LoRA won ${pct(best.win_rate as number)} of ${best.n} decisive ` +
      `judgments (95% CI ${pctNum(best.ci_low as number)}–${pct(best.ci_high as number)}, all metrics pooled), ` +
      'the highest lower bound among strengths.',
  };
}

/** Builds the report of a session. Pure; works on a session at any step (counts what is there). */
export function buildReport(session: Session): Report {
  const setup = session.step_1_setup;
  // Repeated control pairs measure self-consistency (lib/report/extras.ts); they never count twice here.
  const pairs = session.step_2_generation.shuffled_results.filter((p) => !p.repeat);
  const scores = session.step_3_evaluation.scores;
  const metrics = setup.metrics;
  const metricSet = new Set(metrics);

  // strength_index -> strength: Setup's weight_range first, pairs fill any index beyond it.
  const strengthOf = new Map<number, number>();
  setup.weight_range.forEach((s, i) => strengthOf.set(i, s));
  for (const p of pairs) if (!strengthOf.has(p.strength_index)) strengthOf.set(p.strength_index, p.strength);
  const strengthIndexes = [...strengthOf.keys()].sort((a, b) => a - b);

  const pairById = new Map<string, BlindPair>();
  for (const p of pairs) pairById.set(p.pair_id, p);

  // Counted scores: known pair and metric, last per (pair, metric, rater).
  const counted = new Map<string, Score>();
  for (const s of scores) {
    if (!pairById.has(s.pair_id) || !metricSet.has(s.metric)) continue;
    const key = JSON.stringify([s.pair_id, s.metric, s.rater]);
    counted.delete(key); // keep evaluation order of the latest
    counted.set(key, s);
  }
  const effective = [...counted.values()];

  const cellCounts = new Map<string, Counts>(); // key: metric \0 strength_index
  const cellKey = (metric: string, k: number) => `${metric}\u0000${k}`;
  const pooledCounts = new Map<number, Counts>();
  const promptCounts = new Map<number, Counts>();
  const judgedPairs = new Set<string>();
  const verdicts = new Map<string, Record<string, Winner>>();
  let leftPicks = 0;
  let rightPicks = 0;

  for (const s of effective) {
    const pair = pairById.get(s.pair_id) as BlindPair;
    judgedPairs.add(pair.pair_id);
    const k = pair.strength_index;
    const ck = cellKey(s.metric, k);
    if (!cellCounts.has(ck)) cellCounts.set(ck, zeroCounts());
    add(cellCounts.get(ck) as Counts, s.winner);
    if (!pooledCounts.has(k)) pooledCounts.set(k, zeroCounts());
    add(pooledCounts.get(k) as Counts, s.winner);
    if ((strengthOf.get(k) as number) !== 0) {
      if (!promptCounts.has(pair.prompt_index)) promptCounts.set(pair.prompt_index, zeroCounts());
      add(promptCounts.get(pair.prompt_index) as Counts, s.winner);
    }
    if (s.winner === 'lora' || s.winner === 'baseline') {
      if (s.winner === s.left) leftPicks++;
      else rightPicks++;
    }
    const v = verdicts.get(pair.pair_id) ?? {};
    v[s.metric] = s.winner;
    verdicts.set(pair.pair_id, v);
  }

  // Cells, with Holm across metrics at each strength.
  const cells: Cell[] = [];
  for (const metric of metrics) {
    for (const k of strengthIndexes) {
      const strength = strengthOf.get(k) as number;
      const t = tally(cellCounts.get(cellKey(metric, k)) ?? zeroCounts());
      cells.push({ metric, strength, strength_index: k, placebo: strength === 0, ...t, p_holm: null });
    }
  }
  for (const k of strengthIndexes) {
    const group = cells.filter((c) => c.strength_index === k);
    const adjusted = holmAdjust(group.map((c) => c.p_value));
    group.forEach((c, i) => {
      c.p_holm = adjusted[i] ?? null;
    });
  }

  const pooled: Cell[] = strengthIndexes.map((k) => {
    const strength = strengthOf.get(k) as number;
    const t = tally(pooledCounts.get(k) ?? zeroCounts());
    return { metric: POOLED_METRIC, strength, strength_index: k, placebo: strength === 0, ...t, p_holm: t.p_value };
  });

  const decisive = leftPicks + rightPicks;
  const posCi = wilsonInterval(leftPicks, decisive);
  const position_bias: PositionBias = {
    left_picks: leftPicks,
    right_picks: rightPicks,
    n: decisive,
    rate: decisive === 0 ? null : leftPicks / decisive,
    ci_low: posCi?.low ?? null,
    ci_high: posCi?.high ?? null,
    p_value: decisive === 0 ? null : binomialTestTwoSided(leftPicks, decisive),
  };

  const positiveOf = (i: number): string => setup.prompt_pairs[i]?.positive ?? '';
  const promptIndexes = new Set<number>(setup.prompt_pairs.map((_, i) => i));
  for (const p of pairs) promptIndexes.add(p.prompt_index);
  const per_prompt: PromptRow[] = [...promptIndexes]
    .sort((a, b) => a - b)
    .map((i) => {
      const t = tally(promptCounts.get(i) ?? zeroCounts());
      return {
        prompt_index: i,
        positive: positiveOf(i),
        lora_wins: t.lora_wins,
        baseline_wins: t.baseline_wins,
        ties: t.ties,
        skips: t.skips,
        n: t.n,
        win_rate: t.win_rate,
      };
    });

  const placeboCell = pooled.find((c) => c.placebo);
  const placebo: Placebo | null = placeboCell
    ? { ...placeboCell, biased: placeboCell.p_value !== null && placeboCell.p_value < PLACEBO_ALPHA }
    : null;

  const reveal: RevealRow[] = pairs.map((p, index) => ({
    index,
    pair_id: p.pair_id,
    prompt_index: p.prompt_index,
    positive: positiveOf(p.prompt_index),
    seed: setup.seeds[p.seed_index] ?? null,
    strength: p.strength,
    strength_index: p.strength_index,
    left: p.left,
    baseline_image_id: p.baseline_image_id,
    lora_image_id: p.lora_image_id,
    verdicts: verdicts.get(p.pair_id) ?? {},
  }));

  return {
    session_id: session.session_id,
    lora_filename: setup.lora_filename,
    metrics: [...metrics],
    strengths: [...setup.weight_range],
    pairs_total: pairs.length,
    pairs_judged: judgedPairs.size,
    judgments: effective.length,
    scores_ignored: scores.length - effective.length,
    complete: session.step_3_evaluation.evaluation_complete,
    cells,
    pooled,
    position_bias,
    per_prompt,
    recommendation: recommend(pooled),
    placebo,
    reveal,
  };
}
