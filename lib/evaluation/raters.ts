import { ApiError } from '@/lib/api/errors';
import { DEFAULT_RATER, type BlindPair, type Rater, type Session } from '@/lib/sessions/schema';
import { adaptivePick, decisions, itemIntervals, leaders } from './adaptive';
import { makeBlindPairs } from './pairing';
import { newBlindToken, newLinkToken, newOrderSecret } from './secret';

/**
 * Where one rater stands: their order of pairs, the next index, whether they are done, and whether their rating
 * ended before that (`removed` by the owner, or `looked`: rating from the owner's screens, they opened labelled images
 * or results first).
 */
export interface RaterState {
  name: string;
  order: BlindPair[];
  index: number;
  complete: boolean;
  ended: 'removed' | 'looked' | null;
  /** Paused by the owner: judges nothing until resumed (not ended: evaluation waits for them). */
  paused: boolean;
  /** Joined by a rater link. */
  invited: boolean;
  /** The earliest pair an undo may go back to (see undoLastJudgment). */
  undoFloor: number;
}

/**
 * The state of rater `name`, or null when that rater has not started. DEFAULT_RATER uses the session's own order
 * (`shuffled_results`); every other rater has an order of their own.
 */
export function raterState(s: Session, name: string): RaterState | null {
  const ev = s.step_3_evaluation;
  if (name === DEFAULT_RATER) {
    return {
      name,
      order: s.step_2_generation.shuffled_results,
      index: ev.current_eval_index,
      complete: ev.current_eval_index >= s.step_2_generation.shuffled_results.length,
      ended: ev.default_looked_at ? 'looked' : null,
      paused: false,
      invited: false,
      undoFloor: ev.default_undo_floor,
    };
  }
  const r = ev.raters.find((x) => x.name === name);
  if (!r) return null;
  const ended = r.removed_at ? 'removed' : r.looked_at ? 'looked' : null;
  return {
    name,
    order: r.order,
    index: r.current_eval_index,
    complete: r.evaluation_complete,
    ended,
    paused: r.paused_at !== null,
    invited: r.invited,
    undoFloor: r.undo_floor,
  };
}

/** Every rater who has started (the default rater once it has a score), in order of arrival. */
export function startedRaters(s: Session): RaterState[] {
  const ev = s.step_3_evaluation;
  const names = [
    ...(ev.current_eval_index > 0 || ev.scores.some((x) => x.rater === DEFAULT_RATER) ? [DEFAULT_RATER] : []),
    ...ev.raters.map((r) => r.name),
  ];
  return names.map((n) => raterState(s, n)!);
}

/** Where a new rater's random values come from (lib/evaluation/secret.ts in production). */
export interface RaterRandom {
  token: () => string;
  secret: () => string;
  link: () => string;
}

const RANDOM: RaterRandom = { token: newBlindToken, secret: newOrderSecret, link: newLinkToken };

/**
 * The event that adds rater `name` with their own order: the same pairs, shuffled and sided with a fresh order
 * secret (stored with the rater, never sent to a client), so each rater's order is kept across reloads and differs
 * between raters, and nobody can recompute it. `invite` makes the rater one who joins by a rater link (the event
 * carries its token). Null for DEFAULT_RATER or a rater who exists. Throws ApiError conflict before generation is
 * complete.
 */
export function raterAddedEvent(
  s: Session,
  name: string,
  opts: { invite?: boolean; random?: RaterRandom } = {},
): { kind: 'rater_added'; rater: Rater } | null {
  if (!s.step_2_generation.generation_complete) {
    throw new ApiError('conflict', 'evaluation opens once generation is complete');
  }
  if (name === DEFAULT_RATER || s.step_3_evaluation.raters.some((r) => r.name === name)) return null;
  const random = opts.random ?? RANDOM;
  const secret = random.secret();
  return {
    kind: 'rater_added',
    rater: {
      name,
      order: makeBlindPairs(secret, s.step_2_generation.results, random.token, s.step_1_setup.repeat_share, s.step_1_setup.design),
      current_eval_index: 0,
      evaluation_complete: false,
      origin: 'secret',
      secret,
      invited: opts.invite ?? false,
      link: opts.invite ? random.link() : null,
      looked_at: null,
      removed_at: null,
      judgments_dropped: false,
      paused_at: null,
      undo_floor: 0,
    },
  };
}

/** Moves rater `name` to `index` and keeps the session-level `evaluation_complete` in step (see evaluationComplete). */
export function setRaterIndex(draft: Session, name: string, index: number): void {
  const ev = draft.step_3_evaluation;
  if (name === DEFAULT_RATER) {
    ev.current_eval_index = index;
    ev.current_metric_index = 0;
  } else {
    const r = ev.raters.find((x) => x.name === name);
    if (!r) throw new ApiError('not_found', `no rater ${name} in this session`);
    r.current_eval_index = index;
    r.evaluation_complete = index >= r.order.length;
  }
  ev.evaluation_complete = evaluationComplete(draft);
}

/** Records that an undo of rater `name` went back to pair `index`, the furthest back the next undo may go. */
export function setUndoFloor(draft: Session, name: string, index: number): void {
  const ev = draft.step_3_evaluation;
  if (name === DEFAULT_RATER) ev.default_undo_floor = index;
  else {
    const r = ev.raters.find((x) => x.name === name);
    if (r) r.undo_floor = index;
  }
}

/**
 * Evaluation is complete when at least one rater has started and every rater who started has finished, or stopped
 * early (removed, or looked at results) and so will judge no more.
 */
export function evaluationComplete(s: Session): boolean {
  const started = startedRaters(s);
  return started.length > 0 && started.every((r) => r.complete || r.ended !== null);
}

/** Raters who rate from the owner's screens (not invited) and are still blind and unfinished: the owner's own rating. */
export function pendingOwnerRaters(s: Session): RaterState[] {
  return startedRaters(s).filter((r) => !r.invited && !r.complete && r.ended === null);
}

/** The pair behind a blind image token, whoever's order it is in. */
export function pairByToken(s: Session, token: string): BlindPair | undefined {
  return (
    s.step_2_generation.shuffled_results.find((p) => p.token === token) ??
    s.step_3_evaluation.raters.flatMap((r) => r.order).find((p) => p.token === token)
  );
}

/**
 * Adaptive order (Setup option `adaptive`): after a judgment of rater `name`, moves the remaining pair that best
 * separates the current leaders to the rater's next position (lib/evaluation/adaptive.ts: leaders from the rater's own
 * verdicts so far, the pick, and why repeats and placebos keep their places). Nothing is added or lost: the order
 * stays a permutation of the same pairs, and with fewer than two judged items it does not change.
 */
export function adaptNext(draft: Session, name: string): void {
  const state = raterState(draft, name);
  if (!state || state.complete) return;
  const from = adaptivePick(state.order, state.index, leaders(itemIntervals(decisions(draft, name))));
  if (from === null || from === state.index) return;
  const [pick] = state.order.splice(from, 1);
  state.order.splice(state.index, 0, pick as BlindPair);
}
