import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { evaluationView, EvaluationViewSchema } from '@/lib/evaluation/blind';
import { DEFAULT_RATER, RaterNameSchema } from '@/lib/sessions/schema';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

const Query = z.object({ rater: RaterNameSchema.default(DEFAULT_RATER) });

/**
 * GET /api/sessions/:id/evaluation?rater=name - the rater's blind EvaluationView (no roles); 409 before generation
 * is complete, 404 for a rater who has not started (POST /api/sessions/:id/raters first).
 */
export const GET = withRoute({ params: SessionParams, query: Query, response: EvaluationViewSchema }, async ({ params, query }) =>
  evaluationView(await loadSession(params.id), query.rater),
);
