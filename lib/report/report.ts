/**
 * The report model (DESIGN.md sections 1.5 and 5): counts and win rates, the calibrated inference and claims
 * (lib/report/inference.ts, claims.ts, at the look of lib/report/sequential.ts), position bias, per-prompt
 * breakdown, placebo check and the reveal table. Pure: no I/O, safe in server and client bundles.
 *
 * Counting rules:
 * - n = LoRA wins + baseline wins. Ties and skips are reported on their own and never count as losses.
 * - A score counts once per (pair_id, metric, rater); if the same rater judged the same pair and metric
 *   more than once, the last one in `scores` wins. Several raters each count.
 * - Pooled rows and the per-prompt breakdown count one verdict per pair and rater (lib/report/pair-verdicts.ts).
 * - Scores naming an unknown pair_id or a metric not in Setup are not counted (see `scores_ignored`).
 *
 * The counting itself is lib/report/judgments.ts; the shapes are in lib/report/schema.ts (re-exported here).
 */
import type { BlindPair, Session, Winner } from '@/lib/sessions/schema';
import { NO_INFERENCE, pooledCells, positionBias, tally } from './cells';
import { recommendation, scopeOf, settled } from './claims';
import { infer, type Estimate } from './inference';
import { BASELINE, LORA, OUTCOMES, countIndex, countJudgments, variantKey, versusVariant, type Judgments } from './judgments';
import { pairVerdicts } from './pair-verdicts';
import { POOLED_METRIC, type Cell, type Placebo, type PromptRow, type Report, type RevealRow } from './schema';
import { analysisOf } from './sequential';
import { binomialTestTwoSided } from './stats';

export * from './schema';

/**
 * Outcome counts of direct pairs per metric × strength (each metric's verdicts), per strength and per prompt
 * (non-placebo strengths), the last two one verdict per pair and rater.
 */
