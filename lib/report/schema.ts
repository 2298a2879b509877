/**
 * The report's shape as zod schemas (DESIGN.md section 5), the one source of its types: the counts and tests of
 * lib/report/report.ts, the extras of lib/report/extras.ts, and the report the browser gets (`ClientReportSchema`,
 * `GET /api/sessions/:id/report`). No behaviour, safe in server and client bundles.
 */
import { z } from 'zod';
import { OrderOriginSchema, RoleSchema, WinnerSchema } from '@/lib/sessions/schema';

/** The metric name of the pooled (all metrics summed) rows. */
export const POOLED_METRIC = 'All metrics';

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
});
export type Tally = z.infer<typeof TallySchema>;

/**
 * One metric (or "All metrics") at one strength: the counts of the direct comparisons with the baseline (pooled
 * rows: one verdict per pair and rater, lib/report/pair-verdicts.ts), and the calibrated inference of
 * lib/report/inference.ts over every comparison at the current look (null where there is none: before the first
 * analysis, with too few prompts, or in a rater's own rows).
 */
export const CellSchema = TallySchema.extend({
  metric: z.string(),
  strength: z.number(),
  strength_index: Count,
  /** The LoRA file of this row (index into `lora_files`); only in several-file sessions. */
  lora_index: Count.optional(),
  /** strength === 0: the "LoRA" image is made without the LoRA's effect, a control. */
  placebo: z.boolean(),
  /** The chance to beat the baseline, from the Bradley–Terry fit over all comparisons of this metric (placebo: its win rate). */
  estimate: Prob.nullable(),
  /**
   * Its interval, prompts as clusters: simultaneous over the whole family (level `analysis.confidence`), so every
   * interval of the report holds at once; the placebo's at 1 − α on its own.
   */
  ci_low: Prob.nullable(),
  ci_high: Prob.nullable(),
  /** Prompt-clustered t-test of "no effect", unadjusted (placebo: exact binomial test of its analysed counts). */
  p_value: Prob.nullable(),
  /** Holm-adjusted over every metric and "All metrics" at every non-placebo strength. */
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
  /** Several-file sessions only: the recommended variant's file (index into `lora_files`), null with none. */
  lora_index: Count.nullable().optional(),
  reason: z.string(),
});
export type Recommendation = z.infer<typeof RecommendationSchema>;

export const PlaceboSchema = CellSchema.extend({
  /**
   * The exact binomial test of its analysed pair verdicts (`p_value`) is below the look's α: the raters prefer one
   * side of pairs that are identical by construction, so the other results are suspect too.
   */
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
  /** Null for a pair against the baseline; in a pair between two strengths, the lower one (in the baseline's place). */
  versus_strength: z.number().nullable(),
  /** Several-file sessions only: the file of `strength`, and of `versus_strength` (null against the baseline). */
  lora_index: Count.optional(),
  versus_lora_index: Count.nullable().optional(),
  /** Several-file sessions only: the labels of those files (`epoch 4`). */
  file: z.string().optional(),
  versus_file: z.string().nullable().optional(),
  /** Which role was shown on the left. */
  left: RoleSchema,
  baseline_image_id: z.string(),
  lora_image_id: z.string(),
  /** metric -> winner (with several raters: the last counted score). */
  verdicts: z.record(z.string(), WinnerSchema),
});
export type RevealRow = z.infer<typeof RevealRowSchema>;

/** The look the report's intervals and claims come from (lib/report/sequential.ts), and what it allows. */
export const AnalysisSchema = z.object({
  kind: z.enum(['none', 'interim', 'final']),
  /** The error rate this look spends (of 5% over the whole evaluation); null with no analysis. */
  alpha: Prob.nullable(),
  /** Tests in the family that the intervals are adjusted over. */
  family: Count,
  /** Each interval's level, 1 − alpha/family; null with no test. */
  confidence: Prob.nullable(),
  /** Prompts with a comparison in the analysed data. */
  prompts: Count,
  /** Whether the prompts allow any claim (at least 3). */
  generalises: z.boolean(),
  /** What the analysis allows, in one sentence. */
  scope: z.string(),
  /** Pairs with a verdict so far, and how many the interim analysis needs. */
  pairs_seen: Count,
  pairs_needed: Count,
  /** Pairs with a verdict in the analysed data. */
  pairs_analysed: Count,
});
export type AnalysisSummary = z.infer<typeof AnalysisSchema>;

