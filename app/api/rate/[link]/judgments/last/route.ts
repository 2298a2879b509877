import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { evaluationView, EvaluationViewSchema } from '@/lib/evaluation/blind';
import { linkBlindBase, LinkParams, raterByLink } from '@/lib/evaluation/links';
import { commit } from '@/lib/sessions/writer';

export const dynamic = 'force-dynamic';

const Query = z.object({ index: z.coerce.number().int().min(0).max(1_000_000).optional() });

/**
 * DELETE /api/rate/:link/judgments/last?index=n - undo of the link's rater: takes back their last pair and answers
 * their view. 409 when the screen (`index`) is out of date or there is nothing to undo, 404 for a dead link.
 */
export const DELETE = withRoute({ params: LinkParams, query: Query, response: EvaluationViewSchema }, async ({ params, query }) => {
  const { link, sessionId, token } = params.link;
  let rater = '';
  return commit(
    sessionId,
    (s) => {
      rater = raterByLink(s, token).name;
      return { kind: 'undo', rater, index: query.index };
    },
    { project: (s) => evaluationView(s, rater, linkBlindBase(link)) },
  );
});
