import path from 'node:path';
import { z } from 'zod';
import { ApiError, describeZodError } from '@/lib/api/errors';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { imageId } from '@/lib/generation/plan';
import {
  SamplerSchema,
  SeedSchema,
  SessionSchema,
  type BlindPair,
  type PromptPair,
  type Result,
  type Role,
  type Score,
  type Session,
  type Winner,
} from './schema';

/**
 * Migration of sessions written by the original Python (Streamlit) tool. Its format is described, as read from that
 * tool's source, in `/work/shared/fixtures/README.md` (fixture `legacy-v2/20240115_143022`) and DESIGN.md 3 / 3b:
 * no `schema_version`; `weight_range` is `[min, max, step]`; `step_2_generation.results` are *pairs*
 * `{baseline, lora, weight, prompt, negative_prompt, seed}` with a baseline regenerated per strength and the seed
 * changed between strengths; `shuffled_results` are `{result, swap}`; scores are `{pair_index, metric, choice:
 * A|B|same|skip, stars, lora_better, ...}`.
 */


// ---------------------------------------------------------------------------------------------------------------
// The legacy shape (lenient where the tool was sloppy: Python `None` is accepted wherever a field is optional)
// ---------------------------------------------------------------------------------------------------------------

/** Last path component, for `/` and `\` separators alike (the tool may have run on Windows). */
export function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? '';
}

/** Key identifying an image path as written by the tool (separators and `./` normalized). */
function pathKey(p: string): string {
  return path.posix.normalize(p.replace(/\\/g, '/'));
}

const ImagePathSchema = z
  .string({ error: 'image_path is missing' })
  .refine((p) => !['', '.', '..'].includes(baseName(p)), 'image_path must end in a file name');

const LegacyImageSchema = z.object({
  image_path: ImagePathSchema,
  weight: z.number().finite().nullish(),
  prompt: z.string().nullish(),
  seed: SeedSchema.nullish(),
  lora_name: z.string().nullish(),
});

const LegacyPairSchema = z
  .object({
    baseline: LegacyImageSchema,
    lora: LegacyImageSchema,
    weight: z.number().finite().nullish(),
    prompt: z.string().nullish(),
    negative_prompt: z.string().nullish(),
    seed: SeedSchema.nullish(),
  })
  .superRefine((p, ctx) => {
    const weight = p.lora.weight ?? p.weight;
    if (weight == null) ctx.addIssue({ code: 'custom', path: ['weight'], message: 'the LoRA strength (weight) is missing' });
    else if (weight < -100 || weight > 100) {
      ctx.addIssue({ code: 'custom', path: ['weight'], message: `strength ${weight} is outside -100..100` });
    }
    if ((p.prompt ?? p.lora.prompt) == null) ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'the prompt is missing' });
    const seed = p.seed ?? p.lora.seed;
    if (seed == null) ctx.addIssue({ code: 'custom', path: ['seed'], message: 'the seed is missing' });
    else if (p.lora.seed != null && p.lora.seed !== seed) {
      ctx.addIssue({ code: 'custom', path: ['lora', 'seed'], message: `${p.lora.seed} differs from the pair's seed ${seed}` });
    } else if (p.baseline.seed != null && p.baseline.seed !== seed) {
      ctx.addIssue({
        code: 'custom',
        path: ['baseline', 'seed'],
        message: `${p.baseline.seed} differs from the LoRA image's seed ${seed}; such a pair cannot be represented`,
      });
    }
  });
type LegacyPair = z.infer<typeof LegacyPairSchema>;

const LegacyPromptSchema = z.union([
  z.string(),
  z.object({ positive: z.string({ error: 'positive is missing' }), negative: z.string().nullish() }),
]);

const LegacyScoreSchema = z.object({
  pair_index: z.number().int().min(0).nullish(),
  metric: z.string({ error: 'metric is missing' }),
  lora_path: z.string().nullish(),
  choice: z.string().nullish(),
  stars: z.unknown().optional(),
  lora_better: z.boolean().nullish(),
  timestamp: z.union([z.number().finite(), z.string()]).nullish(),
});
type LegacyScore = z.infer<typeof LegacyScoreSchema>;