export const SettledSchema = z.object({
  settled: z.boolean(),
  reason: z.string(),
  /** Strengths that could still be the best (the recommended one first); empty when settled. */
  contention: z.array(z.number()),
  /** Several-file sessions: the variants in contention as (LoRA file index, strength); strengths alone repeat across files. */
  contention_variants: z.array(z.object({ lora_index: z.number().int().min(0), strength: z.number() })).optional(),
  /** More judged pairs that would likely settle it (lib/report/sample-size.ts, a power calculation); null if not estimable. */
  more_pairs: Count.nullable(),
});

export const ReportSchema = z.object({
  session_id: z.string(),
  lora_filename: z.string(),
  /** Several-file sessions only (issue 15): the LoRA files, and their short labels (`epoch 4`, or the file's stem). */
  lora_files: z.array(z.string()).optional(),
  file_labels: z.array(z.string()).optional(),
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
  /** Whether more judgments could still change the answer, in one sentence. */
  settled: SettledSchema,
  analysis: AnalysisSchema,
  /** The pooled strength-0 row, or null when 0 is not among the strengths. */
  placebo: PlaceboSchema.nullable(),
  reveal: z.array(RevealRowSchema),
});
export type Report = z.infer<typeof ReportSchema>;

/** Per metric × strength: the Arena-style rate. */
export const CellExtraSchema = z.object({
  metric: z.string(),
  strength_index: Count,
  /** Several-file sessions only: the file (index into `lora_files`). */
  lora_index: Count.optional(),
  /** (LoRA wins + ½ ties) ÷ all counted verdicts (skips and both-bad included in "all"). */
  arena_rate: Prob.nullable(),
});
export type CellExtra = z.infer<typeof CellExtraSchema>;

/** One item of the Bradley–Terry ranking: the baseline (anchor, 0) or the LoRA at a strength. */
export const RankItemSchema = z.object({
  label: z.string(),
  strength: z.number().nullable(),
  /** Several-file sessions only: the variant's file (index into `lora_files`); absent for the baseline. */
  lora_index: Count.optional(),
  /** Log-strength relative to the baseline (all metrics, each pair once); > 0 means preferred over the baseline. */
  estimate: z.number(),
  /** Its interval (as the cells': prompts as clusters, simultaneous over the family); null without one. */
  low: z.number().nullable(),
  high: z.number().nullable(),
  /** The chance to beat the baseline, logistic(estimate), with the interval's bounds transformed alike. */
  beats_baseline: Prob,
  beats_low: Prob.nullable(),
  beats_high: Prob.nullable(),
});
export type RankItem = z.infer<typeof RankItemSchema>;

/** How often a rater gave the same verdict to a repeated control pair (shown again with sides swapped). */
export const ConsistencySchema = z.object({
  rater: z.string(),
  /** (repeated pair, metric) items the rater judged both times. */
  repeats: Count,
  consistent: Count,
  rate: Prob.nullable(),
});
export type Consistency = z.infer<typeof ConsistencySchema>;

/** Per seed, over all metrics and non-placebo strengths. */
export const SeedRowSchema = z.object({
  seed_index: Count,
  seed: z.number().nullable(),
  lora_wins: Count,
  baseline_wins: Count,
  ties: Count,
  n: Count,
  win_rate: Prob.nullable(),
});
export type SeedRow = z.infer<typeof SeedRowSchema>;

