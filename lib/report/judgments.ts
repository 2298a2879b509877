/**
 * The counted judgments of a session, indexed once for every figure of the report (lib/report/report.ts,
 * extras.ts, raters.ts), so that no module walks 100,000 scores with string keys of its own. Pure: no I/O, safe in
 * server and client bundles.
 *
 * Counting rules (the report's, see lib/report/report.ts):
 * - Only pairs of `shuffled_results` and of the raters' orders that are not repeats count (repeated controls feed
 *   self-consistency alone).
 * - Direct pairs (the LoRA at a strength against the baseline) fill `counts`, every figure's per-strength source.
 *   Pairs between two strengths (the balanced design) are counted scores too, but only the Bradley–Terry fit over
 *   all comparisons reads them (`pairDirect` tells them apart).
 * - A score counts once per (pair_id, metric, rater): the last one in `scores` wins, and the counted scores keep the
 *   evaluation order of their latest.
 * - Scores naming an unknown pair_id or a metric not in Setup are not counted.
 */
import { fileLabels, loraFiles, planVariants } from '@/lib/generation/variants';
import type { BlindPair, Score, Session, Winner } from '@/lib/sessions/schema';

/** Outcome codes, the index into the last axis of `Judgments.counts`. */
export const OUTCOMES = ['lora', 'baseline', 'tie', 'skip', 'both_bad'] as const satisfies readonly Winner[];
export const LORA = 0;
export const BASELINE = 1;
export const TIE = 2;
export const SKIP = 3;
export const BOTH_BAD = 4;
const CODE: Record<Winner, number> = { lora: LORA, baseline: BASELINE, tie: TIE, skip: SKIP, both_bad: BOTH_BAD };

export interface Judgments {
  /**
   * Counted pairs (not repeats): the default order's in evaluation order, then those only other raters' orders hold
   * (in order of the raters and their orders).
   */
  pairs: BlindPair[];
  /** How many of `pairs` are the default order's: the reveal shows these (another rater's sides stay theirs). */
  revealed: number;
  /** Setup's metrics. */
  metrics: string[];
  /**
   * The variants (LoRA file × strength, lib/generation/variants.ts), one per position, ordered by file and then
   * strength index: Setup's, and any beyond them that a pair names. `strengthIndexes` holds each position's strength
   * index (ascending within a file), `loraIndexes` its file (all 0 in a one-file session, where a position is a
   * strength exactly as before several files), `strengths` its strength.
   */
  strengthIndexes: number[];
  loraIndexes: number[];
  strengths: number[];
  /** The position of a variant, by `variantKey(file, strength index)`. */
  variantAt: Map<string, number>;
  /** The session's LoRA files, and their short labels (`epoch 4` or the file's stem). */
  files: string[];
  fileLabels: string[];
  /** Prompt indexes in ascending order: Setup's prompts and any a pair names. */
  prompts: number[];
  /** Every rater with a score (counted or not), in order of their first score. */
  raters: string[];
  /** Scores per rater (same order as `raters`), all of them, counted or not. */
  scoresPerRater: number[];
  /** The counted scores, in evaluation order of the latest. */
  scores: Score[];
  /** Per counted score: its pair (index into `pairs`), metric, rater (indexes) and outcome (OUTCOMES code). */
  pairOf: Int32Array;
  metricOf: Int32Array;
  raterOf: Int32Array;
  outcomeOf: Uint8Array;
  /**
   * Per pair: the position of its variant (for a pair between two variants: the one on the LoRA side) and of its prompt in `prompts`, and whether it is a direct comparison with the baseline (1) or between two
   * strengths (0).
   */
  pairStrength: Int32Array;
  pairDirect: Uint8Array;
  pairPrompt: Int32Array;
  /**
   * Counted outcomes of direct pairs per metric × strength × prompt: `counts[countIndex(j, metric, strength, prompt) +
   * outcome]`.
   */
  counts: Int32Array;
}

