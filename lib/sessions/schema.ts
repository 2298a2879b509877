import { CustomWorkflowSchema } from '@/lib/comfy/graph-schema';
import { z } from 'zod';

/** Session ids are local-time `YYYYMMDD_HHMMSS`, with `_N` appended on a same-second collision. */
export const SESSION_ID_PATTERN = /^\d{8}_\d{6}(?:_\d{1,4})?$/;
export const SessionIdSchema = z.string().regex(SESSION_ID_PATTERN, 'session id must look like YYYYMMDD_HHMMSS');

/** Seeds are integers in [0, 2^53-1] (DESIGN.md section 3). */
export const SeedSchema = z
  .number()
  .int('seeds must be whole numbers from 0 to 2^53-1')
  .min(0, 'seeds must be 0 or more')
  .max(Number.MAX_SAFE_INTEGER, 'seeds must be at most 2^53-1');

/** ComfyUI's LoraLoader accepts strengths in -100..100 (`GET /object_info/LoraLoader`). */
export const StrengthSchema = z.number().finite().min(-100).max(100);

export const SamplerSchema = z.object({
  steps: z.number().int('steps must be a whole number').min(1, 'steps go from 1 to 150').max(150, 'steps go from 1 to 150').default(20),
  cfg: z.number().min(0, 'CFG goes from 0 to 100').max(100, 'CFG goes from 0 to 100').default(7),
  sampler_name: z.string().min(1, 'choose a sampler').default('euler'),
  scheduler: z.string().min(1, 'choose a scheduler').default('normal'),
  width: z
    .number()
    .int('width must be a whole number')
    .min(64, 'width goes from 64 to 4096')
    .max(4096, 'width goes from 64 to 4096')
    .multipleOf(8, 'width must be a multiple of 8')
    .default(512),
  height: z
    .number()
    .int('height must be a whole number')
    .min(64, 'height goes from 64 to 4096')
    .max(4096, 'height goes from 64 to 4096')
    .multipleOf(8, 'height must be a multiple of 8')
    .default(512),
});
export type Sampler = z.infer<typeof SamplerSchema>;

export const PromptPairSchema = z.object({
  positive: z.string().max(10_000),
  negative: z.string().default(''),
  append_trigger: z.boolean().default(false),
});
export type PromptPair = z.infer<typeof PromptPairSchema>;

export const MetricSchema = z.string().trim().min(1, 'a metric needs a name').max(40, 'metric names are at most 40 characters');

/** Step 1: everything the user chose before generation. Lenient so a half-filled Setup can be saved. */
export const SetupSchema = z.object({
  comfyui_url: z.string().default(''),
  checkpoint: z.string().default(''),
  lora_filename: z.string().default(''),
  /**
   * Several LoRA files ranked in one session (issue 15), e.g. the saved epochs of one run; empty for a one-file
   * session, which uses `lora_filename` alone. When set, `lora_filename` is its first file (lib/generation/variants.ts).
   */
  lora_files: z.array(z.string().min(1)).max(20).default([]),
  /**
   * Strengths per LoRA file of `lora_files` (schema 3): a file named here is rendered at these strengths of
   * `weight_range` only; a file not named here at every strength. Strength 0 is the placebo, rendered once for all.
   */
  lora_strengths: z.record(z.string(), z.array(StrengthSchema).max(50)).default({}),
  trigger_words: z.string().default(''),
  weight_range: z.array(StrengthSchema).max(50).default([0, 0.5, 1]),
  /** A separate CLIP strength; null means `strength_clip` = `strength_model`. */
  strength_clip: StrengthSchema.nullable().default(null),
  // Sessions migrated from the original tool can hold one seed per (prompt, strength), so stored Setups may hold
  // more seeds than a new run may start with (ReadySetupSchema).
  seeds: z.array(SeedSchema).max(10_000).default([]),
  metrics: z.array(MetricSchema).max(20).default(['Quality', 'Style', 'Coherence']),
  prompt_pairs: z.array(PromptPairSchema).max(100).default([]),
  sampler: SamplerSchema.default(() => SamplerSchema.parse({})),
  /** Share of pairs shown a second time, sides swapped, to measure each rater's self-consistency (0 = none). */
  repeat_share: z.number().min(0).max(0.5).default(0.1),
  /**
   * How images are paired (lib/evaluation/pairing.ts): `balanced`, a random cycle through the baseline and every
   * strength per prompt and seed, so each picture is shown equally often; or `direct`, the baseline against each
   * strength, where the baseline recurs in every pair of its prompt and seed.
   */
  design: z.enum(['balanced', 'direct']).default('balanced'),
  /** Serve next the pairs between the current leaders (lib/evaluation/adaptive.ts), so fewer judgments settle the best. */
  adaptive: z.boolean().default(false),
  /**
   * Owner blind mode: the owner will rate this session themself, so the Generation tab shows progress but no images
   * until they have rated (or chose to look).
   */
  owner_rates: z.boolean().default(false),
  /** A template or pasted API-format workflow with its node mapping; null uses the standard built-in graph. */
  workflow: CustomWorkflowSchema.nullable().default(null),
});
export type Setup = z.infer<typeof SetupSchema>;

