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
 *
 * The counting itself is lib/report/judgments.ts; the shapes are in lib/report/schema.ts (re-exported here).
 */
import type { Session, Winner } from '@/lib/sessions/schema';
import { pooledCells, positionBias, tally } from './cells';
import { BASELINE, LORA, OUTCOMES, countIndex, countJudgments, type Judgments } from './judgments';
import type { Cell, Placebo, PromptRow, Recommendation, Report, RevealRow } from './schema';
import { holmAdjust } from './stats';

export * from './schema';

/** Significance level for the placebo bias flag. */
export const PLACEBO_ALPHA = 0.05;

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

/** Outcome counts per metric × strength, per strength (metrics summed) and per prompt (non-placebo strengths). */
function sums(j: Judgments): { cell: Int32Array; pooled: Int32Array; prompt: Int32Array } {
  const K = j.strengthIndexes.length;
  const P = j.prompts.length;
  const O = OUTCOMES.length;
  const cell = new Int32Array(j.metrics.length * K * O);
  const pooled = new Int32Array(K * O);
  const prompt = new Int32Array(P * O);
  for (let m = 0; m < j.metrics.length; m++) {
    for (let k = 0; k < K; k++) {
      const placebo = j.strengths[k] === 0;
      for (let p = 0; p < P; p++) {
        const at = countIndex(j, m, k, p);
        for (let o = 0; o < O; o++) {
          const c = j.counts[at + o] as number;
          cell[(m * K + k) * O + o]! += c;
          pooled[k * O + o]! += c;
          if (!placebo) prompt[p * O + o]! += c;
        }
      }
    }
  }
  return { cell, pooled, prompt };
}

/**
 * Builds the report of a session. Pure; works on a session at any step (counts what is there). `judgments` is
 * `countJudgments(session)`, passed in when the caller has it already.
 */
export function buildReport(session: Session, judgments: Judgments = countJudgments(session)): Report {
  const j = judgments;
  const setup = session.step_1_setup;
  const K = j.strengthIndexes.length;
  const O = OUTCOMES.length;
  const total = sums(j);

  // Cells, metric-major, with Holm across metrics at each strength.
  const cells: Cell[] = [];
  j.metrics.forEach((metric, m) => {
    j.strengthIndexes.forEach((k, i) => {
      const strength = j.strengths[i] as number;
      const t = tally(total.cell, (m * K + i) * O);
      cells.push({ metric, strength, strength_index: k, placebo: strength === 0, ...t, p_holm: null });
    });
  });
  for (let i = 0; i < K; i++) {
    const group = j.metrics.map((_, m) => cells[m * K + i] as Cell);
    const adjusted = holmAdjust(group.map((c) => c.p_value));
    group.forEach((c, g) => {
      c.p_holm = adjusted[g] ?? null;
    });
  }
  const pooled = pooledCells(j.strengthIndexes, j.strengths, total.pooled);

  // Position bias, judged pairs and the verdicts per pair (with several raters: the last counted score).
  let leftPicks = 0;
  let rightPicks = 0;
  const judged = new Uint8Array(j.pairs.length);
  const verdicts: (Record<string, Winner> | undefined)[] = new Array(j.pairs.length);
  j.scores.forEach((s, i) => {
    const p = j.pairOf[i] as number;
    const outcome = j.outcomeOf[i] as number;
    judged[p] = 1;
    if (outcome === LORA || outcome === BASELINE) {
      if (s.winner === s.left) leftPicks++;
      else rightPicks++;
    }
    (verdicts[p] ??= {})[s.metric] = s.winner;
  });

  const positiveOf = (i: number): string => setup.prompt_pairs[i]?.positive ?? '';
  const per_prompt: PromptRow[] = j.prompts.map((prompt_index, p) => {
    const t = tally(total.prompt, p * O);
    return {
      prompt_index,
      positive: positiveOf(prompt_index),
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

  const reveal: RevealRow[] = j.pairs.map((p, index) => ({
    index,
    pair_id: p.pair_id,
    prompt_index: p.prompt_index,
    positive: positiveOf(p.prompt_index),
    seed: setup.seeds[p.seed_index] ?? null,
    strength: p.strength,
    strength_index: p.strength_index,
    versus_strength: p.versus_strength_index === null ? null : (j.strengths[j.strengthIndexes.indexOf(p.versus_strength_index)] ?? null),
    left: p.left,
    baseline_image_id: p.baseline_image_id,
    lora_image_id: p.lora_image_id,
    verdicts: verdicts[index] ?? {},
  }));

  return {
    session_id: session.session_id,
    lora_filename: setup.lora_filename,
    metrics: [...j.metrics],
    strengths: [...setup.weight_range],
    pairs_total: j.pairs.length,
    pairs_judged: judged.reduce((a, b) => a + b, 0),
    judgments: j.scores.length,
    scores_ignored: session.step_3_evaluation.scores.length - j.scores.length,
    complete: session.step_3_evaluation.evaluation_complete,
    cells,
    pooled,
    position_bias: positionBias(leftPicks, rightPicks),
    per_prompt,
    recommendation: recommend(pooled),
    placebo,
    reveal,
  };
}