/** Where the five outcome counts of (metric, strength position, prompt position) start in `counts`. */
export function countIndex(j: Judgments, metric: number, strength: number, prompt: number): number {
  return ((metric * j.strengthIndexes.length + strength) * j.prompts.length + prompt) * OUTCOMES.length;
}

/** The key of a variant in `Judgments.variantAt`. */
export const variantKey = (lora: number, k: number): string => `${lora}:${k}`;

/** The variant on the LoRA side of a pair, and the one in the baseline's place (null: the baseline itself). */
export const pairVariant = (p: BlindPair): string => variantKey(p.lora_index ?? 0, p.strength_index);
export const versusVariant = (p: BlindPair): string | null =>
  p.versus_strength_index === null ? null : variantKey(p.versus_lora_index ?? 0, p.versus_strength_index);

/** Positions of sorted distinct values. */
function positions(values: Iterable<number>): { sorted: number[]; at: Map<number, number> } {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  return { sorted, at: new Map(sorted.map((v, i) => [v, i])) };
}

/** Indexes the counted judgments of `session` (see the module header). Two passes over the scores. */
export function countJudgments(session: Session): Judgments {
  const setup = session.step_1_setup;
  // The default order's pairs, then any pair only another rater's order holds: in the balanced design each order has
  // its own random cycles, so with four or more pictures per prompt and seed (several files, or three strengths) the
  // raters' pairs differ, and a named rater's verdicts on theirs count too.
  const pairs = session.step_2_generation.shuffled_results.filter((p) => !p.repeat);
  const revealed = pairs.length;
  const known = new Set(pairs.map((p) => p.pair_id));
  for (const r of session.step_3_evaluation.raters) {
    for (const p of r.order) {
      if (p.repeat || known.has(p.pair_id)) continue;
      known.add(p.pair_id);
      pairs.push(p);
    }
  }
  const metrics = [...setup.metrics];
  const all = session.step_3_evaluation.scores;

  // Variants: Setup's, then any a pair names (its strength, or for the baseline's place Setup's strength).
  const variantOf = new Map<string, { f: number; k: number; strength: number }>();
  for (const v of planVariants(setup))
    variantOf.set(variantKey(v.lora_index, v.strength_index), { f: v.lora_index, k: v.strength_index, strength: v.strength });
  for (const p of pairs) {
    const key = pairVariant(p);
    if (!variantOf.has(key)) variantOf.set(key, { f: p.lora_index ?? 0, k: p.strength_index, strength: p.strength });
  }
  for (const p of pairs) {
    const key = versusVariant(p);
    const v = p.versus_strength_index;
    if (key !== null && v !== null && !variantOf.has(key))
      variantOf.set(key, { f: p.versus_lora_index ?? 0, k: v, strength: setup.weight_range[v] ?? 0 });
  }
  const variants = [...variantOf.values()].sort((a, b) => a.f - b.f || a.k - b.k);
  const variantAt = new Map(variants.map((v, i) => [variantKey(v.f, v.k), i]));
  const files = loraFiles(setup);
  const prompt = positions([...setup.prompt_pairs.keys(), ...pairs.map((p) => p.prompt_index)]);

  const pairIndex = new Map<string, number>();
  const pairStrength = new Int32Array(pairs.length);
  const pairPrompt = new Int32Array(pairs.length);
  const pairDirect = new Uint8Array(pairs.length);
  pairs.forEach((p, i) => {
    pairIndex.set(p.pair_id, i);
    pairStrength[i] = variantAt.get(pairVariant(p)) as number;
    pairPrompt[i] = prompt.at.get(p.prompt_index) as number;
    pairDirect[i] = p.versus_strength_index === null ? 1 : 0;
  });
  const metricIndex = new Map(metrics.map((m, i) => [m, i]));

  // Pass 1: indexes of every score, and the last score of each (pair, metric, rater). Scores come in runs of one
  // pair and rater (the metrics of a screen), so the previous lookup is reused when the id is the same.
  const raterIndex = new Map<string, number>();
  const scoresPerRater: number[] = [];
  const rawPair = new Int32Array(all.length);
  const rawMetric = new Int32Array(all.length);
  const rawRater = new Int32Array(all.length);
  let prevPairId: string | null = null;
  let prevPair = -1;
  let prevRaterName: string | null = null;
  let prevRater = -1;
  for (let i = 0; i < all.length; i++) {
    const s = all[i] as Score;
    if (s.rater !== prevRaterName) {
      let r = raterIndex.get(s.rater);
      if (r === undefined) {
        r = scoresPerRater.length;
        raterIndex.set(s.rater, r);
        scoresPerRater.push(0);
      }
      prevRaterName = s.rater;
      prevRater = r;
    }
    scoresPerRater[prevRater] = (scoresPerRater[prevRater] as number) + 1;
    if (s.pair_id !== prevPairId) {
      prevPairId = s.pair_id;
      prevPair = pairIndex.get(s.pair_id) ?? -1;
    }
    rawRater[i] = prevRater;
    rawPair[i] = prevPair;
    rawMetric[i] = metricIndex.get(s.metric) ?? -1;
  }
  const raterCount = scoresPerRater.length;
  const keys = pairs.length * metrics.length * raterCount;
  const key = (i: number) => ((rawPair[i] as number) * metrics.length + (rawMetric[i] as number)) * raterCount + (rawRater[i] as number);
  // key -> index of its last score: a flat table when the key space is not much larger than the scores, else a Map.
  const last = keys <= Math.max(1 << 20, 4 * all.length) ? new Int32Array(keys).fill(-1) : new Map<number, number>();
  const lastOf = (i: number): number => (last instanceof Int32Array ? (last[key(i)] as number) : (last.get(key(i)) ?? -1));
  let n = 0;
  for (let i = 0; i < all.length; i++) {
    if ((rawPair[i] as number) < 0 || (rawMetric[i] as number) < 0) continue;
    if (lastOf(i) < 0) n++;
    if (last instanceof Int32Array) last[key(i)] = i;
    else last.set(key(i), i);
  }

  // Pass 2: the counted scores in order, and their counts.
  const scores: Score[] = [];
  const pairOf = new Int32Array(n);
  const metricOf = new Int32Array(n);
  const raterOf = new Int32Array(n);
  const outcomeOf = new Uint8Array(n);
  const j: Judgments = {
    pairs,
    revealed,
    metrics,
    strengthIndexes: variants.map((v) => v.k),
    loraIndexes: variants.map((v) => v.f),
    strengths: variants.map((v) => v.strength),
    variantAt,
    files,
    fileLabels: fileLabels(files),
    prompts: prompt.sorted,
    raters: [...raterIndex.keys()],
    scoresPerRater,
    scores,
    pairOf,
    metricOf,
    raterOf,
    outcomeOf,
    pairStrength,
    pairPrompt,
    pairDirect,
    counts: new Int32Array(metrics.length * variants.length * prompt.sorted.length * OUTCOMES.length),
  };
  for (let i = 0; i < all.length; i++) {
    if ((rawPair[i] as number) < 0 || (rawMetric[i] as number) < 0 || lastOf(i) !== i) continue;
    const s = all[i] as Score;
    const at = scores.length;
    const p = rawPair[i] as number;
    const outcome = CODE[s.winner];
    scores.push(s);
    pairOf[at] = p;
    metricOf[at] = rawMetric[i] as number;
    raterOf[at] = rawRater[i] as number;
    outcomeOf[at] = outcome;
    if (pairDirect[p]) j.counts[countIndex(j, rawMetric[i] as number, pairStrength[p] as number, pairPrompt[p] as number) + outcome]! += 1;
  }
  return j;
}