const LegacySessionSchema = z.object({
  session_id: z.string().nullish(),
  timestamp: z.number().finite().nullish(),
  notes: z.string().nullish(),
  step_1_setup: z.object({
    lora_filename: z.string().nullish(),
    checkpoint: z.string().nullish(),
    comfyui_url: z.string().nullish(),
    trigger_words: z.string().nullish(),
    weight_range: z.array(z.number().finite()).nullish(),
    seeds: z.array(SeedSchema).nullish(),
    metrics: z.array(z.string()).nullish(),
    prompt_pairs: z.array(LegacyPromptSchema).nullish(),
    sampler: z.unknown().optional(),
  }),
  step_2_generation: z
    .object({
      generation_complete: z.boolean().nullish(),
      generating: z.boolean().nullish(),
      results: z.array(LegacyPairSchema).nullish(),
      shuffled_results: z.array(z.object({ result: LegacyPairSchema, swap: z.boolean({ error: 'swap must be true or false' }) })).nullish(),
      lora_filename: z.string().nullish(),
      weight_range: z.array(z.number().finite()).nullish(),
      prompt_pairs_for_generation: z.array(LegacyPromptSchema).nullish(),
      metrics_for_evaluation: z.array(z.string()).nullish(),
      seeds_for_generation: z.array(SeedSchema).nullish(),
    })
    .nullish(),
  step_3_evaluation: z
    .object({
      evaluation_complete: z.boolean().nullish(),
      current_eval_index: z.number().int().min(0).nullish(),
      current_metric_index: z.number().int().min(0).nullish(),
      scores: z.array(LegacyScoreSchema).nullish(),
    })
    .nullish(),
  step_4_report: z.object({ report_generated: z.boolean().nullish() }).nullish(),
});
export type LegacySession = z.infer<typeof LegacySessionSchema>;

export function parseLegacy(json: unknown): LegacySession {
  if (!isLegacyV2(json)) {
    throw new ApiError('damaged', 'not a session of the original tool (expected step_1_setup and no schema_version)');
  }
  const parsed = LegacySessionSchema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError('damaged', `the original tool's session is unusable: ${describeZodError(parsed.error)}`);
  }
  return parsed.data;
}

/** Every image path the legacy session names (results and shuffled results), each once, in order. */
export function legacyImagePaths(legacy: LegacySession): string[] {
  const gen = legacy.step_2_generation;
  const pairs = [...(gen?.results ?? []), ...(gen?.shuffled_results ?? []).map((e) => e.result)];
  const seen = new Map<string, string>();
  for (const p of pairs) {
    for (const img of [p.baseline, p.lora]) if (!seen.has(pathKey(img.image_path))) seen.set(pathKey(img.image_path), img.image_path);
  }
  return [...seen.values()];
}

// ---------------------------------------------------------------------------------------------------------------
// Pure mapping
// ---------------------------------------------------------------------------------------------------------------

/** One file to copy: `from` is the legacy file name (inside `output/` for a v2 folder), `to` the new name. */
export interface LegacyCopy {
  from: string;
  to: string;
  /** The legacy `image_path` as written (v1 resolves it against the tool's working directory). */
  image_path: string;
}

/** Options of migrateLegacyV2. */
export interface MigrateOptions {
  /** Legacy `image_path` values whose file is missing: their results become `failed`, their pairs are left out. */
  missing?: Iterable<string>;
  /** A line added to `notes` (e.g. where an import came from). */
  note?: string;
}

/** The output of migrateLegacyV2. */
export interface LegacyMigration {
  session: Session;
  copies: LegacyCopy[];
  /** What could not be carried over as is (also written into `notes`). */
  warnings: string[];
}

/** Float noise from the tool's range arithmetic (0.30000000000000004) is folded onto the value it stands for. */
const cleanStrength = (w: number): number => Number.parseFloat(w.toPrecision(12));

/** Seconds since the epoch of a `YYYYMMDD_HHMMSS` id read as local time, or null. */
function idTime(id: string | null | undefined): number | null {
  const m = id ? /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})/.exec(id) : null;
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const t = new Date(y, mo - 1, d, h, mi, s).getTime();
  return Number.isFinite(t) ? t / 1000 : null;
}