/** One rater's part of the report. */
export const RaterReportSchema = z.object({
  name: z.string(),
  /** Every score of the rater, counted or not. */
  judgments: Count,
  /** Pooled over metrics, per strength, from this rater's scores alone. */
  pooled: z.array(CellSchema),
  position_bias: PositionBiasSchema,
  /**
   * How the rater's order and sides were made: with a secret drawn on the server (`secret`), or, in sessions from
   * before secret randomization, seeded with the session id and the rater's name (`public`), which a rater could read.
   */
  order: OrderOriginSchema,
  /** Joined by a rater link (else rated from the owner's screens). */
  invited: z.boolean(),
  /** When this rater, rating from the owner's screens, opened labelled images or results before finishing. */
  looked_at: z.string().nullable(),
});
export type RaterReport = z.infer<typeof RaterReportSchema>;

/** Agreement between raters (lib/report/agreement.ts). */
export const RaterAgreementSchema = z.object({
  /** The raters compared, in order of their first score (or as given). */
  raters: z.array(z.string()),
  /** Items (pair_id, metric) that every rater judged with a counted verdict. */
  subjects: Count,
  /** Fleiss' kappa over those items; null with fewer than 2 raters, no shared items, or a single category used. */
  kappa: z.number().nullable(),
  /**
   * Observed agreement P̄ of Fleiss: the mean over items of the share of rater pairs that chose the same category.
   * With two raters this is the plain share of items on which they agree. Null with fewer than 2 raters or no
   * shared items.
   */
  percent_agreement: Prob.nullable(),
});
export type RaterAgreement = z.infer<typeof RaterAgreementSchema>;

/** What the report adds on top of lib/report/report.ts: raters, agreement, arena rate, bootstrap, ranking. */
export const ReportExtrasSchema = z.object({
  raters: z.array(RaterReportSchema),
  self_consistency: z.array(ConsistencySchema),
  per_seed: z.array(SeedRowSchema),
  /** The pairs whose verdicts agree most (pair ids, most decisive first), for the revealed gallery. */
  decisive: z.array(z.string()),
  /** Fleiss' kappa over baseline / tie / lora on the items every rater judged; null with fewer than 2 raters. */
  agreement: RaterAgreementSchema.nullable(),
  cell_extras: z.array(CellExtraSchema),
  ranking: z.array(RankItemSchema),
  /**
   * How the pairs were made: `balanced` when some pairs are between two strengths (the Bradley–Terry fit over all
   * comparisons is then the headline estimate), else `direct` (every pair against the baseline).
   */
  design: z.enum(['balanced', 'direct']),
  /** Counted verdicts from pairs between two strengths: only the Bradley–Terry fit reads them. */
  between_judgments: Count,
});
export type ReportExtras = z.infer<typeof ReportExtrasSchema>;

/** One strength's image change from the baseline of the same prompt and seed (lib/report/similarity.ts). */
export const SimilarityRowSchema = z.object({
  strength_index: Count,
  /** Several-file sessions only: the file (index into the session's files) and its label (`epoch 4`). */
  lora_index: Count.optional(),
  file: z.string().optional(),
  strength: z.number(),
  placebo: z.boolean(),
  /** Image pairs (LoRA image and its baseline) measured. */
  n: Count,
  /** Mean 1 − SSIM over those pairs, and its sample standard deviation (null with fewer than 2). */
  mean: z.number().nullable(),
  sd: z.number().nullable(),
});
export type SimilarityRow = z.infer<typeof SimilarityRowSchema>;

/** `GET /api/sessions/:id/similarity`: per strength, how far the LoRA moves the image from the baseline. */
export const SimilaritySchema = z.object({
  /** The width (px) images are scaled to before comparing, in grey levels. */
  width: Count,
  rows: z.array(SimilarityRowSchema),
});
export type Similarity = z.infer<typeof SimilaritySchema>;

/** The report as the Report tab, the JSON export and the HTML export get it. */
export const ClientReportSchema = ReportSchema.extend(ReportExtrasSchema.shape).extend({
  /**
   * Raters still judging: their verdicts are left out of the reveal until they finish (or are removed), so the
   * report never shows which side was which for pairs someone has still to judge.
   */
  reveal_withheld: z.array(z.string()),
});
export type ClientReport = z.infer<typeof ClientReportSchema>;
