import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { DEFAULT_RATER, RaterNameSchema, type BlindPair, type Role, type Session, type Winner } from '@/lib/sessions/schema';
import { metricDefinitions } from './metric-definitions';
import { adaptNext, pairByToken, raterState, setRaterIndex, setUndoFloor, type RaterState } from './raters';

/** A verdict on one metric: which side is better, a tie, both unacceptable, or no verdict (skip). */
export const ChoiceSchema = z.enum(['left', 'tie', 'right', 'both_bad', 'skip']);
export type Choice = z.infer<typeof ChoiceSchema>;
export const SideSchema = z.enum(['left', 'right']);
export type Side = z.infer<typeof SideSchema>;

/** One screen's verdicts: the pair's position in the order and a choice for every metric. */
export const JudgmentInputSchema = z.object({
  index: z.number().int().min(0),
  choices: z.record(z.string(), ChoiceSchema),
  /** Optional "how much better" (1–5) per metric; absent means null, never a default. */
  ratings: z.record(z.string(), z.number().int().min(1).max(5)).optional(),
  /** The rater says the two images are the same picture. */
  same_image: z.boolean().optional(),
  rater: RaterNameSchema.optional(),
});
export type JudgmentInput = z.infer<typeof JudgmentInputSchema>;

const BlindImagesSchema = z.object({ token: z.string(), left_url: z.string(), right_url: z.string() });

/**
 * What the browser may know during evaluation: position, total, metrics and opaque image URLs. It carries no role,
 * strength, prompt index or file name (DESIGN.md section 4).
 */
export const EvaluationViewSchema = z.object({
  session_id: z.string(),
  rater: z.string(),
  total: z.number().int(),
  index: z.number().int(),
  judged: z.number().int(),
  complete: z.boolean(),
  /** The metrics in Setup's order, the same on every pair so the keys keep their rhythm. */
  metrics: z.array(z.string()),
  /** What each metric asks (lib/evaluation/metric-definitions.ts), shown beside its verdicts. */
  definitions: z.record(z.string(), z.string()),
  /** The current pair's prompt as written in Setup (both sides share it, so it tells nothing of which is which). */
  prompt: z.string().nullable(),
  /** Verdicts already recorded for the current pair (e.g. a session stopped mid-pair), to prefill the screen. */
  answered: z.record(z.string(), ChoiceSchema),
  pair: BlindImagesSchema.nullable(),
  next: BlindImagesSchema.nullable(),
  /** Why this rater judges no more before the end: removed by the owner, or they looked at results (null: they may go on). */
  ended: z.enum(['removed', 'looked']).nullable(),
  /** The owner paused this rater: no pair is served until they resume it (their place and judgments stay). */
  paused: z.boolean(),
});
export type EvaluationView = z.infer<typeof EvaluationViewSchema>;

function requireGenerated(session: Session): void {
  if (!session.step_2_generation.generation_complete) {
    throw new ApiError('conflict', 'evaluation opens once generation is complete');
  }
}

/** The rater's state; throws ApiError conflict before generation is complete, not_found for an unknown rater. */
function requireRater(session: Session, rater: string): RaterState {
  requireGenerated(session);
  const state = raterState(session, rater);
  if (!state) throw new ApiError('not_found', `rater ${rater} has not started in this session`);
  return state;
}

/** The state of a rater who may judge now; ApiError conflict while paused, and once they were removed or looked at results. */
function requireJudging(session: Session, rater: string): RaterState {
  const state = requireRater(session, rater);
  if (state.ended === 'removed') throw new ApiError('conflict', `${rater} was removed from this session`);
  if (state.paused) throw new ApiError('conflict', `the owner paused ${rater}'s rating; it goes on once they resume it`);
  if (state.ended === 'looked') {
    throw new ApiError(
      'conflict',
      `${rater}'s blind rating ended when labelled images or results were opened; the judgments so far are kept`,
    );
  }
  return state;
}

function images(base: string, pair: BlindPair | undefined) {
  if (!pair) return null;
  return { token: pair.token, left_url: `${base}/${pair.token}/left`, right_url: `${base}/${pair.token}/right` };
}

/** Where the owner's screens fetch blind images: `/api/sessions/:id/blind` (a rater link has its own, under /api/rate). */
export const ownerBlindBase = (sessionId: string): string => `/api/sessions/${sessionId}/blind`;

/**
 * The blind state of one rater's evaluation (default: DEFAULT_RATER), its image URLs under `imageBase` (default
 * ownerBlindBase). Throws ApiError conflict before generation is complete, not_found for a rater who has not started.
 */
export function evaluationView(
  session: Session,
  rater: string = DEFAULT_RATER,
  imageBase = ownerBlindBase(session.session_id),
): EvaluationView {
  const state = requireRater(session, rater);
  const pairs = state.order;
  const index = Math.min(state.index, pairs.length);
  const current = pairs[index];
  const open = !state.complete && state.ended === null && !state.paused;
  const answered: Record<string, Choice> = {};
  for (const score of session.step_3_evaluation.scores) {
    if (!current || score.rater !== rater || score.pair_id !== current.pair_id) continue;
    const w = score.winner;
    answered[score.metric] = w === 'tie' || w === 'skip' || w === 'both_bad' ? w : w === current.left ? 'left' : 'right';
  }
  return EvaluationViewSchema.parse({
    session_id: session.session_id,
    rater,
    total: pairs.length,
    index,
    judged: new Set(session.step_3_evaluation.scores.filter((x) => x.rater === rater).map((x) => x.pair_id)).size,
    complete: state.complete,
    metrics: session.step_1_setup.metrics,
    definitions: metricDefinitions(session.step_1_setup.metrics),
    prompt: open && current ? (session.step_1_setup.prompt_pairs[current.prompt_index]?.positive.trim() ?? null) : null,
    answered: open ? answered : {},
    pair: open ? images(imageBase, current) : null,
    next: open ? images(imageBase, pairs[index + 1]) : null,
    ended: state.ended,
    paused: state.paused,
  });
}