/** `[min, max, step]` expanded as the tool did, without 0 (it makes a baseline for every pair instead). */
function expandWeightRange(range: number[] | null | undefined, warnings: string[]): number[] {
  if (!range || range.length === 0) return [];
  const [min, max, step] = range as [number, number, number];
  if (range.length !== 3 || !(step > 0) || max < min) {
    warnings.push(`weight_range ${JSON.stringify(range)} is not [min, max, step]; no strengths were taken from it.`);
    return [];
  }
  const out: number[] = [];
  for (let i = 0; out.length <= 50; i++) {
    const w = cleanStrength(min + i * step);
    if (w > max + 1e-9) break;
    if (w !== 0) out.push(w);
  }
  return out;
}

const scoreTime = (t: number | string | null | undefined, fallback: string): string => {
  if (typeof t === 'number') return new Date(t * 1000).toISOString();
  if (typeof t === 'string') {
    const fromId = idTime(t);
    if (fromId !== null) return new Date(fromId * 1000).toISOString();
    const parsed = Date.parse(t);
    if (!Number.isNaN(parsed)) return new Date(parsed).toISOString();
  }
  return fallback;
};

export function migrateParsed(legacy: LegacySession, sessionId: string, newToken: () => string, opts: MigrateOptions): LegacyMigration {
  const s1 = legacy.step_1_setup;
  const s2 = legacy.step_2_generation ?? {};
  const s3 = legacy.step_3_evaluation ?? {};
  const warnings: string[] = [];
  const missing = new Set([...(opts.missing ?? [])].map(pathKey));

  const timestamp = legacy.timestamp ?? idTime(legacy.session_id) ?? idTime(sessionId);
  if (timestamp === null) throw new ApiError('damaged', 'timestamp: missing, and the session id gives no time');
  const legacyAt = new Date(timestamp * 1000).toISOString();

  // Prompts: Setup's list keeps its indexes; a pair whose prompt is not in it adds one.
  const prompts: PromptPair[] = (s1.prompt_pairs?.length ? s1.prompt_pairs : (s2.prompt_pairs_for_generation ?? [])).map((p) =>
    typeof p === 'string'
      ? { positive: p, negative: '', append_trigger: false }
      : { positive: p.positive, negative: p.negative ?? '', append_trigger: false },
  );
  const promptIndexOf = (positive: string, negative: string | null | undefined): number => {
    let i = prompts.findIndex((p) => p.positive === positive && (negative == null || p.negative === negative));
    if (i < 0) i = prompts.findIndex((p) => p.positive === positive);
    if (i < 0) {
      i = prompts.push({ positive, negative: negative ?? '', append_trigger: false }) - 1;
      warnings.push(`The prompt "${positive.slice(0, 60)}" of a generated pair was not in Setup; it was added as prompt ${i + 1}.`);
    }
    return i;
  };

  // Legacy pairs, one per LoRA image: those of `results`, then any only named by `shuffled_results`.
  const pairs: LegacyPair[] = [];
  const pairOfLora = new Map<string, number>();
  const addPair = (p: LegacyPair): number => {
    const key = pathKey(p.lora.image_path);
    let i = pairOfLora.get(key);
    if (i === undefined) {
      i = pairs.push(p) - 1;
      pairOfLora.set(key, i);
    }
    return i;
  };
  const legacyResults = s2.results ?? [];
  const legacyShuffled = s2.shuffled_results ?? [];
  legacyResults.forEach(addPair);
  const shuffledPair = legacyShuffled.map((e) => addPair(e.result));

  const info = pairs.map((p) => ({
    p: promptIndexOf((p.prompt ?? p.lora.prompt) as string, p.negative_prompt),
    seed: (p.seed ?? p.lora.seed) as number,
    strength: cleanStrength((p.lora.weight ?? p.weight) as number),
  }));

  // The truth of what was generated: strengths and seeds used by the pairs (the grid may be sparse).
  const strengths = pairs.length
    ? [...new Set(info.map((i) => i.strength))].sort((a, b) => a - b)
    : expandWeightRange(s1.weight_range ?? s2.weight_range, warnings);
  const seeds = pairs.length
    ? [...new Set(info.map((i) => i.seed))].sort((a, b) => a - b)
    : [...new Set(s1.seeds?.length ? s1.seeds : (s2.seeds_for_generation ?? []))];
  const cell = info.map((i) => ({ p: i.p, s: seeds.indexOf(i.seed), k: strengths.indexOf(i.strength) }));

  // Results: a baseline per (prompt, seed), a LoRA image per (prompt, seed, strength); the first available file wins.
  const images = new Map<string, { p: number; s: number; k: number | null; seed: number; paths: string[] }>();
  const addImage = (p: number, s: number, k: number | null, imagePath: string) => {
    const id = imageId(p, s, k);
    const entry = images.get(id) ?? { p, s, k, seed: seeds[s] as number, paths: [] };
    if (!entry.paths.some((q) => pathKey(q) === pathKey(imagePath))) entry.paths.push(imagePath);
    images.set(id, entry);
  };
  pairs.forEach((pair, i) => {
    const { p, s, k } = cell[i]!;
    addImage(p, s, null, pair.baseline.image_path);
    addImage(p, s, k, pair.lora.image_path);
  });
  const ordered = [...images.values()].sort((a, b) => a.p - b.p || a.s - b.s || (a.k ?? -1) - (b.k ?? -1));
  const results: Result[] = [];
  const copies: LegacyCopy[] = [];
  for (const img of ordered) {
    const id = imageId(img.p, img.s, img.k);
    const filename = `${id}.png`;
    if (img.k !== null && img.paths.length > 1) {
      warnings.push(`${img.paths.length} LoRA images share ${filename}'s prompt, seed and strength; the first one was kept.`);
    }
    const found = img.paths.find((q) => !missing.has(pathKey(q)));
    if (found !== undefined) copies.push({ from: baseName(found), to: filename, image_path: found });
    else warnings.push(`missing file ${baseName(img.paths[0]!)}: ${filename} is marked failed.`);
    results.push({
      image_id: id,
      role: img.k === null ? 'baseline' : 'lora',
      prompt_index: img.p,
      seed_index: img.s,
      seed: img.seed,
      strength: img.k === null ? null : (strengths[img.k] as number),
      strength_index: img.k,
      filename,
      status: found !== undefined ? 'done' : 'failed',
      comfy_prompt_id: null,
        server: null,
      error: found !== undefined ? null : `missing file ${baseName(img.paths[0]!)}`,
      started_at: null,
      completed_at: null,
    });
  }
  const failed = new Set(results.filter((r) => r.status === 'failed').map((r) => r.image_id));

  const complete = legacyResults.length + legacyShuffled.length > 0 && !s2.generating && s2.generation_complete !== false;
  // A job cut off before any pair was kept has nothing to resume: Setup stays editable and the grid is planned anew.
  const started = complete || pairs.length > 0;

  // The blind order, as the tool stored it. `swap` true = the LoRA image was "A", on the left (fixture README).
  interface Entry {
    pairId: string;
    left: Role;
    kept: boolean;
    lost: boolean;
  }
  const entries: Entry[] = [];
  const blind: BlindPair[] = [];
  const lostPairs: string[] = [];
  const blindIds = new Set<string>();
  legacyShuffled.forEach((e, i) => {
    const { p, s, k } = cell[shuffledPair[i]!]!;
    const pairId = `p${p}_s${s}_k${k}`;
    const left: Role = e.swap ? 'lora' : 'baseline';
    const lost = failed.has(imageId(p, s, null)) || failed.has(imageId(p, s, k));
    const duplicate = blindIds.has(pairId);
    if (lost) lostPairs.push(pairId);
    else if (duplicate) warnings.push(`Pair ${i + 1} of the original order repeats ${pairId}; it was left out (its judgments count for ${pairId}).`);
    else {
      blindIds.add(pairId);
      blind.push({
        pair_id: pairId,
        token: newToken(),
        left,
        repeat: false,
        baseline_image_id: imageId(p, s, null),
        lora_image_id: imageId(p, s, k),
        prompt_index: p,
        seed_index: s,
        strength_index: k,
        strength: strengths[k] as number,
        versus_strength_index: null,
      });
    }
    entries.push({ pairId, left, kept: !lost && !duplicate, lost });
  });
  if (complete && legacyShuffled.length === 0 && results.length > 0) {
    blind.push(...makeBlindPairs(sessionId, results, newToken, 0, 'direct'));
    warnings.push('The original session had no evaluation order; a new one was made.');
  }

  // Judgments. `pair_index` indexes `shuffled_results`; A = the left image, B = the right one.
  const scores: Score[] = [];
  let lostScores = 0;
  const resolve = (sc: LegacyScore, j: number): Entry | null => {
    const byIndex = sc.pair_index != null ? legacyShuffled[sc.pair_index] : undefined;
    if (sc.lora_path && !(byIndex && pathKey(byIndex.result.lora.image_path) === pathKey(sc.lora_path))) {
      const i = legacyShuffled.findIndex((e) => pathKey(e.result.lora.image_path) === pathKey(sc.lora_path!));
      if (i >= 0) {
        warnings.push(`Judgment ${j + 1}: pair_index ${sc.pair_index} does not match its lora_path; the pair of lora_path was used.`);
        return entries[i]!;
      }
    }
    return byIndex ? entries[sc.pair_index!]! : null;
  };
  (s3.scores ?? []).forEach((sc, j) => {
    const entry = resolve(sc, j);
    if (!entry) {
      warnings.push(`Judgment ${j + 1} (${sc.metric}) names no pair of the evaluation order and was dropped.`);
      return;
    }
    if (entry.lost) {
      lostScores++;
      return;
    }
    const right: Role = entry.left === 'lora' ? 'baseline' : 'lora';
    const choice = (sc.choice ?? '').trim().toLowerCase();
    const winner: Winner | null =
      choice === 'a' ? entry.left : choice === 'b' ? right : choice === 'same' || choice === 'tie' ? 'tie' : choice === 'skip' ? 'skip' : null;
    if (winner === null) {
      warnings.push(`Judgment ${j + 1} (${sc.metric}) has the unknown choice ${JSON.stringify(sc.choice)} and was dropped.`);
      return;
    }
    const decisive = winner === 'lora' || winner === 'baseline';
    if (sc.lora_better != null && (!decisive || (winner === 'lora') !== sc.lora_better)) {
      warnings.push(`Judgment ${j + 1} (${sc.metric}): lora_better ${sc.lora_better} disagrees with choice ${sc.choice}; the choice was kept.`);
    }
    const stars = sc.stars;
    const rating = typeof stars === 'number' && Number.isInteger(stars) && stars >= 1 && stars <= 5 ? stars : null;
    if (rating === null && stars != null) warnings.push(`Judgment ${j + 1} (${sc.metric}): stars ${JSON.stringify(stars)} is not 1–5; no rating kept.`);
    scores.push({
      pair_id: entry.pairId,
      metric: sc.metric,
      winner,
      left: entry.left,
      rater: 'default',
      rating,
      same_image: false,
      at: scoreTime(sc.timestamp, legacyAt),
    });
  });
  if (lostPairs.length) {
    warnings.push(
      `${lostPairs.length} pair(s) left out of the evaluation because an image is missing (${lostPairs.join(', ')}); ` +
        `${lostScores} judgment(s) on them dropped.`,
    );
  }

  // The next judgment: pairs left out before it shift it; a left-out current pair restarts at its successor's first metric.
  const legacyIndex = Math.min(s3.current_eval_index ?? 0, entries.length);
  const currentEvalIndex = entries.slice(0, legacyIndex).filter((e) => e.kept).length;
  const currentMetricIndex = entries[legacyIndex]?.kept ? (s3.current_metric_index ?? 0) : 0;
  let evaluationComplete = s3.evaluation_complete ?? false;
  if (!evaluationComplete && complete && blind.length > 0 && currentEvalIndex >= blind.length && entries.length > 0) {
    evaluationComplete = true;
    warnings.push('Every remaining pair is judged, so the evaluation is marked complete.');
  }

  const metrics = [...new Set(s1.metrics?.length ? s1.metrics : (s2.metrics_for_evaluation ?? ['Quality', 'Style', 'Coherence']))];
  const sampler = SamplerSchema.safeParse(s1.sampler ?? {});
  if (!sampler.success) warnings.push('The original sampler settings were unusable; defaults are shown.');

  const notes = [legacy.notes ?? '', opts.note ?? '', ...warnings.map((w) => `Migration: ${w}`)].filter(Boolean).join('\n');
  const draft = {
    // The original tool rendered one LoRA file: schema 2 (schemaVersionFor).
    schema_version: 2,
    session_id: sessionId,
    timestamp,
    revision: 0,
    status: complete ? 'completed' : started || s2.generating ? 'interrupted' : 'pending',
    started_at: null,
    completed_at: null,
    error_message: null,
    notes,
    step_1_setup: {
      comfyui_url: s1.comfyui_url ?? '',
      checkpoint: s1.checkpoint ?? '',
      lora_filename: s1.lora_filename ?? s2.lora_filename ?? pairs[0]?.lora.lora_name ?? '',
      trigger_words: s1.trigger_words ?? '',
      weight_range: strengths,
      strength_clip: null,
      seeds,
      metrics,
      prompt_pairs: prompts,
      sampler: sampler.success ? sampler.data : SamplerSchema.parse({}),
    },
    step_2_generation: {
      generation_started: started,
      generation_complete: complete,
      results,
      shuffled_results: blind,
    },
    step_3_evaluation: {
      evaluation_complete: evaluationComplete,
      current_eval_index: currentEvalIndex,
      current_metric_index: currentMetricIndex,
      scores,
    },
    step_4_report: { report_generated: legacy.step_4_report?.report_generated ?? false },
  };
  const checked = SessionSchema.safeParse(draft);
  if (!checked.success) {
    throw new ApiError('damaged', `the original tool's session cannot be migrated: ${describeZodError(checked.error)}`);
  }
  return { session: checked.data, copies, warnings };
}