/** Whether Setup's checkpoint goes into the graph: the standard graph, or a workflow mapping a `ckpt_name`. */
export function usesCheckpoint(setup: Pick<Setup, 'workflow'>): boolean {
  return !setup.workflow || setup.workflow.mapping.checkpoint?.input === 'ckpt_name';
}

/** What Setup must hold before generation can start. */
export const ReadySetupSchema = SetupSchema.extend({
  lora_filename: z.string().min(1, 'choose a LoRA file'),
  weight_range: z
    .array(z.number().min(-2, 'strengths go from -2 to 2').max(2, 'strengths go from -2 to 2'))
    .min(1, 'give at least one LoRA strength')
    .max(50, 'at most 50 strengths')
    .refine((w) => new Set(w).size === w.length, 'strengths must not repeat')
    .refine((w) => w.every((x, i) => i === 0 || w[i - 1]! < x), 'strengths must be in ascending order'),
  seeds: z
    .array(SeedSchema)
    .min(1, 'give at least one seed')
    .max(100, 'at most 100 seeds in one session')
    .refine((s) => new Set(s).size === s.length, 'seeds must not repeat'),
  metrics: z
    .array(MetricSchema)
    .min(1, 'give at least one metric')
    .max(20, 'at most 20 metrics')
    .refine((m) => new Set(m).size === m.length, 'metrics must not repeat'),
  prompt_pairs: z
    .array(PromptPairSchema.extend({ positive: z.string().trim().min(1, 'every prompt needs positive text') }))
    .min(1, 'give at least one prompt')
    .max(100, 'at most 100 prompts in one session'),
  lora_files: z
    .array(z.string().min(1))
    .max(20, 'at most 20 LoRA files in one session')
    .refine((f) => new Set(f).size === f.length, 'LoRA files must not repeat')
    .default([]),
}).superRefine((s, ctx) => {
  if (s.lora_files.length && s.lora_files[0] !== s.lora_filename) {
    ctx.addIssue({ code: 'custom', path: ['lora_filename'], message: 'the LoRA file must be the first of the LoRA files' });
  }
  for (const [file, strengths] of Object.entries(s.lora_strengths)) {
    const name = file.length > 60 ? `${file.slice(0, 57)}…` : file;
    if (!s.lora_files.includes(file)) {
      ctx.addIssue({ code: 'custom', path: ['lora_strengths'], message: `strengths are set for ${name}, which is not one of the LoRA files` });
    } else if (!strengths.some((w) => w !== 0 && s.weight_range.includes(w))) {
      ctx.addIssue({ code: 'custom', path: ['lora_strengths'], message: `${name} has no strength: tick one, or remove the file` });
    }
  }
  if (usesCheckpoint(s) && !s.checkpoint) ctx.addIssue({ code: 'custom', path: ['checkpoint'], message: 'choose a checkpoint' });
});

// Path-derived fields have exact patterns here, so import, migration and load all refuse what could name a file
// outside the session folder (issue 11: an imported `filename: "../../x"` was written through by Resume).
/**
 * An image id: `baseline_P_S` or `lora_P_S_K` (prompt, seed and strength indexes), with `_fF` for the LoRA file F
 * of a several-file session when F > 0.
 */
export const IMAGE_ID_PATTERN = /^(?:baseline_\d{1,6}_\d{1,6}|lora_\d{1,6}_\d{1,6}_\d{1,6}(?:_f\d{1,3})?)$/;
/** Matches exactly the image file names a session can hold: an image id and `.png`. */
export const IMAGE_FILE_PATTERN = /^(?:baseline_\d{1,6}_\d{1,6}|lora_\d{1,6}_\d{1,6}_\d{1,6}(?:_f\d{1,3})?)\.png$/;
/**
 * A blind pair id: `pP_sS_kK`, `_fF` for a file F > 0, `_vV` (and its `_fG`) for the variant in the baseline's place,
 * with `#r` for a repeat control.
 */
