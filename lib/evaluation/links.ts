import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '@/lib/api/errors';
import type { Rater, Session } from '@/lib/sessions/schema';

export * from './link-format';

function sameToken(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * The rater whose link token is `token` (compared in constant time), or throws ApiError not_found: a revoked link, a
 * removed rater and a token that never existed all answer the same, so a link says nothing once it stops working.
 */
export function raterByLink(s: Session, token: string): Rater {
  const rater = s.step_3_evaluation.raters.find((r) => r.link !== null && r.removed_at === null && sameToken(r.link, token));
  if (!rater) throw new ApiError('not_found', 'this rater link does not work (it was revoked, or never existed)');
  return rater;
}