function winnerOf(choice: Choice, left: Role): Winner {
  if (choice === 'tie' || choice === 'skip' || choice === 'both_bad') return choice;
  const right: Role = left === 'lora' ? 'baseline' : 'lora';
  return choice === 'left' ? left : right;
}

/**
 * Records the verdicts of rater `input.rater` (default DEFAULT_RATER) for the pair at `input.index` of their order
 * into `draft` (a session being updated): one score per metric, left/right translated to baseline/lora with the
 * stored sides, replacing any earlier verdicts of the same rater on that pair. Only the rater's current pair can be
 * judged, so a repeated POST cannot double a judgment. Throws ApiError conflict (wrong index, rater done), not_found
 * (rater not started) or bad_request (a metric missing or unknown); conflict too while the rater is paused, and once
 * they were removed or looked.
 */
export function applyJudgment(draft: Session, input: JudgmentInput, at: string): void {
  const rater = input.rater ?? DEFAULT_RATER;
  const state = requireJudging(draft, rater);
  if (state.complete) throw new ApiError('conflict', `${rater} has judged every pair already`);
  if (input.index !== state.index) {
    throw new ApiError('conflict', `pair ${input.index + 1} is not the current pair (${state.index + 1})`);
  }
  const pair = state.order[input.index];
  if (!pair) throw new ApiError('bad_request', `there is no pair ${input.index + 1}`);
  const metrics = draft.step_1_setup.metrics;
  const unknown = Object.keys(input.choices).filter((m) => !metrics.includes(m));
  if (unknown.length) throw new ApiError('bad_request', `unknown metric: ${unknown.join(', ')}`);
  const missing = metrics.filter((m) => !(m in input.choices));
  if (missing.length) throw new ApiError('bad_request', `choose a verdict (or skip) for: ${missing.join(', ')}`);
  const badRating = Object.keys(input.ratings ?? {}).filter((m) => !metrics.includes(m));
  if (badRating.length) throw new ApiError('bad_request', `rating for an unknown metric: ${badRating.join(', ')}`);
  const ev = draft.step_3_evaluation;
  // A pair left half-judged (e.g. by the original tool) is judged again whole: its earlier verdicts are replaced.
  ev.scores = ev.scores.filter((s) => !(s.pair_id === pair.pair_id && s.rater === rater));
  for (const metric of metrics) {
    ev.scores.push({
      pair_id: pair.pair_id,
      metric,
      winner: winnerOf(input.choices[metric]!, pair.left),
      left: pair.left,
      rater,
      rating: input.ratings?.[metric] ?? null,
      same_image: input.same_image ?? false,
      at,
    });
  }
  setRaterIndex(draft, rater, input.index + 1);
  if (draft.step_1_setup.adaptive) adaptNext(draft, rater);
}

/**
 * Takes back rater's last judged pair and steps back to it. Only one step: a second undo in a row is refused, since
 * a rater who has seen later pictures (say the identical placebo pair, which tells its baseline) and could step back
 * through earlier pairs would judge them knowing more than blind. `seenIndex`, when given, is the pair index the
 * rater's screen shows: if the rater has moved on elsewhere (another tab), nothing is undone, so one tab never takes
 * back another tab's judgment. Throws ApiError conflict when there is nothing to undo, the last undo went there
 * already, or `seenIndex` is stale.
 */
export function undoLastJudgment(draft: Session, rater: string = DEFAULT_RATER, seenIndex?: number): void {
  const state = requireJudging(draft, rater);
  if (seenIndex !== undefined && seenIndex !== Math.min(state.index, state.order.length)) {
    throw new ApiError('conflict', `this screen shows pair ${seenIndex + 1}, but ${rater} is at pair ${state.index + 1}`);
  }
  const last = state.order[state.index - 1];
  if (!last) throw new ApiError('conflict', 'there is no judgment to undo');
  if (state.index - 1 < state.undoFloor) throw new ApiError('conflict', 'only the last judgment can be undone, once');
  const ev = draft.step_3_evaluation;
  ev.scores = ev.scores.filter((s) => !(s.pair_id === last.pair_id && s.rater === rater));
  setRaterIndex(draft, rater, state.index - 1);
  setUndoFloor(draft, rater, state.index - 1);
}

/** The image ids on each side of a pair, from its stored sides. */
export function blindSides(pair: BlindPair): { left: string; right: string } {
  return pair.left === 'lora'
    ? { left: pair.lora_image_id, right: pair.baseline_image_id }
    : { left: pair.baseline_image_id, right: pair.lora_image_id };
}

/**
 * The pair behind a blind token, looked up in every order, or in rater `onlyOf`'s order alone (a rater link reaches
 * only its own pairs). Throws ApiError conflict before generation is complete, not_found for an unknown token.
 */
export function blindPair(session: Session, token: string, onlyOf?: string): BlindPair {
  requireGenerated(session);
  const pair = onlyOf === undefined ? pairByToken(session, token) : raterState(session, onlyOf)?.order.find((p) => p.token === token);
  if (!pair) throw new ApiError('not_found', 'no such blind image');
  return pair;
}