function sums(j: Judgments): { cell: Int32Array; pooled: Int32Array; prompt: Int32Array } {
  const K = j.strengthIndexes.length;
  const P = j.prompts.length;
  const O = OUTCOMES.length;
  const cell = new Int32Array(j.metrics.length * K * O);
  for (let m = 0; m < j.metrics.length; m++) {
    for (let k = 0; k < K; k++) {
      for (let p = 0; p < P; p++) {
        const at = countIndex(j, m, k, p);
        for (let o = 0; o < O; o++) cell[(m * K + k) * O + o]! += j.counts[at + o] as number;
      }
    }
  }
  const pooled = new Int32Array(K * O);
  const prompt = new Int32Array(P * O);
  const pv = pairVerdicts(j);
  pv.pair.forEach((p, v) => {
    if (!j.pairDirect[p]) return;
    const k = j.pairStrength[p] as number;
    const o = pv.outcome[v] as number;
    pooled[k * O + o]! += 1;
    if (j.strengths[k] !== 0) prompt[(j.pairPrompt[p] as number) * O + o]! += 1;
  });
  return { cell, pooled, prompt };
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/** The files of a pair's two sides in a several-file session, as indexes and labels (RevealRowSchema). */
function variantSides(j: Judgments, p: BlindPair): Pick<RevealRow, 'lora_index' | 'versus_lora_index' | 'file' | 'versus_file'> {
  const lora = p.lora_index ?? 0;
  const versus = p.versus_strength_index === null ? null : (p.versus_lora_index ?? 0);
  return {
    lora_index: lora,
    versus_lora_index: versus,
    file: j.fileLabels[lora],
    versus_file: versus === null ? null : j.fileLabels[versus],
  };
}

/** The inference fields of a cell from its estimate (probabilities of beating the baseline). */
function inferenceOf(e: Estimate | undefined): Pick<Cell, keyof typeof NO_INFERENCE> {
  if (!e) return NO_INFERENCE;
  return {
    estimate: logistic(e.theta),
    ci_low: e.low === null ? null : logistic(e.low),
    ci_high: e.high === null ? null : logistic(e.high),
    p_value: e.p_value,
    p_holm: e.p_holm,
  };
}

/** The session as it was after its first `n` scores. */
const withScores = (session: Session, n: number): Session => ({
  ...session,
  step_3_evaluation: { ...session.step_3_evaluation, scores: session.step_3_evaluation.scores.slice(0, n) },
});

/**
 * Builds the report of a session. Pure; works on a session at any step (counts what is there). `judgments` is
 * `countJudgments(session)`, passed in when the caller has it already. Counts are live; intervals, tests and claims
 * come from the current look (lib/report/sequential.ts): none before half the pairs are judged, the data as they
 * stood at the halfway point until the evaluation is complete, then all of it.
 */
export function buildReport(session: Session, judgments: Judgments = countJudgments(session)): Report {
  const j = judgments;
  const setup = session.step_1_setup;
  const K = j.strengthIndexes.length;
  const O = OUTCOMES.length;
  const total = sums(j);

  const analysis = analysisOf(session);
  const analysed = analysis.kind === 'interim' ? countJudgments(withScores(session, analysis.scores)) : j;
  const inf = infer(analysed, analysis.alpha);
  const cellKey = (measure: string, lora: number | undefined, k: number) => `${measure}\u0000${variantKey(lora ?? 0, k)}`;
  const estimateOf = new Map(inf.estimates.map((e) => [cellKey(e.measure, e.lora_index, e.strength_index), e]));
  // The placebo's check: under "no bias" its verdicts on identical pictures are fair coin flips, pair by pair, so an
  // exact binomial test of the analysed counts is valid without clustering.
  const analysedSums = analysed === j ? total : sums(analysed);
  const placeboP = (metric: string, at: number): number | null => {
    if (analysis.alpha === null) return null;
    const m = j.metrics.indexOf(metric);
    const t = m < 0 ? tally(analysedSums.pooled, at * O) : tally(analysedSums.cell, (m * K + at) * O);
    return t.n ? binomialTestTwoSided(t.lora_wins, t.n) : null;
  };
  const withInference = (c: Cell): Cell =>
    c.placebo
      ? {
          ...c,
          ...NO_INFERENCE,
          estimate: c.win_rate,
          p_value: placeboP(c.metric, j.variantAt.get(variantKey(c.lora_index ?? 0, c.strength_index)) as number),
        }
      : { ...c, ...inferenceOf(estimateOf.get(cellKey(c.metric, c.lora_index, c.strength_index))) };
  const several = j.files.length > 1;

  const cells: Cell[] = [];
  j.metrics.forEach((metric, m) => {
    j.strengthIndexes.forEach((k, i) => {
      const strength = j.strengths[i] as number;
      const t = tally(total.cell, (m * K + i) * O);
      const lora = several ? { lora_index: j.loraIndexes[i] as number } : {};
      cells.push(withInference({ metric, strength, strength_index: k, ...lora, placebo: strength === 0, ...t, ...NO_INFERENCE }));
    });
  });
  const pooled = pooledCells(j.strengthIndexes, j.strengths, total.pooled, several ? j.loraIndexes : undefined).map(withInference);

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

  const placeboCell = pooled.find((c) => c.placebo && c.metric === POOLED_METRIC);
  const placebo: Placebo | null = placeboCell
    ? { ...placeboCell, biased: analysis.alpha !== null && placeboCell.p_value !== null && placeboCell.p_value < analysis.alpha }
    : null;

  const reveal: RevealRow[] = j.pairs.slice(0, j.revealed).map((p, index) => ({
    index,
    pair_id: p.pair_id,
    prompt_index: p.prompt_index,
    positive: positiveOf(p.prompt_index),
    seed: setup.seeds[p.seed_index] ?? null,
    strength: p.strength,
    strength_index: p.strength_index,
    versus_strength: p.versus_strength_index === null ? null : (j.strengths[j.variantAt.get(versusVariant(p) as string) as number] ?? null),
    ...(several ? variantSides(j, p) : {}),
    left: p.left,
    baseline_image_id: p.baseline_image_id,
    lora_image_id: p.lora_image_id,
    verdicts: verdicts[index] ?? {},
  }));

  const scope = scopeOf(inf, analysis);
  const pairsAnalysed = new Set(analysed.pairOf).size;
  return {
    session_id: session.session_id,
    lora_filename: setup.lora_filename,
    ...(several ? { lora_files: [...j.files], file_labels: [...j.fileLabels] } : {}),
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
    recommendation: recommendation(inf, analysis),
    settled: settled(inf, analysis, pairsAnalysed),
    analysis: {
      kind: analysis.kind,
      alpha: analysis.alpha,
      family: inf.family,
      confidence: inf.confidence,
      prompts: inf.prompts,
      generalises: scope.generalises,
      scope: scope.scope,
      pairs_seen: analysis.pairs_seen,
      pairs_needed: analysis.pairs_needed,
      pairs_analysed: pairsAnalysed,
    },
    placebo,
    reveal,
  };
}
