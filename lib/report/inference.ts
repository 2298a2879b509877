/**
 * The report's calibrated inference (issue 14): per measure (each metric, and all metrics pooled with each pair
 * counted once) and strength, the chance to beat the baseline from a Bradley–Terry fit over every comparison of that
 * measure, with prompt-clustered intervals and tests, adjusted over the whole family. Pure: no I/O, safe in server
 * and client bundles.
 *
 * - Unit of evidence: a verdict of one rater on one pair. For a metric, its verdict; for the pooled measure, the side
 *   that won more of the pair's metrics (a tie when both won equally many; skips and "both bad" count for neither),
 *   so a pair counts once however many metrics it has.
 * - A tie is half a game split evenly: a quarter win each way (the "half a win each way with the weight of half a
 *   game" convention), so it pulls towards equal strengths without counting as a whole game.
 * - Cluster: the prompt. Tests are t-tests of θ = 0 with the cluster-robust standard error of lib/report/clustered-bt.ts
 *   and k − 1 degrees of freedom over k prompts (Cameron & Miller 2015); with fewer than MIN_PROMPTS prompts there is
 *   no interval and no test.
 * - Items: the baseline and every variant (LoRA file × strength, variantItem), so several files are ranked in one fit.
 * - Family: every metric and the pooled measure at every non-placebo variant. Holm (1979) over the family gives
 *   `p_holm`; each interval is a Bonferroni interval at 1 − α/m (m tests), so all of them hold together with
 *   probability ≥ 1 − α, and the recommendation read from them inherits that. α is the look's share of the error
 *   rate (lib/report/sequential.ts). The placebo (strength 0) gets a point estimate only: its check is an exact test
 *   of its own in lib/report/report.ts.
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { Comparison } from './bradley-terry-fit';
import { clusteredBradleyTerry, contrastSe, type ClusteredFit } from './clustered-bt';
import { BASELINE, LORA, TIE, versusVariant, type Judgments } from './judgments';
import { POOLED_METRIC } from './schema';
import { pairVerdicts } from './pair-verdicts';
import { holmAdjust } from './stats';

/** Prompts needed before any interval or test: with fewer, t critical values over k − 1 degrees of freedom are useless. */
export const MIN_PROMPTS = 3;
export const BASELINE_ITEM = 'baseline';
/** The Bradley–Terry item of a strength index (of file 0, the only file of a one-file session). */
export const strengthItem = (k: number): string => `s${k}`;
/** The Bradley–Terry item of a variant: `s<k>` for file 0 (so one-file fits are unchanged), else `f<file>_s<k>`. */
export const variantItem = (lora: number, k: number): string => (lora === 0 ? strengthItem(k) : `f${lora}_${strengthItem(k)}`);

export interface Estimate {
  measure: string;
  strength_index: number;
  /** The LoRA file (index into the session's files); absent means 0. */
  lora_index?: number;
  /** The file's label in a several-file session (`epoch 4`); absent or null with one file. */
  file?: string | null;
  strength: number;
  placebo: boolean;
  /** Log-odds of beating the baseline (Bradley–Terry log-strength, baseline 0). */
  theta: number;
  se: number | null;
  low: number | null;
  high: number | null;
  p_value: number | null;
  p_holm: number | null;
}

export interface Inference {
  /** Prompts with a comparison in the pooled fit. */
  prompts: number;
  /** Tests in the family (the m of Holm and Bonferroni). */
  family: number;
  /** Each non-placebo interval's level, 1 − α/m; null with no test. */
  confidence: number | null;
  estimates: Estimate[];
  /** The pooled fit, for contrasts between strengths. */
  pooled: ClusteredFit | null;
  alpha: number | null;
}

/**
 * Comparisons per prompt of each metric (index into `j.metrics`) and, last, of the pooled measure. Wins are summed in
 * one flat array per measure (prompt × item × item, items = baseline and each variant position), so 100,000 scores
 * cost one pass without string keys.
 */
