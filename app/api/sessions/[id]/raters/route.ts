import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { evaluationView, EvaluationViewSchema } from '@/lib/evaluation/blind';
import { raterAddedEvent } from '@/lib/evaluation/raters';
import { RaterNameSchema } from '@/lib/sessions/schema';
import { commit } from '@/lib/sessions/writer';

export const dynamic = 'force-dynamic';

const Body = z.object({ name: RaterNameSchema });

/**
 * POST /api/sessions/:id/raters - starts (or continues) evaluation as rater `name`: a new rater gets an order and
 * sides of their own, shuffled with a secret drawn on the server. Answers the rater's EvaluationView. 409 before generation
 * is complete.
 */
export const POST = withRoute({ params: SessionParams, body: Body, response: EvaluationViewSchema }, async ({ params, body }) => {
  return commit(params.id, (s) => raterAddedEvent(s, body.name), {
    project: (s) => evaluationView(s, body.name),
  });
});
