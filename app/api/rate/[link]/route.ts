import { withRoute } from '@/lib/api/handler';
import { evaluationView, EvaluationViewSchema } from '@/lib/evaluation/blind';
import { linkBlindBase, LinkParams, raterByLink } from '@/lib/evaluation/links';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

/**
 * GET /api/rate/:link - the blind EvaluationView of the link's rater (position, total, metrics, opaque image URLs
 * under /api/rate/:link/blind), and nothing else of the session: no counts, no rates, no reveal. 404 for a link that
 * was revoked or never existed, 400 for one that is malformed.
 */
export const GET = withRoute({ params: LinkParams, response: EvaluationViewSchema }, async ({ params }) => {
  const { link, sessionId, token } = params.link;
  const session = await loadSession(sessionId);
  return evaluationView(session, raterByLink(session, token).name, linkBlindBase(link));
});