// ---------------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------------

/**
 * True when `json` is a session of the original Python tool: an object with `step_1_setup` and no `schema_version`
 * (format: `/work/shared/fixtures/README.md`). Never throws.
 */
export function isLegacyV2(json: unknown): boolean {
  return typeof json === 'object' && json !== null && !Array.isArray(json) && 'step_1_setup' in json && !('schema_version' in json);
}

/**
 * Maps a session of the original tool (its `session_meta.json`, or v1's `current_session.json`; format in
 * `/work/shared/fixtures/README.md`) to this app's format. Pure: no I/O.
 *
 * - `json`: the parsed legacy JSON; `sessionId`: the id the migrated session gets; `newToken`: makes each blind pair's
 *   token (32 lowercase hex chars; random in production). `opts.missing`: legacy `image_path` values whose file is
 *   gone (their results become `failed` with `error: "missing file <name>"`, pairs losing an image and their
 *   judgments are left out, and `notes` says so); `opts.note`: a line for `notes`.
 * - Returns the session (it passes `SessionSchema`), the file copies to make (`from`: the legacy file name, the
 *   basename of `image_path`; `to`: `baseline_P_S.png` / `lora_P_S_K.png`) and the warnings also written to `notes`.
 * - Strengths and seeds are those the pairs actually used (ascending; the tool changed seeds between strengths, so
 *   the grid may be sparse); without pairs, `weight_range` is read as `[min, max, step]` and Setup's seeds are kept.
 * - Judgments: choice `A` = the left image (`swap` true puts the LoRA there), `B` = the right, `same` = tie, `skip` =
 *   skip; `stars` becomes `rating` (null stays null).
 * - Throws ApiError `damaged` with the offending field (e.g. `step_2_generation.results.0.lora.image_path: …`) when
 *   the JSON is not a legacy session or a needed field is unusable, or when the result would not fit the schema.
 */
export function migrateLegacyV2(
  json: unknown,
  sessionId: string,
  newToken: () => string,
  opts: MigrateOptions = {},
): LegacyMigration {
  return migrateParsed(parseLegacy(json), sessionId, newToken, opts);
}