export const PAIR_ID_PATTERN = /^p\d{1,6}_s\d{1,6}_k\d{1,6}(?:_f\d{1,3})?(?:_v\d{1,6}(?:_f\d{1,3})?)?(?:#r)?$/;

const ImageIdSchema = z.string().regex(IMAGE_ID_PATTERN, 'an image id is baseline_P_S or lora_P_S_K');
const PairIdSchema = z.string().regex(PAIR_ID_PATTERN, 'a pair id is pP_sS_kK or pP_sS_kK_vV');
/** ComfyUI's prompt ids are UUIDs; any other id a server chose is kept, but never with path or control characters. */
const PromptIdSchema = z.string().max(200).regex(/^[\w.-]+$/, 'a ComfyUI prompt id has only letters, digits, ".", "_" and "-"');

export const RoleSchema = z.enum(['baseline', 'lora']);
export type Role = z.infer<typeof RoleSchema>;

export const ImageStatusSchema = z.enum(['queued', 'running', 'done', 'failed']);

/** The fields of an image that a generation job changes as it goes: its status, where it was sent, and when. */
const TRACKING = {
  status: ImageStatusSchema,
  comfy_prompt_id: PromptIdSchema.nullable(),
  /** The ComfyUI server the prompt was submitted to, so a restarted workbench can re-attach to it. */
  server: z.string().nullable(),
  error: z.string().nullable(),
  started_at: z.string().nullable(),
  /** When ComfyUI began executing the prompt (its `execution_start`): time before it was waiting in ComfyUI's queue. */
  rendering_at: z.string().nullable(),
  completed_at: z.string().nullable(),
};

/** A change of an image's tracking fields (an `image_updated` event); fields left out stay as they are. */
export const ResultPatchSchema = z.object(TRACKING).partial().strict();
export type ResultPatch = z.infer<typeof ResultPatchSchema>;

/** One image of the grid. Baselines have `strength` and `strength_index` null. */
export const ResultSchema = z
  .object({
    image_id: ImageIdSchema,
    role: RoleSchema,
    prompt_index: z.number().int().min(0),
    seed_index: z.number().int().min(0),
    seed: SeedSchema,
    strength: StrengthSchema.nullable(),
    strength_index: z.number().int().min(0).nullable(),
    /** The LoRA file (index into the session's files, lib/generation/variants.ts); absent means 0 (and for baselines). */
    lora_index: z.number().int().min(0).max(999).optional(),
    filename: z.string().regex(IMAGE_FILE_PATTERN, 'an image file name is baseline_P_S.png or lora_P_S_K.png'),
    status: TRACKING.status,
    comfy_prompt_id: TRACKING.comfy_prompt_id.default(null),
    server: TRACKING.server.default(null),
    error: TRACKING.error.default(null),
    started_at: TRACKING.started_at.default(null),
    /** Absent in sessions from before it was recorded (and for images re-attached after a restart). */
    rendering_at: TRACKING.rendering_at.optional(),
    completed_at: TRACKING.completed_at.default(null),
  })
  .refine((r) => r.filename === `${r.image_id}.png`, { message: 'the file name must be the image id and .png', path: ['filename'] });
export type Result = z.infer<typeof ResultSchema>;

/**
 * One blind pair in evaluation order. `token` is the opaque id the browser uses for the pair's images;
 * `left` says which role is shown on the left.
 */
export const BlindPairSchema = z.object({
  pair_id: PairIdSchema,
  token: z.string().regex(/^[a-f0-9]{32}$/),
  left: RoleSchema,
  baseline_image_id: ImageIdSchema,
  lora_image_id: ImageIdSchema,
  prompt_index: z.number().int().min(0),
  seed_index: z.number().int().min(0),
  strength_index: z.number().int().min(0),
  strength: StrengthSchema,
  /** A control: a pair shown again later with its sides swapped, to measure the rater's self-consistency. */
  repeat: z.boolean().default(false),
  /**
   * Null for a direct comparison (the LoRA at `strength` against the baseline). In a pair between two strengths (the
   * balanced design) the lower strength takes the baseline's place: `baseline_image_id` is its image, this its
   * strength index, and a winner `baseline` means the lower strength won.
   */
  versus_strength_index: z.number().int().min(0).nullable().default(null),
  /** The LoRA file of `strength_index`, and of `versus_strength_index`; absent means file 0. */
  lora_index: z.number().int().min(0).max(999).optional(),
  versus_lora_index: z.number().int().min(0).max(999).optional(),
});
export type BlindPair = z.infer<typeof BlindPairSchema>;

export const WinnerSchema = z.enum(['baseline', 'lora', 'tie', 'skip', 'both_bad']);

/** The rater whose order is `step_2_generation.shuffled_results` (sessions from before named raters). */
export const DEFAULT_RATER = 'default';
export const RaterNameSchema = z.string().trim().min(1, 'give a rater name').max(60).regex(/^[^\u0000-\u001f]+$/, 'no control characters');

/**
 * Where an evaluation order came from: shuffled with a random secret drawn on the server (`secret`), or, in sessions
 * from before secret randomization, seeded with public values (`public`: the session id and the rater's name).
 */
export const OrderOriginSchema = z.enum(['secret', 'public']);
export type OrderOrigin = z.infer<typeof OrderOriginSchema>;

/** 32 random bytes in hex: the secret an order is shuffled with. Never sent to a client. */
export const OrderSecretSchema = z.string().regex(/^[a-f0-9]{64}$/);

/** The random part of a rater link `/rate/<session id>-<token>`. */
export const LinkTokenSchema = z.string().regex(/^[a-f0-9]{32}$/);

/** A named rater: their own order and sides, and how far they are. */
export const RaterSchema = z.object({
  name: RaterNameSchema,
  order: z.array(BlindPairSchema),
  current_eval_index: z.number().int().min(0).default(0),
  evaluation_complete: z.boolean().default(false),
  origin: OrderOriginSchema.default('public'),
  secret: OrderSecretSchema.nullable().default(null),
  /** Invited by a rater link (someone other than the owner), or rating from the owner's own screens. */
  invited: z.boolean().default(false),
  /** The token of this rater's link; null when none was made, or it was revoked. */
  link: LinkTokenSchema.nullable().default(null),
  /**
   * When the owner, rating as this rater, opened labelled images or results before finishing: their blind rating
   * ended then, and their judgments are flagged as made before they looked.
   */
  looked_at: z.string().nullable().default(null),
  /** When the owner removed this rater: their link stops working, and their judgments so far are kept unless dropped. */
  removed_at: z.string().nullable().default(null),
  /** Removed with their judgments dropped (by the owner's choice): none of their scores remain. */
  judgments_dropped: z.boolean().default(false),
  /** While the owner has paused this rater: they judge nothing until resumed; their link and judgments stay. */
  paused_at: z.string().nullable().default(null),
  /** The pair an undo last went back to: undo never goes further back than this (one step at a time, see undoLastJudgment). */
  undo_floor: z.number().int().min(0).default(0),
});
export type Rater = z.infer<typeof RaterSchema>;
export type Winner = z.infer<typeof WinnerSchema>;

export const ScoreSchema = z.object({
  pair_id: PairIdSchema,
  metric: z.string(),
  winner: WinnerSchema,
  left: RoleSchema,
  rater: z.string().default('default'),
  /** Optional "how much better" (1–5); null when not given, never a default (DESIGN.md 3b). */
  rating: z.number().int().min(1).max(5).nullable().default(null),
  /** The rater flagged the two images as the same picture. */
  same_image: z.boolean().default(false),
  at: z.string(),
});
export type Score = z.infer<typeof ScoreSchema>;

export const SessionStatusSchema = z.enum(['pending', 'running', 'interrupted', 'completed', 'failed']);

/** The newest format of `session_meta.json` this build reads and writes (DESIGN.md section 3). */
export const SCHEMA_VERSION = 3;

/**
 * The format a session is written in: 3 when its Setup holds several LoRA files or strengths per file (issue 15), so
 * that an older build refuses it instead of reading it as its first file alone; else 2, which every build since the
 * format began reads. Loading a schema 2 file that holds such a Setup (written before schema 3) migrates it in memory;
 * its next save writes schema 3.
 */
export function schemaVersionFor(setup: Pick<Setup, 'lora_files' | 'lora_strengths'>): 2 | 3 {
  return setup.lora_files.length > 0 || Object.keys(setup.lora_strengths).length > 0 ? 3 : 2;
}

/** `session_meta.json`, schema version 2 or 3 (DESIGN.md section 3; schemaVersionFor says which). */
export const SessionSchema = z.object({
  schema_version: z.union([z.literal(2), z.literal(SCHEMA_VERSION)]),
  session_id: SessionIdSchema,
  /** Seconds since the epoch, a float as the original tool wrote it. */
  timestamp: z.number(),
  revision: z.number().int().min(0),
  /** Bytes of `events.jsonl` this snapshot already holds (lib/sessions/writer.ts); a load replays the log from here. */
  log_offset: z.number().int().min(0).default(0),
  status: SessionStatusSchema,
  /** ISO 8601: when generation first started, and when it completed. */
  started_at: z.string().nullable().default(null),
  completed_at: z.string().nullable().default(null),
  /** Why the last generation job stopped early; null when it did not. */
  error_message: z.string().nullable().default(null),
  notes: z.string().default(''),
  step_1_setup: SetupSchema,
  step_2_generation: z.object({
    generation_started: z.boolean().default(false),
    generation_complete: z.boolean().default(false),
    results: z.array(ResultSchema).default([]),
    shuffled_results: z.array(BlindPairSchema).default([]),
    /** How `shuffled_results` (the default rater's order) was made; its secret, never sent to a client. */
    order_origin: OrderOriginSchema.default('public'),
    order_secret: OrderSecretSchema.nullable().default(null),
  }),
  step_3_evaluation: z.object({
    evaluation_complete: z.boolean().default(false),
    current_eval_index: z.number().int().min(0).default(0),
    current_metric_index: z.number().int().min(0).default(0),
    scores: z.array(ScoreSchema).default([]),
    /** Raters other than DEFAULT_RATER, each with an order of their own. */
    raters: z.array(RaterSchema).default([]),
    /** When the owner first opened labelled images or results (see the `looked` event); null while they have not. */
    owner_looked_at: z.string().nullable().default(null),
    /** When DEFAULT_RATER's blind rating ended because the owner looked before it finished. */
    default_looked_at: z.string().nullable().default(null),
    /** DEFAULT_RATER's `undo_floor` (see RaterSchema). */
    default_undo_floor: z.number().int().min(0).default(0),
  }),
  step_4_report: z.object({ report_generated: z.boolean().default(false) }),
});
export type Session = z.infer<typeof SessionSchema>;

export type Step = 1 | 2 | 3 | 4;

/** The tab a session is at, derived and never stored (DESIGN.md section 3). */
export function currentStep(s: Session): Step {
  if (!s.step_2_generation.generation_started) return 1;
  if (!s.step_2_generation.generation_complete) return 2;
  if (!s.step_3_evaluation.evaluation_complete) return 3;
  return 4;
}

export const STEP_NAMES: Record<Step, string> = { 1: 'Setup', 2: 'Generation', 3: 'Evaluation', 4: 'Report' };

/** One row of the Load dropdown and the session history. A damaged folder carries its reason instead of session data. */
export const SessionSummarySchema = z.discriminatedUnion('damaged', [
  z.object({
    damaged: z.literal(false),
    session_id: SessionIdSchema,
    timestamp: z.number(),
    lora_filename: z.string(),
    /** Every LoRA file of a several-file session (issue 15); empty for one file. */
    lora_files: z.array(z.string()),
    status: SessionStatusSchema,
    step: z.number().int().min(1).max(4),
    revision: z.number().int(),
    notes: z.string(),
    images_done: z.number().int(),
    images_total: z.number().int(),
    /** Every stored score (verdict) of the session, counted or not. */
    judgments: z.number().int(),
    /** The verdicts the report counts (lib/report/count-words.ts says what that is). */
    verdicts_counted: z.number().int(),
    pairs_total: z.number().int(),
    /** File name of the first finished image, for the list's thumbnail; null before any. */
    thumbnail: z.string().nullable(),
    /** A folder of the original tool, summarized as it will be once migrated (Load migrates it). */
    legacy: z.boolean(),
  }),
  z.object({
    damaged: z.literal(true),
    session_id: z.string(),
    reason: z.string(),
    /** The unusable file, relative to the session folder (e.g. `session_meta.json`). */
    file: z.string(),
    /** Where in it, when known: a field path (`step_1_setup.seeds.0`) or a line (`line 3`). */
    where: z.string().nullable(),
  }),
]);
export type SessionSummary = z.infer<typeof SessionSummarySchema>;
/** A summary row of a readable session. */
export type SessionRow = Extract<SessionSummary, { damaged: false }>;
