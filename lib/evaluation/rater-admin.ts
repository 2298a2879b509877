import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { DEFAULT_RATER, RaterNameSchema, type Rater, type Session } from '@/lib/sessions/schema';
import { evaluationComplete, pendingOwnerRaters } from './raters';

// The owner's changes to raters (lib/sessions/events.ts applies them): a rater link made or revoked, a rater paused,
// resumed or removed (judgments kept or dropped), and the owner looking at labelled images or results. Each checks
// before it changes anything.

/**
 * A change the owner makes to rater `name` (PATCH /api/sessions/:id/raters): a link made or revoked, a pause or
 * resume, a removal; `drop` (removal only) drops their judgments too.
 */
export const RaterChangeSchema = z.object({
  name: RaterNameSchema,
  action: z.enum(['link', 'revoke', 'pause', 'resume', 'remove']),
  drop: z.boolean().optional(),
});
export type RaterChange = z.infer<typeof RaterChangeSchema>;

function stored(s: Session, name: string): Rater {
  if (name === DEFAULT_RATER) throw new ApiError('bad_request', 'the default rater rates from the owner’s screens only');
  const rater = s.step_3_evaluation.raters.find((r) => r.name === name);
  if (!rater) throw new ApiError('not_found', `no rater ${name} in this session`);
  return rater;
}

function active(s: Session, name: string): Rater {
  const rater = stored(s, name);
  if (rater.removed_at) throw new ApiError('conflict', `${name} was removed from this session`);
  return rater;
}

/** Gives rater `name` the link token `token` (a new link; any earlier one stops working). */
export function applyLinkCreated(s: Session, name: string, token: string): void {
  active(s, name).link = token;
}

/** Revokes rater `name`'s link: it stops working at once; the rater and their judgments stay. */
export function applyLinkRevoked(s: Session, name: string): void {
  active(s, name).link = null;
}

/**
 * Pauses rater `name` at `at` (`paused`), or resumes them: while paused they judge nothing and their screen says so;
 * their link, place and judgments stay, and evaluation waits for them (the report is interim meanwhile). Throws
 * ApiError conflict for a removed rater, or a pause of one who has judged every pair.
 */
export function applyRaterPaused(s: Session, name: string, paused: boolean, at: string): void {
  const rater = active(s, name);
  if (paused && rater.evaluation_complete) throw new ApiError('conflict', `${name} has judged every pair already`);
  rater.paused_at = paused ? (rater.paused_at ?? at) : null;
}

/**
 * Removes rater `name` at `at`: their link stops working, they judge no more, and the reveal of their pairs may be
 * shown. Their judgments so far are kept, or with `drop` taken out of the session's scores (the event log still
 * holds them), so no figure counts them.
 */
export function applyRaterRemoved(s: Session, name: string, at: string, drop = false): void {
  const rater = active(s, name);
  rater.removed_at = at;
  rater.link = null;
  rater.paused_at = null;
  if (drop) {
    rater.judgments_dropped = true;
    s.step_3_evaluation.scores = s.step_3_evaluation.scores.filter((x) => x.rater !== name);
  }
  s.step_3_evaluation.evaluation_complete = evaluationComplete(s);
}

/**
 * The owner opened labelled images or results at `at`: every rater still blind on the owner's screens
 * (pendingOwnerRaters) ends their blind rating there, their judgments so far kept and flagged as made before they
 * looked; `owner_looked_at` records the first time (owner blind mode shows images from then on).
 */
export function applyLooked(s: Session, at: string): void {
  const ev = s.step_3_evaluation;
  for (const r of pendingOwnerRaters(s)) {
    if (r.name === DEFAULT_RATER) ev.default_looked_at = at;
    else stored(s, r.name).looked_at = at;
  }
  ev.owner_looked_at ??= at;
  ev.evaluation_complete = evaluationComplete(s);
}