export function comparisonsByMeasure(j: Judgments): Comparison[][][] {
  const M = j.metrics.length;
  const n = j.strengthIndexes.length + 1; // item 0: the baseline; item a + 1: strength position a
  const P = j.prompts.length;
  const wins = Array.from({ length: M + 1 }, () => new Float64Array(P * n * n));
  const high = Int32Array.from(j.pairs, (_, i) => (j.pairStrength[i] as number) + 1);
  const low = Int32Array.from(j.pairs, (p, i) => (j.pairDirect[i] ? 0 : (j.variantAt.get(versusVariant(p) as string) as number) + 1));
  /** One verdict (LORA: the higher item won, BASELINE: the lower, TIE: a quarter win each way). */
  const add = (w: Float64Array, p: number, outcome: number): void => {
    const base = (j.pairPrompt[p] as number) * n * n;
    const h = high[p] as number;
    const l = low[p] as number;
    if (outcome === LORA) w[base + h * n + l]! += 1;
    else if (outcome === BASELINE) w[base + l * n + h]! += 1;
    else if (outcome === TIE) {
      w[base + h * n + l]! += 0.25;
      w[base + l * n + h]! += 0.25;
    }
  };
  for (let i = 0; i < j.scores.length; i++) add(wins[j.metricOf[i] as number]!, j.pairOf[i] as number, j.outcomeOf[i] as number);
  const pv = pairVerdicts(j);
  pv.pair.forEach((p, v) => add(wins[M]!, p, pv.outcome[v] as number));
  const name = (item: number): string =>
    item === 0 ? BASELINE_ITEM : variantItem(j.loraIndexes[item - 1] as number, j.strengthIndexes[item - 1] as number);
  return wins.map((w) =>
    j.prompts.map((_, p) => {
      const out: Comparison[] = [];
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          const count = w[(p * n + a) * n + b] as number;
          if (count > 0) out.push({ winner: name(a), loser: name(b), count });
        }
      }
      return out;
    }),
  );
}

/** Two-sided p-value of a t statistic with `df` degrees of freedom. */
const tTest = (t: number, df: number): number => Math.min(1, 2 * (1 - tCdf(Math.abs(t), df)));

/**
 * The estimates of every measure × variant (LoRA file × strength) of `j` (the analysed judgments) at the look's error
 * rate `alpha` (null: point estimates only), in the order of `j`'s variant positions.
 */
export function infer(j: Judgments, alpha: number | null): Inference {
  const measures = [...j.metrics, POOLED_METRIC];
  const fits = comparisonsByMeasure(j).map((byPrompt) => clusteredBradleyTerry(byPrompt, BASELINE_ITEM));
  const estimates: Estimate[] = [];
  fits.forEach((f, m) => {
    if (!f) return;
    j.strengthIndexes.forEach((k, at) => {
      const lora = j.loraIndexes[at] as number;
      const item = variantItem(lora, k);
      if (!(item in f.estimate)) return;
      const se = f.clusters >= MIN_PROMPTS ? contrastSe(f, item, BASELINE_ITEM) : null;
      const theta = f.estimate[item] as number;
      const strength = j.strengths[at] as number;
      estimates.push({
        measure: measures[m] as string,
        strength_index: k,
        lora_index: lora,
        file: j.files.length > 1 ? (j.fileLabels[lora] ?? null) : null,
        strength,
        placebo: strength === 0,
        theta,
        se,
        low: null,
        high: null,
        p_value: alpha === null || se === null || strength === 0 ? null : tTest(theta / se, f.clusters - 1),
        p_holm: null,
      });
    });
  });
  const tested = estimates.filter((e) => !e.placebo && e.p_value !== null);
  const family = tested.length;
  holmAdjust(tested.map((e) => e.p_value)).forEach((p, i) => (tested[i]!.p_holm = p));
  const clustersOf = (measure: string) => fits[measures.indexOf(measure)]?.clusters ?? 0;
  for (const e of estimates) {
    if (alpha === null || e.se === null || e.p_value === null) continue;
    const crit = tQuantile(1 - alpha / family / 2, clustersOf(e.measure) - 1);
    e.low = e.theta - crit * e.se;
    e.high = e.theta + crit * e.se;
  }
  const pooled = fits[measures.length - 1] ?? null;
  return {
    prompts: pooled?.clusters ?? 0,
    family,
    confidence: alpha === null || family === 0 ? null : 1 - alpha / family,
    estimates,
    pooled,
    alpha,
  };
}

/**
 * Whether the pooled θ of strength item `a` exceeds that of `b` at error rate `level` (two-sided t interval with
 * k − 1 degrees of freedom on the difference): its lower bound, or null without a standard error.
 */
export function contrastLow(inf: Inference, a: string, b: string, level: number): number | null {
  const f = inf.pooled;
  if (!f || f.clusters < MIN_PROMPTS) return null;
  const se = contrastSe(f, a, b);
  if (se === null) return null;
  return (f.estimate[a] as number) - (f.estimate[b] as number) - tQuantile(1 - level / 2, f.clusters - 1) * se;
}
