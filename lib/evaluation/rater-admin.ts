import { ApiError } from '@/lib/api/errors';
import { DEFAULT_RATER, type Rater, type Session } from '@/lib/sessions/schema';
import { evaluationComplete, pendingOwnerRaters } from './raters';

// The owner's changes to raters (lib/sessions/events.ts applies them): a rater link made or revoked, a rater
// removed, and the owner looking at labelled images or results. Each checks before it changes anything.

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
 * Removes rater `name` at `at`: their link stops working, they judge no more, their judgments so far are kept, and
 * the reveal of their pairs may be shown.
 */
export function applyRaterRemoved(s: Session, name: string, at: string): void {
  const rater = active(s, name);
  rater.removed_at = at;
  rater.link = null;
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
